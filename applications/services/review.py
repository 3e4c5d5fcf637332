"""The review by departments: one service per decision, each in one transaction under a row lock, with its event.

The route of an application is built when it is accepted (受理): an intake step of the round's accepting
department, one review step per responsible department in order (the round's own list if it has one, else
the incentive's departments from the policy file), then the 财政 confirmation by the region's finance department.

After a return for revision the enterprise resubmits (RETURNED -> SUBMITTED), so the accepting department
checks the new revision again (受理); when it accepts, the route continues at the step that returned it:
departments that had already approved keep their decision, the one that asked for changes sees the new
revision. If intake itself returned it, the route starts at the first review step. An objection upheld
during 公示 sends the application back to the first review step.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q, Sum
from django.utils.translation import gettext as _

from incentives.models import Department, Incentive

from .. import workflow
from ..models import Application, Objection, Payment, Publicity, ReviewStep, Round, StaffMembership
from ..workflow import Role, Status, TransitionNotAllowed
from .enterprises import now
from .events import event_record

Kind, State = ReviewStep.Kind, ReviewStep.State


class ReviewError(Exception):
    """A decision that cannot be taken, with the reason in the user's language."""


class AlreadyHandled(ReviewError):
    def __init__(self):
        super().__init__(_("已被他人处理：该申报的状态已经改变，请刷新后查看。"))


def _of_self() -> dict:
    return {"of": ("self",)} if connection.features.has_select_for_update_of else {}


def _lock(application_id: int) -> Application:
    try:
        return Application.objects.select_for_update(**_of_self()).get(pk=application_id)
    except Application.DoesNotExist:
        raise ReviewError(_("申报不存在。")) from None


def staff_department_ids(user) -> set[int]:
    """The departments a staff user works for; remembered on the user object (one request, one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_review_department_ids", None)
    if cached is None:
        cached = frozenset(StaffMembership.objects.filter(user=user).values_list("department_id", flat=True))
        user._review_department_ids = cached
    return set(cached)


def open_step(application: Application) -> ReviewStep | None:
    return ReviewStep.objects.filter(application=application, state=State.OPEN).first()


def finance_department(region: str) -> Department | None:
    """The region's 财政局: REVIEW_FINANCE_DEPARTMENTS[region] if set, else a department coded *-czj or named 财政局."""
    key = settings.REVIEW_FINANCE_DEPARTMENTS.get(region)
    if key:
        return Department.objects.filter(key=key).first()
    return (Department.objects.filter(region=region)
            .filter(Q(key__endswith="-czj") | Q(name__contains="财政局")).order_by("pk").first())


def route_departments(application: Application) -> list[tuple[str, Department]]:
    """The route (kind, department) after intake: the reviewing departments in order, then 财政."""
    round_ = application.round
    finance = finance_department(round_.region)
    if finance is None:
        raise ReviewError(_("未找到本地区（%(region)s）的财政部门，无法建立审核流程：请在“部门”中添加财政局"
                            "（代码以 -czj 结尾或名称含“财政局”），或在设置 REVIEW_FINANCE_DEPARTMENTS 中指定。")
                          % {"region": round_.region})
    reviewing = [row.department for row in round_.review_departments.select_related("department")]
    if not reviewing:
        through = Incentive.departments.through.objects.filter(incentive_id=application.incentive_id)
        reviewing = [row.department for row in through.select_related("department").order_by("pk")]
    reviewing = [d for d in reviewing if d.pk != finance.pk] or [round_.accepting_department]
    return [(Kind.REVIEW, d) for d in reviewing] + [(Kind.FINANCE, finance)]


def roles_of(user, application: Application, step: ReviewStep | None) -> set[Role]:
    """What `user` is for this application now, in the words of the transition table."""
    if user is None:
        return {Role.SYSTEM}
    roles: set[Role] = set()
    if user.is_superuser:
        return {Role.INTAKE, Role.REVIEWER, Role.FINANCE, Role.STAFF}
    departments = staff_department_ids(user)
    if not departments:
        return roles
    if application.round.accepting_department_id in departments:
        roles |= {Role.INTAKE, Role.STAFF}
    if step is not None and step.department_id in departments:
        roles.add(Role.REVIEWER if step.kind == Kind.REVIEW else Role.FINANCE if step.kind == Kind.FINANCE
                  else Role.INTAKE)
    if application.status == Status.FINAL and ReviewStep.objects.filter(
            application=application, kind=Kind.FINANCE, department_id__in=departments).exists():
        roles.add(Role.FINANCE)
    return roles


