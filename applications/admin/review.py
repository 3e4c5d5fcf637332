"""Admin of the review: the queue and application page of a department's staff, objections, payments, staff.

Scoping: a staff user sees an application when one of their departments accepts its round or has a step on
its route (a superuser sees all); anything else is a 404 on every URL, attachments and PDFs included. What
they may do is what the transition table allows their role at the current step; every button calls a service.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..forms.review import DecisionForm, ResolveObjectionForm
from ..models import (
    Application,
    ApplicationReview,
    Attachment,
    Enterprise,
    Notification,
    Objection,
    Payment,
    Publicity,
    ReviewStep,
    Round,
    RoundDepartment,
    StaffMembership,
)
from ..services import review as services
from ..services.notifications import action_label, notifications_email_again
from ..services.review import ReviewError, staff_department_ids
from ..storage import private_file_response
from ..workflow import Status


def visible_applications(user, queryset=None):
    """The applications `user` may see: their departments accept the round or are on the route."""
    queryset = Application.objects.all() if queryset is None else queryset
    queryset = queryset.exclude(status=Status.DRAFT).exclude(reference__isnull=True)
    if user.is_superuser:
        return queryset
    departments = staff_department_ids(user)
    if not departments:
        return queryset.none()
    on_route = ReviewStep.objects.filter(department_id__in=departments).values("application_id")
    return queryset.filter(Q(round__accepting_department_id__in=departments) | Q(pk__in=on_route))


# Beyond this many ids the queue filters with subqueries instead of a list (SQLite caps a query's parameters).
MAX_LISTED_IDS = 20_000


def waiting_for(user, queryset):
    """Of `queryset`, the applications waiting for a decision of the user's departments.

    The ids are read first, from the step index and the (status, round) index: an OR of two subqueries would
    make PostgreSQL scan every application of the city, where a list of a few thousand ids is an index scan.
    """
    if user.is_superuser:
        return queryset.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW])
    departments = staff_department_ids(user)
    rounds = list(Round.objects.filter(accepting_department_id__in=departments).values_list("pk", flat=True))
    open_here = ReviewStep.objects.filter(state=ReviewStep.State.OPEN, department_id__in=departments)
    to_accept = Application.objects.filter(status=Status.SUBMITTED, round_id__in=rounds)
    ids = set(open_here.values_list("application_id", flat=True)[:MAX_LISTED_IDS + 1])
    ids |= set(to_accept.values_list("pk", flat=True)[:MAX_LISTED_IDS + 1])
    if len(ids) <= MAX_LISTED_IDS:
        return queryset.filter(pk__in=ids)
    return queryset.filter(Q(pk__in=to_accept.values("pk")) | Q(pk__in=open_here.values("application_id")))


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows: the queue never pays for a COUNT(*) over every application."""

    CAP = 10_000

    @cached_property
    def count(self):
        return len(self.object_list.values_list("pk", flat=True).order_by()[: self.CAP + 1])


class QueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("待办")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("mine", _("待我部门处理")), ("all", _("全部可见"))]

    def queryset(self, request, queryset):
        return queryset  # applied in get_queryset, before the scoping it makes redundant

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {"selected": (self.value() or "mine") == value, "display": label,
                   "query_string": changelist.get_query_string({self.parameter_name: value})}


def snapshot_view(snapshot: dict | None) -> dict:
    """The submitted snapshot in the shape the page shows, tolerant of missing keys."""
    snapshot = snapshot or {}
    amount = snapshot.get("amount") or {}
    eligibility = snapshot.get("eligibility") or {}
    answers = snapshot.get("answers") or []
    if isinstance(answers, dict):
        answers = list(answers.items())
    return {
        "enterprise": snapshot.get("enterprise") or {},
        "incentive": snapshot.get("incentive") or {},
        "eligibility_status": eligibility.get("status", ""),
        "reasons": eligibility.get("reasons") or [],
        "maximum": amount.get("maximum"), "is_maximum": amount.get("is_maximum"),
        "steps": amount.get("steps") or [], "requested": amount.get("requested"),
        "attachments": snapshot.get("attachments") or [],
        "answers": [(row[0], row[1]) if isinstance(row, (list, tuple)) and len(row) >= 2 else
                    (row.get("label", row.get("key", "")), row.get("value", "")) if isinstance(row, dict) else (row, "")
                    for row in answers],
        "revision": snapshot.get("revision"), "submitted_at": snapshot.get("submitted_at"),
    }


