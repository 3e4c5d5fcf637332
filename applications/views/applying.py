"""The enterprise applying: open rounds, a multi-step draft saved at every step, preview, submit, follow-up."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from incentives.models import Incentive
from incentives.questionnaire import StepForm
from incentives.selectors import facts_by_key

from .. import workflow
from ..declaration import DECLARATION
from ..forms.applying import AmountForm, AttachmentForm, ContactForm, ProjectForm, SubmitForm, WithdrawForm
from ..judging import fact_order
from ..models import Attachment, Round
from ..selectors import (
    application_for,
    application_list,
    application_timeline,
    enterprise_of,
    membership_of,
    rounds_public,
)
from ..services import now
from ..services.applying import (
    ApplicationRefused,
    application_amount_save,
    application_answers_save,
    application_check,
    application_details_save,
    application_judge,
    application_start,
    application_submit,
    application_withdraw,
    attachment_add,
    attachment_remove,
)
from ..snapshot import shown_answer
from ..storage import private_file_response

STEPS = [
    ("contact", _("联系信息")),
    ("project", _("项目信息")),
    ("conditions", _("申报条件")),
    ("amount", _("申请金额")),
    ("attachments", _("申报材料")),
    ("preview", _("预览与提交")),
]
STEP_KEYS = [key for key, _label in STEPS]


class RoundListView(ListView):
    """The public list of rounds accepting applications, with days left."""

    template_name = "applications/round_list.html"
    context_object_name = "rounds"

    def get_queryset(self):
        self.at = now()
        return rounds_public(self.at)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [(r, r.phase_at(self.at), r.days_left_at(self.at)) for r in context["rounds"]
                           if r.phase_at(self.at) != Round.Phase.CLOSED]
        return context


class RoundDetailView(DetailView):
    template_name = "applications/round_detail.html"
    context_object_name = "round"

    def get_queryset(self):
        return Round.objects.select_related("accepting_department")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        at = now()
        incentives = self.object.incentives.select_related("document", "clause").order_by("document", "position")
        enterprise = enterprise_of(self.request.user)
        context.update(phase=self.object.phase_at(at), days_left=self.object.days_left_at(at),
                       incentives=[(i, self.object.documents_for(i)) for i in incentives], enterprise=enterprise,
                       common_documents=(self.object.documents_required or {}).get("common", []))
        return context


class ApplicationListView(LoginRequiredMixin, ListView):
    """我的申报: the applications of the user's enterprise, newest activity first."""

    template_name = "applications/application_list.html"
    context_object_name = "applications"

    def get_queryset(self):
        return application_list(self.request.user)


class ApplicationStartView(LoginRequiredMixin, View):
    """Start (or reopen) the draft for a round's incentive: POST only, so a link never creates anything."""

    def post(self, request, round_pk: int, incentive_pk: int):
        enterprise = enterprise_of(request.user)
        if enterprise is None:
            messages.error(request, _("请先注册企业或由企业管理员邀请加入，再进行申报。"))
            return redirect("applying:round_detail", round_pk)
        get_object_or_404(Incentive, pk=incentive_pk)
        try:
            application = application_start(enterprise_id=enterprise.pk, round_id=round_pk,
                                            incentive_id=incentive_pk, by=request.user)
        except ApplicationRefused as refused:
            messages.error(request, refused.message)
            return redirect("applying:round_detail", round_pk)
        if application.status not in workflow.EDITABLE:
            return redirect("applying:application_detail", application.pk)
        return redirect("applying:application_step", application.pk, "contact")