def staff_actions(user, application: Application) -> list[str]:
    """The decisions this user may take on the application now (for the admin's buttons)."""
    step = open_step(application)
    roles = roles_of(user, application, step)
    actions = workflow.actions_for(application.status, roles - {Role.PUBLIC})
    if step is not None and application.status == Status.IN_REVIEW:
        # approve moves between review steps; 财政 confirms instead
        actions = [a for a in actions if not (a == "approve_step" and step.kind != Kind.REVIEW)
                   and not (a == "confirm" and step.kind != Kind.FINANCE)]
    return [a for a in actions if a not in ("dismiss_objection", "uphold_objection", "file_objection")]


def _check(application: Application, action: str, by, step: ReviewStep | None, seen_event_id: int | None) -> Status:
    """The status `action` leads to, if `by` may take it now; the page's last seen event guards against races."""
    if seen_event_id is not None:
        last = application.events.order_by("-pk").values_list("pk", flat=True).first()
        if last != seen_event_id:
            raise AlreadyHandled()
    if step is not None and action in ("approve_step", "confirm"):
        expected_kind = Kind.REVIEW if action == "approve_step" else Kind.FINANCE
        if step.kind != expected_kind:
            raise ReviewError(_("当前环节是“%(step)s”，不能执行此操作。") % {"step": step.get_kind_display()})
    try:
        return workflow.target(application.status, action, roles_of(by, application, step))
    except TransitionNotAllowed:
        raise ReviewError(_("您不能对处于“%(status)s”状态的该申报执行此操作。")
                          % {"status": application.get_status_display()}) from None


def _working_days_after(start: dt.datetime) -> dt.datetime:
    return workflow.add_working_days(start, settings.REVIEW_STEP_WORKING_DAYS)


def _current_route(application: Application) -> dict[int, tuple[str, int]]:
    """position -> (kind, department id), the latest of each position over the cycles."""
    route: dict[int, tuple[str, int]] = {}
    for step in ReviewStep.objects.filter(application=application).order_by("cycle", "position"):
        route[step.position] = (step.kind, step.department_id)
    return route


def _next_cycle(application: Application) -> int:
    return (ReviewStep.objects.filter(application=application).aggregate(m=Max("cycle"))["m"] or 0) + 1


def _open_steps_from(application: Application, *, cycle: int, start: int, route: dict[int, tuple[str, int]],
                     at: dt.datetime) -> ReviewStep:
    """Create the steps of a cycle from `start` on, the first open, and return it."""
    ReviewStep.objects.filter(application=application, state=State.WAITING).update(state=State.SUPERSEDED)
    steps = [ReviewStep(application=application, cycle=cycle, position=position, kind=kind,
                        department_id=department_id, state=State.WAITING)
             for position, (kind, department_id) in sorted(route.items()) if position >= start]
    first = steps[0]
    first.state, first.opened_at, first.due_at = State.OPEN, at, _working_days_after(at)
    ReviewStep.objects.bulk_create(steps)
    return first


def _intake_step(application: Application, *, cycle: int, state: str, by, at: dt.datetime,
                 comment: str = "") -> ReviewStep:
    opened = application.submitted_at or at
    return ReviewStep.objects.create(
        application=application, cycle=cycle, position=0, kind=Kind.INTAKE,
        department_id=application.round.accepting_department_id, state=state, opened_at=opened,
        due_at=_working_days_after(opened), decided_at=at, decided_by=by, comment=comment)


@transaction.atomic
def application_accept(*, application_id: int, by, comment: str = "", seen_event_id: int | None = None
                       ) -> Application:
    """受理: build the route (or resume it after a return) and open the first step to decide."""
    application = _lock(application_id)
    target = _check(application, "accept", by, None, seen_event_id)
    at = now()
    cycle = _next_cycle(application)
    previous = _current_route(application)
    route = {0: (Kind.INTAKE, application.round.accepting_department_id)}
    if any(position > 0 for position in previous):
        route.update(previous)
    else:  # first acceptance (an earlier return by intake built no route)
        route.update({i: (kind, d.pk) for i, (kind, d) in enumerate(route_departments(application), start=1)})
    returned_at = (ReviewStep.objects.filter(application=application, state=State.RETURNED, position__gt=0)
                   .order_by("-cycle", "-position").first())
    start = returned_at.position if returned_at is not None else 1
    _intake_step(application, cycle=cycle, state=State.APPROVED, by=by, at=at, comment=comment)
    step = _open_steps_from(application, cycle=cycle, start=start, route=route, at=at)
    source = application.status
    application.status = target
    application.save(update_fields=["status", "updated_at"])
    event_record(application=application, action="accept", source=source, target=target, by=by, comment=comment,
                 data={"next_step": step.pk, "department": step.department.name, "cycle": cycle})
    return application


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ReviewError(message)
    return text


