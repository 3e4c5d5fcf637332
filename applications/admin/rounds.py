"""Rounds in the admin: opened by administrators for incentives of current documents of one city."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incentives.models import Incentive

from ..models import Round
from ..rounds import documents_parse, documents_required_of, documents_text, round_problems


class RoundForm(forms.ModelForm):
    documents_text = forms.CharField(
        label=_("申报材料清单"), required=False, widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=_("每行一项。开头几行是所有项目共同需要的材料；“[文件代码/项目代码]”一行之后是该项目的材料。"
                    "留空则按所选项目的政策数据填入，保存后可再修改。"))

    class Meta:
        model = Round
        fields = ["name", "incentives", "accepting_department", "opens_at", "closes_at", "grace_hours", "budget",
                  "notice", "transitional_basis", "publicity_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incentives"].queryset = Incentive.objects.filter(document__is_current=True) \
            .select_related("document").order_by("document__region", "document__key", "position")
        if self.instance.pk:
            names = {f"{i.document.key}/{i.key}": i.name for i in self.instance.incentives.select_related("document")}
            self.initial["documents_text"] = documents_text(self.instance.documents_required, names)

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
            text = (cleaned.get("documents_text") or "").strip()
            if text:
                required, problems = documents_parse(text, {f"{i.document.key}/{i.key}" for i in incentives})
                for problem in problems:
                    self.add_error("documents_text", problem)
                cleaned["documents_required"] = required
            else:
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
