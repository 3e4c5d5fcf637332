"""Scheduled notices: steps past their time limit, rounds about to close, the reviewers' daily digest, 公示 ends."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workflow
from ..models import Application, NotificationKind, Publicity, ReviewStep, StaffMembership
from .enterprises import now
from .notifications import department_users, enterprise_url, enterprise_users, notify, staff_url
from .review import application_finalize


def review_overdue_remind() -> int:
    """Tell the department, and its head, of each step past its time limit; once per step (the key says so)."""
    at, count = now(), 0
    steps = (ReviewStep.objects.filter(state=ReviewStep.State.OPEN, due_at__lt=at)
             .select_related("application", "department"))
    for step in steps:
        application = step.application
        count += notify(
            users=department_users([step.department_id]), key=f"overdue:step:{step.pk}", kind=NotificationKind.REMINDER,
            subject=_("超期提醒：申报 %(reference)s 已超过办理时限") % {"reference": application.reference},
            body=_("%(department)s的“%(step)s”环节应于 %(due)s 前办结。") % {
                "department": step.department.name, "step": step.get_kind_display(),
                "due": timezone.localtime(step.due_at).strftime("%Y-%m-%d")},
            url=staff_url(application.pk), application=application)
        ReviewStep.objects.filter(pk=step.pk, reminded_at__isnull=True).update(reminded_at=at)
    # waiting for 受理: no step exists yet, the time limit runs from the submission
    waiting = (Application.objects.filter(status=workflow.Status.SUBMITTED, submitted_at__isnull=False)
               .select_related("round"))
    for application in waiting:
        due = workflow.add_working_days(application.submitted_at, settings.REVIEW_STEP_WORKING_DAYS)
        if due >= at:
            continue
        count += notify(
            users=department_users([application.round.accepting_department_id]),
            key=f"overdue:intake:{application.pk}:{application.revision}", kind=NotificationKind.REMINDER,
            subject=_("超期提醒：申报 %(reference)s 待受理已超过办理时限") % {"reference": application.reference},
            url=staff_url(application.pk), application=application)
    return count


def rounds_closing_remind() -> int:
    """Enterprises with a draft in a round closing within the next days are told, once per draft."""
    at, count = now(), 0
    horizon = at + dt.timedelta(days=settings.ROUND_CLOSING_REMINDER_DAYS)
    drafts = (Application.objects.filter(status=workflow.Status.DRAFT, round__closes_at__gt=at,
                                         round__closes_at__lte=horizon)
              .select_related("round", "incentive"))
    for application in drafts:
        closes = timezone.localtime(application.round.closes_at).strftime("%Y-%m-%d %H:%M")
        count += notify(
            users=enterprise_users(application.enterprise_id), key=f"round-closing:{application.pk}",
            kind=NotificationKind.ROUND_CLOSING,
            subject=_("申报批次“%(round)s”将于 %(closes)s 截止") % {"round": application.round.name, "closes": closes},
            body=_("您的“%(incentive)s”申报仍是草稿，请在截止前提交。") % {"incentive": application.incentive.name},
            url=enterprise_url(application.pk), application=application)
    return count


def reviewer_digest() -> int:
    """Each staff user with something waiting at their departments gets one summary a day."""
    day = timezone.localdate(now()).isoformat()
    pending = dict(ReviewStep.objects.filter(state=ReviewStep.State.OPEN).values_list("department_id")
                   .annotate(n=Count("pk")))
    intake = dict(Application.objects.filter(status=workflow.Status.SUBMITTED)
                  .values_list("round__accepting_department_id").annotate(n=Count("pk")))
    totals: dict[int, int] = {}
    for membership in StaffMembership.objects.filter(user__is_active=True).select_related("user"):
        n = pending.get(membership.department_id, 0) + intake.get(membership.department_id, 0)
        totals[membership.user_id] = totals.get(membership.user_id, 0) + n
    count = 0
    users = {m.user_id: m.user for m in StaffMembership.objects.select_related("user")}
    for user_id, n in totals.items():
        if n:
            count += notify(users=[users[user_id]], key=f"digest:{day}", kind=NotificationKind.DIGEST,
                            subject=_("今日待办：%(n)s 件申报等待您所在部门处理") % {"n": n},
                            url=reverse("admin:applications_applicationreview_changelist"))
    return count


def publicity_finalize_due() -> int:
    """Finalize every award whose 公示 has ended with no objection pending or upheld."""
    due = (Publicity.objects.filter(outcome=Publicity.Outcome.RUNNING, ends_at__lte=now())
           .exclude(objections__status="pending").values_list("application_id", flat=True))
    return sum(1 for application_id in list(due) if application_finalize(application_id=application_id))