def _decide_current(application: Application, *, state: str, by, at: dt.datetime, comment: str) -> ReviewStep:
    """Close the step now deciding (intake when none is open yet) with `state`."""
    step = open_step(application)
    if step is None:
        return _intake_step(application, cycle=_next_cycle(application), state=state, by=by, at=at, comment=comment)
    step.state, step.decided_at, step.decided_by, step.comment = state, at, by, comment
    step.save(update_fields=["state", "decided_at", "decided_by", "comment"])
    ReviewStep.objects.filter(application=application, state=State.WAITING).update(state=State.SUPERSEDED)
    return step


@transaction.atomic
def application_return(*, application_id: int, by, comment: str, seen_event_id: int | None = None) -> Application:
    """退回修改: the comment says what to fix; the enterprise edits and resubmits."""
    comment = _required(comment, _("退回修改必须写明需要修改或补充的内容。"))
    application = _lock(application_id)
    target = _check(application, "return", by, open_step(application), seen_event_id)
    step = _decide_current(application, state=State.RETURNED, by=by, at=now(), comment=comment)
    source = application.status
    application.status = target
    application.save(update_fields=["status", "updated_at"])
    event_record(application=application, action="return", source=source, target=target, by=by, comment=comment,
                 data={"step": step.pk, "department": step.department.name})
    return application


@transaction.atomic
def application_reject(*, application_id: int, by, reason: str, basis: str,
                       seen_event_id: int | None = None) -> Application:
    """不予支持: with a reason and the condition or clause it rests on."""
    reason = _required(reason, _("不予支持必须说明理由。"))
    basis = _required(basis, _("不予支持必须引用所依据的申请条件或政策条款。"))
    application = _lock(application_id)
    target = _check(application, "reject", by, open_step(application), seen_event_id)
    comment = f"{reason}（{_('依据')}：{basis}）"
    step = _decide_current(application, state=State.REJECTED, by=by, at=now(), comment=comment)
    source = application.status
    application.status = target
    application.save(update_fields=["status", "updated_at"])
    event_record(application=application, action="reject", source=source, target=target, by=by, comment=comment,
                 data={"step": step.pk, "department": step.department.name, "basis": basis})
    return application


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ReviewError(_("金额“%(value)s”不是有效的数字。") % {"value": value}) from None
    if not amount.is_finite() or amount < 0:
        raise ReviewError(_("金额不能为负数。"))
    return amount.quantize(Decimal("0.01"))


def amount_limit(application: Application) -> Decimal | None:
    """The most that may be approved: the smaller of the computed maximum and the amount requested."""
    limits = [value for value in (application.max_amount, application.requested_amount) if value is not None]
    if not limits:
        snapshot = (application.submissions.order_by("-revision").values_list("snapshot", flat=True).first() or {})
        maximum = (snapshot.get("amount") or {}).get("maximum")
        if maximum not in (None, ""):
            limits.append(Decimal(str(maximum)))
    return min(limits) if limits else None


def _check_amount(application: Application, amount: Decimal, reason: str) -> None:
    limit = amount_limit(application)
    if limit is not None and amount > limit:
        raise ReviewError(_("核定金额 %(amount)s 万元超过了测算最高金额与申请金额中的较小者（%(limit)s 万元）。")
                          % {"amount": amount, "limit": limit})
    if limit is not None and amount < limit and not (reason or "").strip():
        raise ReviewError(_("核定金额低于申请金额（%(limit)s 万元）时，必须说明核减理由。") % {"limit": limit})


