"""Admin of enterprises and their members."""
from django.contrib import admin

from ..models import Enterprise, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "city", "answers_updated_at"]
    list_filter = ["city"]
    search_fields = ["name", "credit_code"]
    readonly_fields = ["answers", "answers_updated_at"]
    inlines = [MembershipInline]
