"""Admin: everything loaded can be listed and read; fixture files are uploaded through the same loader."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .models import Clause, Department, Fact, Incentive, PolicyDocument, PolicyLoad
from .services import PolicyFilesInvalid, policy_files_load, policy_files_preview


class ReadOnlyAdmin(admin.ModelAdmin):
    """Loaded data changes only through fixture files, so that every version stays as it was loaded."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PolicyUploadForm(forms.Form):
    file = forms.FileField(label=_("数据文件（YAML）"), help_text=_("格式见 docs/fixture-format.md"))
    dry_run = forms.BooleanField(label=_("只预览，不加载"), required=False,
                                 help_text=_("逐项显示平台将如何展示这个文件，什么都不写入"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.POLICY_FILE_MAX_BYTES:
            raise forms.ValidationError(_("文件过大（上限 %(limit)s MB）。") % {
                "limit": f"{settings.POLICY_FILE_MAX_BYTES / (1024 * 1024):g}"})
        try:
            return upload.name, upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("文件不是 UTF-8 编码的文本。")) from None


class ClauseInline(admin.TabularInline):
    model = Clause
    fields = ["number", "chapter", "title"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "region_name", "number", "status", "version", "is_current", "created_at"]
    list_filter = ["region_name", "status", "is_current"]
    search_fields = ["title", "number", "issuer"]
    inlines = [ClauseInline]
    change_list_template = "admin/incentives/policydocument/change_list.html"

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="incentives_policydocument_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not request.user.has_perm("incentives.add_policyload"):
            raise PermissionDenied
        form = PolicyUploadForm(request.POST or None, request.FILES or None)
        problems, previews, facts_warnings = [], [], []
        if request.method == "POST" and form.is_valid():
            name, text = form.cleaned_data["file"]
            try:
                if form.cleaned_data["dry_run"]:
                    previews, facts_warnings = policy_files_preview(files=[(name, text)])
                    messages.info(request, _("预览：文件已通过校验，尚未加载。确认无误后取消勾选“只预览”再上传。"))
                else:
                    outcomes = policy_files_load(files=[(name, text)], by=request.user.get_username())
            except PolicyFilesInvalid as exc:
                problems = exc.problems
                messages.error(request, _("文件未通过校验，未加载任何内容。"))
            else:
                if not form.cleaned_data["dry_run"]:
                    for outcome in outcomes:
                        for warning in outcome.warnings:
                            messages.warning(request, warning)
                        messages.success(request, _("数据文件 %(file)s：%(result)s") % {
                            "file": outcome.file,
                            "result": dict(PolicyLoad.Result.choices).get(outcome.result, outcome.result)})
                    return redirect(reverse("admin:incentives_policydocument_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "problems": problems,
                   "previews": previews, "facts_warnings": facts_warnings,
                   "title": _("上传政策文件数据"), "opts": self.model._meta}
        return TemplateResponse(request, "admin/incentives/policydocument/upload.html", context)


@admin.register(Clause)
class ClauseAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "document"]
    list_filter = ["document__region_name"]
    search_fields = ["text", "title"]
    list_select_related = ["document"]


@admin.register(Incentive)
class IncentiveAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "topic", "beneficiary", "document", "clause"]
    list_filter = ["kind", "topic", "beneficiary", "document__region_name", "document__is_current"]
    search_fields = ["name", "summary", "key"]
    list_select_related = ["document", "clause"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """A department named by a loaded version is part of that version: it can be read, not changed or deleted."""

    list_display = ["name", "short_name", "key", "region"]
    list_filter = ["region"]
    search_fields = ["name", "key"]
    readonly_fields = ["key"]

    @staticmethod
    def _in_use(department: Department) -> bool:
        return department.clauses.exists() or department.incentives.exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not self._in_use(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not self._in_use(obj))

    def get_deleted_objects(self, objs, request):
        """The bulk delete action refuses departments in use, listing them as protected."""
        in_use = [department for department in objs if self._in_use(department)]
        free = [department for department in objs if department not in in_use]
        deletable, counts, perms_needed, protected = super().get_deleted_objects(free, request)
        refused = [_("%(department)s（已加载的政策文件引用了该部门）") % {"department": d.name} for d in in_use]
        return deletable, counts, perms_needed, [*protected, *refused]

    def delete_queryset(self, request, queryset):
        if any(self._in_use(department) for department in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)


@admin.register(Fact)
class FactAdmin(ReadOnlyAdmin):
    list_display = ["key", "label", "type", "unit", "group"]
    list_filter = ["type", "group"]
    search_fields = ["key", "label"]


@admin.register(PolicyLoad)
class PolicyLoadAdmin(ReadOnlyAdmin):
    list_display = ["fixture_name", "document", "result", "loaded_by", "loaded_at"]
    list_filter = ["result"]
    readonly_fields = ["fixture_name", "digest", "document", "result", "loaded_by", "loaded_at", "match_progress"]

    @admin.display(description=_("免申即享匹配"))
    def match_progress(self, load: PolicyLoad) -> str:
        """How far the match of the enterprises' saved answers against this version has got."""
        from applications.services.matching import document_match_progress, progress_is_shared

        progress = document_match_progress(load.document_id) if load.document_id else None
        if progress is None:
            if load.document_id and not progress_is_shared():
                return _("加载时已在同一进程内完成（未使用 Redis，不记录进度）")
            return _("没有进行中或近期的匹配记录")
        if progress["chunks"] is None:
            return _("排队中")
        values = {"done": progress["done"], "chunks": progress["chunks"], "matched": progress["matched"],
                  "profiles": progress["profiles"]}
        if progress["done"] >= progress["chunks"]:
            return _("已完成：%(matched)d 家企业（%(chunks)d 批）") % values
        return _("进行中：%(done)d / %(chunks)d 批，已匹配 %(matched)d / %(profiles)d 家企业") % values
