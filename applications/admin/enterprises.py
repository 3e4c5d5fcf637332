"""Admin of enterprises, their members with roles, invitations (read-only) and the record of changes."""
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from ..models import Enterprise, EnterpriseEvent, Invitation, Membership


class MembershipFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [form for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("user")]
        if kept and not any(form.cleaned_data.get("is_admin") for form in kept):
            raise ValidationError(_("企业至少需要一名管理员。"))


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_admin", "created_at"]
    readonly_fields = ["created_at"]


class EnterpriseEventInline(admin.TabularInline):
    model = EnterpriseEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor_label", "action", "data"]
    readonly_fields = fields
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "city", "legal_representative", "contact_person", "phone",
                    "member_count", "answers_updated_at"]
    list_filter = ["city", "scale"]
    search_fields = ["name", "credit_code", "legal_representative", "contact_person"]
    readonly_fields = ["answers", "answers_given_at", "answers_updated_at"]
    inlines = [MembershipInline, EnterpriseEventInline]

    def get_readonly_fields(self, request, obj=None):
        # the credit code is the enterprise's identity once registered
        return [*self.readonly_fields, "credit_code"] if obj is not None else self.readonly_fields

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("成员数"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "enterprise", "role", "invited_by", "created_at", "expires_at", "accepted_at",
                    "accepted_by"]
    list_filter = ["role"]
    search_fields = ["email", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "invited_by", "accepted_by"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
