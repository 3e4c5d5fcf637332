"""Pages of the review outside the admin: the inbox and its preferences, the public 公示 with objections, the dashboard."""
from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from ..selectors import review as selectors_review
from ..forms.review import ObjectionForm, PreferencesForm
from ..models import Notification, NotificationKind, NotificationPreference, Publicity, Round
from ..services.notifications import notification_preferences_save, notifications_mark_read
from ..services.review import ReviewError, objection_file, staff_department_ids


class InboxView(LoginRequiredMixin, ListView):
    template_name = "applications/review/inbox.html"
    context_object_name = "notifications"
    paginate_by = 20

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).select_related("application")

    def post(self, request, *args, **kwargs):
        ids = None if "all" in request.POST else [int(i) for i in request.POST.getlist("id") if i.isdigit()]
        notifications_mark_read(by=request.user, ids=ids)
        target = request.POST.get("next", "")
        if target.startswith("/") and not target.startswith("//"):
            return redirect(target)
        return redirect("review:inbox")


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "applications/review/preferences.html"
    form_class = PreferencesForm

    def get_initial(self):
        saved = {p.kind: p for p in NotificationPreference.objects.filter(user=self.request.user)}
        return {"email_kinds": [kind for kind in NotificationKind.values if kind not in saved or saved[kind].email],
                "policy_match": saved.get(NotificationKind.POLICY_MATCH) is None
                or saved[NotificationKind.POLICY_MATCH].enabled}

    def form_valid(self, form):
        muted = [] if form.cleaned_data["policy_match"] else [NotificationKind.POLICY_MATCH]
        notification_preferences_save(by=self.request.user, email_kinds=form.cleaned_data["email_kinds"],
                                      muted_kinds=muted)
        messages.success(self.request, _("通知设置已保存。"))
        return redirect("review:preferences")


class PublicityListView(TemplateView):
    template_name = "applications/review/publicity_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rounds=selectors_review.publicity_rounds(), **kwargs)


class ObjectionView(FormView):
    template_name = "applications/review/objection_form.html"
    form_class = ObjectionForm

    def dispatch(self, request, *args, **kwargs):
        self.publicity = get_object_or_404(
            Publicity.objects.select_related("application__enterprise", "application__incentive", "round"),
            pk=kwargs["pk"], outcome=Publicity.Outcome.RUNNING)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(publicity=self.publicity, **kwargs)

    def form_valid(self, form):
        try:
            objection_file(application_id=self.publicity.application_id, **form.cleaned_data)
        except ReviewError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return redirect("review:objection_thanks")


class ObjectionThanksView(TemplateView):
    template_name = "applications/review/objection_thanks.html"


@method_decorator(staff_member_required, name="dispatch")
class DashboardView(TemplateView):
    template_name = "applications/review/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        departments = None if user.is_superuser else staff_department_ids(user)
        return super().get_context_data(data=selectors_review.dashboard(department_ids=departments),
                                        rounds=Round.objects.order_by("-opens_at")[:50], **kwargs)


class _Echo:
    def write(self, value):
        return value


@method_decorator(staff_member_required, name="dispatch")
class RoundExportView(View):
    """A round's applications as CSV (UTF-8 with BOM, so that Excel opens the Chinese right)."""

    def get(self, request, pk):
        round_ = get_object_or_404(Round, pk=pk)
        if not request.user.is_superuser and round_.accepting_department_id not in staff_department_ids(request.user):
            raise Http404
        writer = csv.writer(_Echo())
        header = [_("申报编号"), _("企业名称"), _("统一社会信用代码"), _("激励项目"), _("状态"), _("申请金额（万元）"),
                  _("测算最高金额（万元）"), _("核定金额（万元）"), _("已拨付（万元）"), _("提交时间")]

        def rows():
            yield "\ufeff" + writer.writerow(header)
            for row in selectors_review.round_export_rows(round_):
                yield writer.writerow(row)

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="round-{round_.pk}.csv"'
        return response