class _OwnApplication(LoginRequiredMixin):
    """Resolves the application of the URL among the user's enterprise's own; anything else is 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = application_for(request.user, kwargs["pk"])
        self.membership = membership_of(request.user, self.application.enterprise_id)
        return super().dispatch(request, *args, **kwargs)


class ApplicationStepView(_OwnApplication, TemplateView):
    """One step of the application form; every valid POST saves the draft and moves on."""

    template_name = "applications/application_step.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in STEP_KEYS:
            raise Http404
        self.step = kwargs["step"]
        return super().dispatch(request, *args, **kwargs)

    def _judgement(self):
        if not hasattr(self, "_judged"):
            self._judged = application_judge(self.application)
        return self._judged

    def form(self, data=None, files=None):
        app = self.application
        if self.step == "contact":
            return ContactForm(data, initial=app.contact)
        if self.step == "project":
            return ProjectForm(data, initial=app.project)
        if self.step == "conditions":
            judgement = self._judgement()
            keys = fact_order(judgement)
            facts = facts_by_key(set(keys))
            return StepForm(data, facts=[facts[k] for k in keys if k in facts], specs=judgement.specs,
                            initial_answers=app.answers)
        if self.step == "amount":
            initial = {"requested_amount": app.requested_amount} if app.requested_amount is not None else {}
            return AmountForm(data, initial=initial)
        if self.step == "attachments":
            return AttachmentForm(data, files, requirements=app.round.documents_for(app.incentive))
        return SubmitForm(data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        app = self.application
        index = STEP_KEYS.index(self.step)
        judgement = self._judgement()
        attachments = list(app.attachments.filter(removed_at__isnull=True))
        context.update(
            application=app, step=self.step, steps=STEPS, index=index, membership=self.membership,
            form=kwargs.get("form") or self.form(), editable=app.status in workflow.EDITABLE,
            previous=STEP_KEYS[index - 1] if index else None, judgement=judgement, result=judgement.result,
            attachments=attachments, declaration=DECLARATION,
            present={a.requirement for a in attachments},
            requirements=app.round.documents_for(app.incentive),
        )
        if self.step == "preview":
            context["problems"] = application_check(app) if app.status in workflow.EDITABLE else []
            context["answers"] = self._shown_answers(judgement)
        return context

    def _shown_answers(self, judgement):
        facts = facts_by_key(set(judgement.asked_facts))
        return [(facts[k].label, shown_answer(facts[k], self.application.answers[k]))
                for k in judgement.asked_facts if k in facts and k in self.application.answers]

    def post(self, request, *args, **kwargs):
        if self.application.status not in workflow.EDITABLE:
            messages.info(request, _("申报已提交，不能再修改。"))
            return redirect("applying:application_detail", self.application.pk)
        form = self.form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            self._save(form)
        except ApplicationRefused as refused:
            form.add_error(None, refused.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if self.step == "attachments" and "upload" in request.POST:
            messages.success(request, _("已上传。"))
            return redirect("applying:application_step", self.application.pk, "attachments")
        if self.step == "preview":
            messages.success(request, _("申报已提交，编号 %(ref)s。申报书 PDF 正在生成。") % {
                "ref": self.application.reference})
            return redirect("applying:application_detail", self.application.pk)
        return redirect("applying:application_step", self.application.pk, STEP_KEYS[STEP_KEYS.index(self.step) + 1])

    def _save(self, form) -> None:
        pk, user = self.application.pk, self.request.user
        if self.step == "contact":
            application_details_save(application_id=pk, by=user, contact=form.cleaned_data)
        elif self.step == "project":
            application_details_save(application_id=pk, by=user, project=form.cleaned_data)
        elif self.step == "conditions":
            answers = {key: (value if isinstance(value, (bool, str)) or value is None else str(value))
                       for key, value in form.values.items()}
            application_answers_save(application_id=pk, by=user, answers=answers)
        elif self.step == "amount":
            application_amount_save(application_id=pk, by=user,
                                    requested_amount=form.cleaned_data["requested_amount"])
        elif self.step == "attachments":
            if "upload" in self.request.POST or form.cleaned_data.get("file"):
                attachment_add(application_id=pk, requirement=form.cleaned_data["requirement"],
                               upload=form.cleaned_data["file"], sniffed=form.sniffed, by=user)
        else:
            self.application = application_submit(application_id=pk, by=user,
                                                  declaration_confirmed=form.cleaned_data["declaration"])


class AttachmentsNextView(_OwnApplication, View):
    """Leave the uploads step for the preview (the upload form itself always needs a file)."""

    def post(self, request, pk: int):
        return redirect("applying:application_step", pk, "preview")


class AttachmentRemoveView(_OwnApplication, View):
    def post(self, request, pk: int, attachment_pk: int):
        attachment = get_object_or_404(Attachment, pk=attachment_pk, application=self.application)
        try:
            attachment_remove(attachment_id=attachment.pk, by=request.user)
        except ApplicationRefused as refused:
            messages.error(request, refused.message)
        return redirect("applying:application_step", pk, "attachments")


class ApplicationDetailView(_OwnApplication, TemplateView):
    """The application as the enterprise follows it: status, what was submitted, PDF, attachments, timeline."""

    template_name = "applications/application_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        app = self.application
        submissions = list(app.submissions.order_by("-revision"))
        pdfs = {pdf.revision: pdf for pdf in app.pdfs.all()}
        context.update(
            application=app, membership=self.membership, timeline=application_timeline(app),
            submissions=[(s, pdfs.get(s.revision)) for s in submissions],
            latest=submissions[0] if submissions else None,
            attachments=app.attachments.order_by("requirement", "uploaded_at"),
            can_withdraw="withdraw" in workflow.actions_for(app.status, {workflow.Role.PREPARER}),
            editable=app.status in workflow.EDITABLE, withdraw_form=WithdrawForm(),
        )
        return context


class ApplicationWithdrawView(_OwnApplication, View):
    def post(self, request, pk: int):
        form = WithdrawForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            application_withdraw(application_id=pk, by=request.user, reason=reason)
            messages.success(request, _("申报已撤回。"))
        except ApplicationRefused as refused:
            messages.error(request, refused.message)
        return redirect("applying:application_detail", pk)


class AttachmentDownloadView(_OwnApplication, View):
    def get(self, request, pk: int, attachment_pk: int):
        attachment = get_object_or_404(Attachment, pk=attachment_pk, application=self.application)
        name = f"{attachment.requirement}.{attachment.extension}"
        return private_file_response(attachment.file, name, attachment.content_type)


class PdfDownloadView(_OwnApplication, View):
    def get(self, request, pk: int, revision: int):
        pdf = self.application.pdfs.filter(revision=revision).first()
        if pdf is None:
            raise Http404
        return private_file_response(pdf.file, f"{self.application.reference}-{revision}.pdf", "application/pdf")

