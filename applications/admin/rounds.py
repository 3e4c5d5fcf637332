"""Rounds in the admin: opened by administrators for incentives of current documents of one city."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incentives.models import Incentive

from ..models import Round
from ..rounds import documents_required_of, round_problems


class DocumentsField(forms.CharField):
    """A list of document names, one per line."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class RoundForm(forms.ModelForm):
    documents_required = DocumentsField(label=_("申报材料清单"), required=False,
                                        help_text=_("每行一项；留空则按所选项目的政策数据填入，保存后可再修改"))

    class Meta:
        model = Round
        fields = ["name", "incentives", "accepting_department", "opens_at", "closes_at", "grace_hours", "budget",
                  "documents_required", "notice", "transitional_basis", "publicity_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incentives"].queryset = Incentive.objects.filter(document__is_current=True) \
            .select_related("document").order_by("document__region", "document__key", "position")

    def clean(self):
        cleaned = super().clean()
        incentives = list(cleaned.get("incentives") or [])
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("截止时间应晚于开始时间。"))
        on = timezone.localtime(opens_at).date() if opens_at else timezone.localdate()
        for problem in round_problems(incentives, transitional_basis=cleaned.get("transitional_basis") or "", on=on):
            self.add_error("incentives", problem)
        if incentives and not self.errors:
            cleaned["region"] = incentives[0].document.region
            if not cleaned.get("documents_required"):
                cleaned["documents_required"] = documents_required_of(incentives)
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit=False)
        instance.region = self.cleaned_data["region"]
        instance.documents_required = self.cleaned_data["documents_required"]
        if commit:
            instance.save()
            self.save_m2m()
        return instance


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    form = RoundForm
    list_display = ["name", "region", "accepting_department", "opens_at", "closes_at", "phase", "budget"]
    list_filter = ["region", "accepting_department"]
    search_fields = ["name"]
    filter_horizontal = ["incentives"]
    readonly_fields = ["region", "created_by", "created_at", "updated_at"]

    @admin.display(description=_("状态"))
    def phase(self, obj: Round) -> str:
        return obj.phase_label_at(timezone.now())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # a round with applications is part of their record
        return super().has_delete_permission(request, obj) and not (obj and obj.applications.exists())