@transaction.atomic
def application_approve_step(*, application_id: int, by, amount, reason: str = "", comment: str = "",
                             seen_event_id: int | None = None) -> Application:
    """A department approves its step with the amount it supports; the next step opens."""
    amount = _money(amount)
    application = _lock(application_id)
    step = open_step(application)
    target = _check(application, "approve_step", by, step, seen_event_id)
    _check_amount(application, amount, reason)
    at = now()
    note = "；".join(part for part in ((comment or "").strip(), (reason or "").strip() and
                                       f"{_('核减理由')}：{reason.strip()}") if part)
    step.state, step.decided_at, step.decided_by = State.APPROVED, at, by
    step.approved_amount, step.comment = amount, note
    step.save(update_fields=["state", "decided_at", "decided_by", "approved_amount", "comment"])
    following = (ReviewStep.objects.filter(application=application, cycle=step.cycle, position__gt=step.position,
                                           state=State.WAITING).order_by("position").first())
    following.state, following.opened_at, following.due_at = State.OPEN, at, _working_days_after(at)
    following.save(update_fields=["state", "opened_at", "due_at"])
    application.approved_amount = amount
    application.status = target
    application.save(update_fields=["status", "approved_amount", "updated_at"])
    event_record(application=application, action="approve_step", source=Status.IN_REVIEW, target=target, by=by,
                 comment=note, data={"step": step.pk, "department": step.department.name, "amount": str(amount),
                                     "next_department": following.department.name})
    return application


def _confirmed_total(round_: Round, *, excluding: int) -> Decimal:
    confirmed = (Application.objects.filter(round=round_, status__in=[Status.PUBLICITY, Status.FINAL])
                 .exclude(pk=excluding).aggregate(total=Sum("approved_amount"))["total"])
    return confirmed or Decimal("0")


@transaction.atomic
def application_confirm(*, application_id: int, by, amount=None, reason: str = "",
                        seen_event_id: int | None = None) -> Application:
    """财政 confirms the amount within the round's budget; 公示 starts."""
    application = _lock(application_id)
    step = open_step(application)
    target = _check(application, "confirm", by, step, seen_event_id)
    amount = _money(amount) if amount not in (None, "") else application.approved_amount
    if amount is None:
        raise ReviewError(_("请填写核定金额。"))
    approved = application.approved_amount
    if approved is not None and amount > approved:
        raise ReviewError(_("财政确认金额不能高于部门审核通过的金额（%(amount)s 万元）。") % {"amount": approved})
    if approved is not None and amount < approved and not (reason or "").strip():
        raise ReviewError(_("确认金额低于部门审核通过的金额时，必须说明核减理由。"))
    _check_amount(application, amount, reason or "-")
    round_ = Round.objects.select_for_update(**_of_self()).get(pk=application.round_id)  # the budget's lock
    if round_.budget is not None:
        confirmed = _confirmed_total(round_, excluding=application.pk)
        if confirmed + amount > round_.budget:
            raise ReviewError(_("超出本批次资金预算：预算 %(budget)s 万元，已确认 %(confirmed)s 万元，本次 %(amount)s 万元。")
                              % {"budget": round_.budget, "confirmed": confirmed, "amount": amount})
    at = now()
    step.state, step.decided_at, step.decided_by, step.approved_amount = State.APPROVED, at, by, amount
    step.comment = (reason or "").strip()
    step.save(update_fields=["state", "decided_at", "decided_by", "approved_amount", "comment"])
    publicity = Publicity.objects.create(application=application, round=round_, approved_amount=amount,
                                         starts_at=at, ends_at=at + dt.timedelta(days=round_.publicity_days or 7))
    application.approved_amount = amount
    application.status = target
    application.save(update_fields=["status", "approved_amount", "updated_at"])
    event_record(application=application, action="confirm", source=Status.IN_REVIEW, target=target, by=by,
                 comment=step.comment, data={"amount": str(amount), "publicity": publicity.pk,
                                             "publicity_ends": publicity.ends_at.isoformat()})
    return application


@transaction.atomic
def application_finalize(*, application_id: int, by=None) -> Application | None:
    """The end of 公示 with no objection pending or upheld: the award is final. None when not yet due."""
    application = _lock(application_id)
    if application.status != Status.PUBLICITY:
        return None  # already final, or back in review: nothing to do
    publicity = application.publicities.filter(outcome=Publicity.Outcome.RUNNING).first()
    if publicity is None or publicity.ends_at > now() or publicity.objections.filter(
            status=Objection.Status.PENDING).exists():
        return None
    target = workflow.target(application.status, "finalize", {Role.SYSTEM})
    publicity.outcome, publicity.closed_at = Publicity.Outcome.FINAL, now()
    publicity.save(update_fields=["outcome", "closed_at"])
    application.status = target
    application.save(update_fields=["status", "updated_at"])
    event_record(application=application, action="finalize", source=Status.PUBLICITY, target=target, by=by,
                 actor_label="" if by else _("系统"), data={"publicity": publicity.pk})
    return application


