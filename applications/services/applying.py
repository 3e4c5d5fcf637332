"""The enterprise's writes: start a draft, save its steps and uploads, submit, withdraw. Each checks who acts."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from incentives.models import Incentive
from incentives.selectors import facts_by_key

from .. import workflow
from ..judging import Judgement, judge
from ..models import Application, Attachment, Membership, ReferenceSequence, Round, Submission
from ..snapshot import build_snapshot
from ..uploads import Sniffed
from .enterprises import enterprise_answers_save, now
from .events import event_record


class ApplicationRefused(Exception):
    """A write the rules do not allow; `message` says why, in the user's language."""

    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message, self.code = message, code


def _membership(by, enterprise_id: int) -> Membership:
    membership = Membership.objects.filter(user=by, enterprise_id=enterprise_id).first() if by and by.pk else None
    if membership is None:
        raise PermissionDenied("not a member of this enterprise")
    return membership


def _roles(membership: Membership) -> set[str]:
    roles = {workflow.Role.PREPARER}
    if membership.may_submit:
        roles.add(workflow.Role.SIGNATORY)
    return roles


def _locked(application_id: int) -> Application:
    query = Application.objects.select_for_update()
    if transaction.get_connection().features.has_select_for_update_of:
        query = Application.objects.select_for_update(of=("self",))
    return query.select_related("round", "incentive", "enterprise").get(pk=application_id)