class ScopedMixin:
    """View only, and only what the user's departments may see."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and (
            request.user.is_superuser or bool(staff_department_ids(request.user)))

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("没有找到该记录，或您无权查看。"))
        return obj


@admin.register(ApplicationReview)
class ApplicationReviewAdmin(ScopedMixin, admin.ModelAdmin):
    list_display = ["reference", "enterprise_name", "incentive_name", "status", "current_step", "due",
                    "requested_amount", "submitted_at"]
    list_display_links = ["reference"]
    list_filter = [QueueFilter, "status"]
    search_fields = ["reference", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "incentive"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    ordering = ["-submitted_at", "-id"]
    fields = ["reference", "enterprise", "round", "incentive", "status", "revision", "submitted_at",
              "requested_amount", "max_amount", "approved_amount"]
    readonly_fields = fields
    change_form_template = "applications/review/admin_change_form.html"
    actions = ["accept_selected"]

    def get_queryset(self, request):
        steps = ReviewStep.objects.filter(state=ReviewStep.State.OPEN).select_related("department")
        queryset = super().get_queryset(request).prefetch_related(Prefetch("steps", queryset=steps, to_attr="open"))
        match = request.resolver_match
        if match is not None and match.url_name == "applications_applicationreview_changelist" \
                and request.GET.get(QueueFilter.parameter_name, "mine") == "mine":
            return waiting_for(request.user, queryset)  # a subset of what the user may see
        return visible_applications(request.user, queryset)

    @admin.display(description=gettext_lazy("企业"), ordering="enterprise__name")
    def enterprise_name(self, obj):
        return obj.enterprise.name

    @admin.display(description=gettext_lazy("激励项目"))
    def incentive_name(self, obj):
        return obj.incentive.name

    @admin.display(description=gettext_lazy("当前环节"))
    def current_step(self, obj):
        if obj.status == Status.SUBMITTED:
            return _("待受理")
        return " · ".join(f"{s.get_kind_display()}（{s.department.short_name or s.department.name}）" for s in obj.open)

    @admin.display(description=gettext_lazy("办理时限"))
    def due(self, obj):
        return ", ".join(f"{s.due_at:%Y-%m-%d}" for s in obj.open if s.due_at)

    @admin.action(description=gettext_lazy("受理所选申报"))
    def accept_selected(self, request, queryset):
        done = 0
        for application in queryset:
            try:
                services.application_accept(application_id=application.pk, by=request.user)
                done += 1
            except ReviewError as error:
                self.message_user(request, f"{application.reference}：{error}", messages.ERROR)
        if done:
            self.message_user(request, _("已受理 %(n)s 件申报。") % {"n": done}, messages.SUCCESS)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/decide/", wrap(self.decide_view), name=f"{name}_decide"),
            path("<path:object_id>/attachments/<int:attachment_id>/", wrap(self.attachment_view),
                 name=f"{name}_attachment"),
            path("<path:object_id>/pdf/<int:revision>/", wrap(self.pdf_view), name=f"{name}_pdf"),
        ] + super().get_urls()

    def _scoped(self, request, object_id) -> Application:
        if not self.has_module_permission(request):
            raise Http404
        return self.get_object(request, object_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self._scoped(request, object_id)
        return super().change_view(request, object_id, form_url, {**(extra_context or {}),
                                                                   **self.review_context(request, application)})

    def review_context(self, request, application: Application) -> dict:
        submission = application.submissions.order_by("-revision").first()
        last_event = application.events.order_by("-pk").first()
        actions = services.staff_actions(request.user, application)
        open_step = services.open_step(application)
        view = snapshot_view(submission.snapshot if submission else None)
        incentive = view["incentive"]
        basis_choices = [f"{_('第%(n)s条') % {'n': incentive['clause_number']}}"] if incentive.get("clause_number") else []
        basis_choices += list(view["reasons"])
        labels = {field.name: field.verbose_name for field in Enterprise._meta.fields}
        statuses = dict(Application.Status.choices)
        shown = dict(view["enterprise"])
        # the snapshot keeps the choice labels beside the stored codes: show the labels in their fields' places
        for code, label in (("city", "city_label"), ("scale", "scale_label")):
            if shown.get(label):
                shown[code] = shown[label]
            shown.pop(label, None)
        view["enterprise"] = [(labels.get(key, key), value) for key, value in shown.items()]
        events = [(event, action_label(event.action), statuses.get(event.source, event.source),
                   statuses.get(event.target, event.target))
                  for event in application.events.select_related("actor").order_by("created_at", "pk")]
        return {
            "snapshot": view, "submission": submission,
            "profile": [(labels.get(key, key), value) for key, value in application.enterprise.profile().items()],
            "attachments": application.attachments.order_by("requirement", "uploaded_at"),
            "pdfs": application.pdfs.order_by("-revision"),
            "events": events,
            "steps": application.steps.select_related("department", "decided_by").order_by("cycle", "position"),
            "objections": application.objections.order_by("-created_at"),
            "payments": application.payments.order_by("installment"),
            "review_actions": actions, "open_step": open_step, "seen_event_id": last_event.pk if last_event else "",
            "amount_limit": services.amount_limit(application), "basis_choices": basis_choices,
            "decide_url": reverse("admin:applications_applicationreview_decide", args=[application.pk]),
        }

    def decide_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        application = self._scoped(request, object_id)
        form = DecisionForm(request.POST)
        change_url = reverse("admin:applications_applicationreview_change", args=[application.pk])
        if not form.is_valid():
            for field, errors in form.errors.items():
                self.message_user(request, f"{form.fields[field].label if field in form.fields else ''} "
                                           f"{' '.join(errors)}", messages.ERROR)
            return redirect(change_url)
        data = form.cleaned_data
        action = data["action"]
        if action not in services.staff_actions(request.user, application):
            raise Http404(_("您现在不能对该申报执行此操作。"))
        common = {"application_id": application.pk, "by": request.user}
        seen = {"seen_event_id": data["seen_event_id"]}
        try:
            if action == "accept":
                services.application_accept(**common, comment=data["comment"], **seen)
            elif action == "return":
                services.application_return(**common, comment=data["comment"], **seen)
            elif action == "reject":
                services.application_reject(**common, reason=data["comment"], basis=data["basis"], **seen)
            elif action == "approve_step":
                if data["amount"] is None:
                    raise ReviewError(_("请填写核定金额。"))
                services.application_approve_step(**common, amount=data["amount"], reason=data["reason"],
                                                  comment=data["comment"], **seen)
            elif action == "confirm":
                services.application_confirm(**common, amount=data["amount"], reason=data["reason"], **seen)
            elif action == "record_payment":
                if data["amount"] is None or data["paid_on"] is None:
                    raise ReviewError(_("请填写拨付金额和拨付日期。"))
                services.payment_record(**common, amount=data["amount"], paid_on=data["paid_on"],
                                        note=data["comment"])
        except ReviewError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(change_url)
        self.message_user(request, _("已办理：%(action)s") % {"action": dict(form.fields["action"].choices)[action]},
                          messages.SUCCESS)
        if self.get_queryset(request).filter(pk=application.pk).exists():
            return redirect(change_url)
        return redirect("admin:applications_applicationreview_changelist")

    def attachment_view(self, request, object_id, attachment_id):
        application = self._scoped(request, object_id)
        attachment = Attachment.objects.filter(application=application, pk=attachment_id).first()
        if attachment is None:
            raise Http404
        return private_file_response(attachment.file, attachment.original_name, attachment.content_type)

    def pdf_view(self, request, object_id, revision):
        application = self._scoped(request, object_id)
        pdf = application.pdfs.filter(revision=revision).first()
        if pdf is None:
            raise Http404
        return private_file_response(pdf.file, f"{application.reference}-{revision}.pdf", "application/pdf")


def _objection_scope(user, queryset):
    if user.is_superuser:
        return queryset
    return queryset.filter(application__round__accepting_department_id__in=staff_department_ids(user))


@admin.register(Objection)
class ObjectionAdmin(ScopedMixin, admin.ModelAdmin):
    list_display = ["application", "name", "status", "created_at", "resolved_at"]
    list_filter = ["status"]
    list_select_related = ["application"]
    fields = ["application", "name", "contact", "text", "status", "resolution", "resolved_by", "resolved_at",
              "created_at"]
    readonly_fields = fields
    change_form_template = "applications/review/admin_objection_form.html"

    def get_queryset(self, request):
        return _objection_scope(request.user, super().get_queryset(request))

    def get_urls(self):
        return [path("<path:object_id>/resolve/", self.admin_site.admin_view(self.resolve_view),
                     name="applications_objection_resolve")] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        objection = self.get_object(request, object_id)
        extra = {"resolve_form": ResolveObjectionForm() if objection.status == Objection.Status.PENDING else None}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def resolve_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        objection = self.get_object(request, object_id)
        form = ResolveObjectionForm(request.POST)
        if form.is_valid():
            try:
                services.objection_resolve(objection_id=objection.pk, by=request.user,
                                           upheld=form.cleaned_data["decision"] == "upheld",
                                           resolution=form.cleaned_data["resolution"])
                self.message_user(request, _("异议已处理。"), messages.SUCCESS)
            except ReviewError as error:
                self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("请选择处理结果并填写处理意见。"), messages.ERROR)
        return redirect("admin:applications_objection_change", objection.pk)


@admin.register(Payment)
class PaymentAdmin(ScopedMixin, admin.ModelAdmin):
    """Payments are recorded on the application's review page (through the service); listed here."""

    list_display = ["application", "installment", "amount", "paid_on", "recorded_by", "recorded_at"]
    list_select_related = ["application", "recorded_by"]
    date_hierarchy = "paid_on"
    readonly_fields = list_display + ["note"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        finance = ReviewStep.objects.filter(kind=ReviewStep.Kind.FINANCE,
                                            department_id__in=staff_department_ids(request.user))
        return queryset.filter(application_id__in=finance.values("application_id"))


@admin.register(Publicity)
class PublicityAdmin(ScopedMixin, admin.ModelAdmin):
    list_display = ["application", "round", "approved_amount", "starts_at", "ends_at", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["application", "round"]
    readonly_fields = list_display + ["closed_at"]

    def get_queryset(self, request):
        return _objection_scope(request.user, super().get_queryset(request))


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    """Who works for which department; managed by administrators."""

    list_display = ["user", "department", "is_head"]
    list_filter = ["department__region", "is_head"]
    search_fields = ["user__username", "department__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "department"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "email", "email_sent_at", "email_attempts",
                    "read_at"]
    list_filter = ["kind", "email"]
    list_select_related = ["recipient"]
    readonly_fields = ["key", "recipient", "kind", "subject", "body", "url", "application", "email", "email_sent_at",
                       "email_attempts", "email_retry_at", "email_error", "read_at"]
    actions = ["email_again"]

    def has_resend_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(description=gettext_lazy("重新发送所选的发送失败邮件"), permissions=["resend"])
    def email_again(self, request, queryset):
        count = notifications_email_again(ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("已重新放入发送队列：%(n)d 条（只处理发送失败的通知）。") % {"n": count},
                          messages.SUCCESS if count else messages.WARNING)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RoundDepartmentInline(admin.TabularInline):
    """The round's review route: the departments that review, in order (empty: the incentive's departments)."""

    model = RoundDepartment
    extra = 0
    ordering = ["position"]
    verbose_name = gettext_lazy("审核部门")
    verbose_name_plural = gettext_lazy("审核流程（按顺序；不填则按政策文件所列责任部门，最后由财政局确认）")


def round_route_inline_attach(site=admin.site) -> None:
    """Add the route inline to the round admin, wherever it is registered."""
    if site.is_registered(Round):
        model_admin = site.get_model_admin(Round)
        if RoundDepartmentInline not in model_admin.inlines:
            model_admin.inlines = [*model_admin.inlines, RoundDepartmentInline]