@transaction.atomic
def objection_file(*, application_id: int, name: str, contact: str, text: str) -> Objection:
    """Anyone files an objection to an award in 公示, with contact details."""
    name = _required(name, _("请填写姓名或单位。"))
    contact = _required(contact, _("请填写联系电话或邮箱，以便告知处理结果。"))
    text = _required(text, _("请写明异议的内容和理由。"))
    application = _lock(application_id)
    publicity = application.publicities.filter(outcome=Publicity.Outcome.RUNNING).first()
    if application.status != Status.PUBLICITY or publicity is None or publicity.ends_at <= now():
        raise ReviewError(_("该项目不在公示期内，无法提出异议。"))
    workflow.target(application.status, "file_objection", {Role.PUBLIC})
    objection = Objection.objects.create(publicity=publicity, application=application, name=name[:100],
                                         contact=contact[:100], text=text)
    event_record(application=application, action="file_objection", source=Status.PUBLICITY,
                 target=Status.PUBLICITY, actor_label=_("公众"), data={"objection": objection.pk})
    return objection


@transaction.atomic
def objection_resolve(*, objection_id: int, by, upheld: bool, resolution: str) -> Objection:
    """Staff resolve an objection: upheld sends the application back to review; dismissed keeps 公示 going."""
    resolution = _required(resolution, _("请填写处理意见。"))
    application_id = Objection.objects.filter(pk=objection_id).values_list("application_id", flat=True).first()
    if application_id is None:
        raise ReviewError(_("异议不存在。"))
    application = _lock(application_id)
    objection = Objection.objects.select_for_update(**_of_self()).get(pk=objection_id)
    if objection.status != Objection.Status.PENDING:
        raise AlreadyHandled()
    action = "uphold_objection" if upheld else "dismiss_objection"
    try:
        target = workflow.target(application.status, action, roles_of(by, application, None))
    except TransitionNotAllowed:
        raise ReviewError(_("您不能处理该异议（仅受理部门可以处理，且申报须在公示中）。")) from None
    at = now()
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution, by, at
    objection.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    if upheld:
        publicity = objection.publicity
        publicity.outcome, publicity.closed_at = Publicity.Outcome.INTERRUPTED, at
        publicity.save(update_fields=["outcome", "closed_at"])
        publicity.objections.filter(status=Objection.Status.PENDING).update(
            status=Objection.Status.UPHELD, resolution=_("同一公示的其他异议已成立，申报已退回复审。"),
            resolved_by=by, resolved_at=at)
        _open_steps_from(application, cycle=_next_cycle(application), start=1,
                         route=_current_route(application), at=at)
        application.status = target
        application.save(update_fields=["status", "updated_at"])
    event_record(application=application, action=action, source=Status.PUBLICITY, target=target, by=by,
                 comment=resolution, data={"objection": objection.pk})
    return objection


@transaction.atomic
def payment_record(*, application_id: int, by, amount, paid_on: dt.date, note: str = "") -> Payment:
    """Record one installment paid; the installments never add up to more than the approved amount."""
    amount = _money(amount)
    if amount <= 0:
        raise ReviewError(_("拨付金额必须大于零。"))
    if not isinstance(paid_on, dt.date):
        raise ReviewError(_("请填写拨付日期。"))
    application = _lock(application_id)
    target = _check(application, "record_payment", by, None, None)
    paid = application.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if paid + amount > (application.approved_amount or 0):
        raise ReviewError(_("累计拨付将达到 %(total)s 万元，超过核定金额 %(approved)s 万元。")
                          % {"total": paid + amount, "approved": application.approved_amount})
    installment = application.payments.count() + 1
    payment = Payment.objects.create(application=application, installment=installment, amount=amount,
                                     paid_on=paid_on, note=(note or "").strip()[:200], recorded_by=by)
    event_record(application=application, action="record_payment", source=application.status, target=target, by=by,
                 comment=_("第%(n)s期拨付 %(amount)s 万元") % {"n": installment, "amount": amount},
                 data={"payment": payment.pk, "amount": str(amount), "paid_on": paid_on.isoformat()})
    return payment