def _today(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def application_judge(application: Application, *, at: dt.datetime | None = None) -> Judgement:
    """The engine's verdict on the application's answers today (or at `at`)."""
    at = at or now()
    return judge(application.incentive, city=application.enterprise.city, answers=application.answers, on=_today(at))


def _maximum(judgement: Judgement) -> Decimal | None:
    value = judgement.result.amount.value
    return None if value is None else value.quantize(Decimal("0.01"))


@transaction.atomic
def application_start(*, enterprise_id: int, round_id: int, incentive_id: int, by) -> Application:
    """A draft for this enterprise, round and incentive, prefilled from the profile; the live one if it exists."""
    membership = _membership(by, enterprise_id)
    enterprise = membership.enterprise
    round_ = Round.objects.filter(pk=round_id, incentives=incentive_id).first()
    if round_ is None:
        raise ApplicationRefused(_("该批次不受理这一项目。"), code="not_in_round")
    at = now()
    if round_.phase_at(at) != Round.Phase.OPEN:
        raise ApplicationRefused(_("该批次当前不接受新的申报（%(phase)s）。") % {"phase": round_.phase_label_at(at)},
                                 code="round_not_open")
    existing = Application.objects.filter(enterprise=enterprise, round=round_, incentive_id=incentive_id) \
        .exclude(status=Application.Status.WITHDRAWN).first()
    if existing is not None:
        return existing
    incentive = Incentive.objects.select_related("document", "clause").get(pk=incentive_id)
    application = Application(
        enterprise=enterprise, round=round_, incentive=incentive, created_by=by,
        contact={"person": enterprise.contact_person, "phone": enterprise.phone, "email": enterprise.email},
        project={"name": "", "description": ""},
    )
    judgement = judge(incentive, city=enterprise.city, answers=enterprise.answers, on=_today(at))
    application.answers = {key: enterprise.answers[key] for key in judgement.asked_facts if key in enterprise.answers}
    application.max_amount = _maximum(judgement)
    try:
        with transaction.atomic():  # two tabs starting at once: the partial unique constraint keeps one
            application.save()
    except IntegrityError:
        return Application.objects.filter(enterprise=enterprise, round=round_, incentive_id=incentive_id) \
            .exclude(status=Application.Status.WITHDRAWN).get()
    event_record(application=application, action="create", source="", target=application.status, by=by)
    return application


def _editable(application: Application, by) -> Membership:
    membership = _membership(by, application.enterprise_id)
    if application.status not in workflow.EDITABLE:
        raise ApplicationRefused(_("申报已提交，当前状态下不能修改。"), code="not_editable")
    return membership


@transaction.atomic
def application_details_save(*, application_id: int, by, contact: dict | None = None,
                             project: dict | None = None) -> Application:
    """Save the contact and project steps of a draft (or of an application returned for revision)."""
    application = _locked(application_id)
    _editable(application, by)
    if contact is not None:
        application.contact = dict(contact)
    if project is not None:
        application.project = dict(project)
    application.save(update_fields=["contact", "project", "updated_at"])
    return application


@transaction.atomic
def application_answers_save(*, application_id: int, by, answers: dict) -> Application:
    """Save the answers the incentive's conditions need, to the application and to the enterprise's profile."""
    application = _locked(application_id)
    _editable(application, by)
    merged = {**application.answers, **answers}
    application.answers = {key: value for key, value in merged.items() if value is not None}
    judgement = application_judge(application)
    application.max_amount = _maximum(judgement)
    if application.requested_amount is not None and application.max_amount is not None \
            and application.requested_amount > application.max_amount:
        application.requested_amount = None  # the new answers lower the maximum: ask again rather than keep a wrong figure
    application.save(update_fields=["answers", "max_amount", "requested_amount", "updated_at"])
    profile = application.enterprise.answers
    enterprise_answers_save(enterprise_id=application.enterprise_id, by=by,
                            answers={**{k: v for k, v in profile.items() if k not in answers},
                                     **{k: v for k, v in answers.items() if v is not None}})
    return application


def amount_refusal(requested: Decimal, judgement: Judgement) -> str | None:
    """Why a requested amount cannot be asked for, or None."""
    if requested <= 0:
        return _("申请金额应大于0。")
    maximum = _maximum(judgement)
    if maximum is None:
        if judgement.result.amount.none_in_text:
            return None  # the clause states no figure: the department sets it; nothing to compare with
        return _("按目前的回答还不能测算金额，请先补充金额所需的信息。")
    if requested > maximum:
        return _("申请金额不能超过按条文测算的最高金额 %(max)s 万元。") % {"max": format(maximum.normalize(), "f")}
    return None


@transaction.atomic
def application_amount_save(*, application_id: int, by, requested_amount: Decimal) -> Application:
    application = _locked(application_id)
    _editable(application, by)
    judgement = application_judge(application)
    refusal = amount_refusal(requested_amount, judgement)
    if refusal:
        raise ApplicationRefused(refusal, code="amount")
    application.requested_amount = requested_amount
    application.max_amount = _maximum(judgement)
    application.save(update_fields=["requested_amount", "max_amount", "updated_at"])
    return application


def _live_attachments(application: Application) -> list[Attachment]:
    return list(application.attachments.filter(removed_at__isnull=True).order_by("requirement", "uploaded_at"))


@transaction.atomic
def attachment_add(*, application_id: int, requirement: str, upload, sniffed: Sniffed, by) -> Attachment:
    """Store a checked upload for one of the round's required documents; refuse past the per-application limit."""
    application = _locked(application_id)
    _editable(application, by)
    required = application.round.documents_for(application.incentive)
    if requirement not in required:
        raise ApplicationRefused(_("请选择本批次要求的材料。"), code="requirement")
    used = sum(a.size for a in _live_attachments(application))
    limit = settings.APPLICATION_ATTACHMENTS_MAX_BYTES
    if used + sniffed.size > limit:
        raise ApplicationRefused(_("本申报的材料总大小不能超过 %(mb)s MB，请压缩或删除不需要的文件。")
                                 % {"mb": limit // (1024 * 1024)}, code="total_size")
    attachment = Attachment(application=application, requirement=requirement, original_name=upload.name[:255],
                            content_type=sniffed.content_type, extension=sniffed.extension, size=sniffed.size,
                            sha256=sniffed.sha256, uploaded_by=by)
    upload.seek(0)
    attachment.file.save("upload", upload, save=False)
    try:
        attachment.save()
    except Exception:
        # the row and the file stand or fall together; a failed commit after this point can only leave a file
        # that no row names, which is never served
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment_id: int, by) -> None:
    """Take an attachment off an editable application; kept (marked removed) if a submission already cites it."""
    attachment = Attachment.objects.select_related("application").get(pk=attachment_id)
    application = _locked(attachment.application_id)
    _editable(application, by)
    cited = any(item.get("id") == attachment.pk
                for submission in application.submissions.all()
                for item in submission.snapshot.get("attachments", []))
    if cited:
        attachment.removed_at = now()
        attachment.save(update_fields=["removed_at"])
        return
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def _reference(region: str, year: int) -> str:
    """The next number for this city and year; taken under the sequence row's lock, so it rolls back with us."""
    ReferenceSequence.objects.bulk_create([ReferenceSequence(region=region, year=year)], ignore_conflicts=True)
    sequence = ReferenceSequence.objects.select_for_update().get(region=region, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{region.upper()}-{year}-{sequence.last:05d}"


AVAILABILITY_LABELS = {"draft": _lazy("征求意见稿，尚未施行"), "expired": _lazy("政策文件已失效"),
                      "not_yet": _lazy("政策文件尚未施行"), "outside_window": _lazy("不在条文规定的申报期内")}


def _submission_problems(application: Application, judgement: Judgement, at: dt.datetime) -> list[str]:
    problems = []
    round_ = application.round
    phase = round_.phase_at(at)
    started_in_time = application.created_at < round_.closes_at
    if phase == Round.Phase.UPCOMING:
        problems.append(_("该批次尚未开始受理。"))
    elif phase == Round.Phase.CLOSED or (phase == Round.Phase.GRACE and not started_in_time):
        problems.append(_("该批次已于 %(at)s 截止受理。") % {
            "at": timezone.localtime(round_.closes_at).strftime("%Y-%m-%d %H:%M")})
    result = judgement.result
    transitional = bool(round_.transitional_basis)
    if result.availability != "open" and not transitional:
        problems.append(_("该政策当前不可申报（%(state)s）。") % {"state": AVAILABILITY_LABELS.get(result.availability,
                                                                                        result.availability)})
    verdict = result.rule_status if transitional or result.availability == "open" else result.status
    if verdict == "not_eligible":
        failed = [reason for reason in result.reasons if "✗" in reason]
        problems.append(_("按提交日的条件判断，不符合申报条件：%(why)s") % {"why": "；".join(failed) or "—"})
    elif verdict == "unknown":
        labels = [judgement.specs[key].label if key in judgement.specs else key for key in result.missing]
        problems.append(_("还有决定是否符合条件的问题未回答：%(q)s") % {"q": "；".join(labels)})
    refusal = amount_refusal(application.requested_amount, judgement) if application.requested_amount is not None \
        else _("请填写申请金额。")
    if refusal:
        problems.append(refusal)
    present = {a.requirement for a in _live_attachments(application)}
    missing_docs = [doc for doc in round_.documents_for(application.incentive) if doc not in present]
    if missing_docs:
        problems.append(_("还需上传：%(docs)s") % {"docs": "、".join(missing_docs)})
    return problems


def application_check(application: Application, *, at: dt.datetime | None = None) -> list[str]:
    """What still stands in the way of submitting, as the preview shows it (nothing written)."""
    at = at or now()
    return _submission_problems(application, application_judge(application, at=at), at)


@transaction.atomic
def application_submit(*, application_id: int, by, declaration_confirmed: bool) -> Application:
    """Submit (or resubmit after a return): re-judge on today's date, number it, freeze it, queue its PDF."""
    application = _locked(application_id)
    membership = _membership(by, application.enterprise_id)
    action = "resubmit" if application.status == Application.Status.RETURNED else "submit"
    if application.status not in workflow.EDITABLE:
        raise ApplicationRefused(_("该申报已提交（编号 %(ref)s），无需重复提交。") % {"ref": application.reference},
                                 code="already_submitted")
    if not membership.may_submit:
        raise ApplicationRefused(_("只有法定代表人或其授权人可以提交申报；经办人可以填写和预览。"), code="role")
    target = workflow.target(application.status, action, _roles(membership))
    if not declaration_confirmed:
        raise ApplicationRefused(_("请阅读并确认承诺书。"), code="declaration")
    at = now()
    judgement = application_judge(application, at=at)
    problems = _submission_problems(application, judgement, at)
    if problems:
        raise ApplicationRefused(" ".join(problems), code="problems")
    application.max_amount = _maximum(judgement)
    if application.reference is None:
        application.reference = _reference(application.round.region, timezone.localtime(at).year)
    application.revision += 1
    source = application.status
    application.status = target
    application.submitted_at = at
    attachments = _live_attachments(application)
    snapshot = build_snapshot(application=application, judgement=judgement, reference=application.reference,
                              revision=application.revision, at=at, by=by, membership=membership,
                              attachments=attachments, facts=facts_by_key(), on=_today(at))
    Submission.objects.create(application=application, revision=application.revision, snapshot=snapshot,
                              submitted_at=at, submitted_by=by)
    application.save(update_fields=["reference", "revision", "status", "submitted_at", "max_amount", "updated_at"])
    event_record(application=application, action=action, source=source, target=target, by=by,
                 data={"revision": application.revision, "reference": application.reference})
    from ..tasks.pdf import application_pdf_generate  # the task module imports services: import late

    application_pdf_generate.delay_on_commit(application.pk, application.revision)
    return application


@transaction.atomic
def application_withdraw(*, application_id: int, by, reason: str = "") -> Application:
    """Withdraw a draft, or a submission no department has accepted yet."""
    application = _locked(application_id)
    membership = _membership(by, application.enterprise_id)
    try:
        target = workflow.target(application.status, "withdraw", _roles(membership))
    except workflow.TransitionNotAllowed:
        raise ApplicationRefused(_("受理后不能撤回；如需撤回，请联系受理部门。"), code="not_withdrawable") from None
    source = application.status
    application.status = target
    application.save(update_fields=["status", "updated_at"])
    event_record(application=application, action="withdraw", source=source, target=target, by=by, comment=reason)
    return application
