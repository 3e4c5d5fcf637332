"""The notification outbox: rows written in the transaction of the change, emailed later by a task, read in the inbox.

Delivery guarantees. A row is written in the same transaction as the change it reports, so a change never
exists without its notification and a rolled-back change never notifies. The drain claims one pending row at
a time with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marks it sent (or skipped, by preference) in the same
transaction in which it hands the mail to the mail backend. So in the database every row is delivered exactly
once, whichever worker, retry or beat run gets to it. For the email itself this is at-least-once with a window
of one message: a worker killed after the SMTP server accepted the mail but before the COMMIT leaves the row
pending and the mail is sent again. We keep that window to one row (one transaction per row) rather than
risk losing a mail by marking it sent before sending.

Failures. When the mail server cannot be reached, no row is at fault: the drain stops, the row stays as it was
and the task retries later. When the server refuses one message (a bad address, a rejected recipient), that row
counts a failed attempt, waits (1 minute, 5, 30, 2 hours) and the drain goes on with the rows behind it; after
NOTIFICATION_EMAIL_ATTEMPTS attempts it is marked failed, for an administrator to look at and send again. The
inbox has the notification whatever happens to its email.
"""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
from typing import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ..models import (
    Application,
    ApplicationEvent,
    Membership,
    Notification,
    NotificationKind,
    NotificationPreference,
    ReviewStep,
    StaffMembership,
)
from .enterprises import now

logger = logging.getLogger(__name__)

# What the enterprise is told about, and under which kind.
ENTERPRISE_ACTIONS = {
    "submit": NotificationKind.PROGRESS, "resubmit": NotificationKind.PROGRESS, "withdraw": NotificationKind.PROGRESS,
    "accept": NotificationKind.PROGRESS, "return": NotificationKind.PROGRESS, "reject": NotificationKind.PROGRESS,
    "approve_step": NotificationKind.PROGRESS, "confirm": NotificationKind.PROGRESS,
    "uphold_objection": NotificationKind.PROGRESS, "finalize": NotificationKind.PROGRESS,
    "record_payment": NotificationKind.PAYMENT,
}


def action_label(action: str) -> str:
    return {
        "submit": _("已提交"), "resubmit": _("已重新提交"), "withdraw": _("已撤回"), "accept": _("已受理"),
        "return": _("被退回修改"), "reject": _("不予支持"), "approve_step": _("通过部门审核"),
        "confirm": _("财政确认，进入公示"), "file_objection": _("公示期间收到异议"),
        "dismiss_objection": _("异议不成立"), "uphold_objection": _("异议成立，重新审核"),
        "finalize": _("公示期满，结果确定"), "record_payment": _("已登记拨付"),
        "create": _("创建草稿"), "pdf_generated": _("申报书 PDF 已生成"),
    }.get(action, action)


def enterprise_url(application_id: int) -> str:
    try:
        return reverse("applying:application_detail", args=[application_id])
    except NoReverseMatch:
        return reverse("review:inbox")


def staff_url(application_id: int) -> str:
    return reverse("admin:applications_applicationreview_change", args=[application_id])


def department_users(department_ids: Iterable[int], *, heads_only: bool = False) -> list:
    memberships = StaffMembership.objects.filter(department_id__in=list(department_ids), user__is_active=True)
    if heads_only:
        memberships = memberships.filter(is_head=True)
    return list(get_user_model().objects.filter(pk__in=memberships.values("user_id")).order_by("pk"))


def enterprise_users(enterprise_id: int) -> list:
    return list(get_user_model().objects.filter(
        pk__in=Membership.objects.filter(enterprise_id=enterprise_id).values("user_id"), is_active=True,
    ).order_by("pk"))


def notify(*, users: Iterable, key: str, kind: str, subject: str, body: str = "", url: str = "",
           application: Application | None = None) -> int:
    """Queue one notification per user under `key` (a repeat with the same key adds nothing); return how many."""
    users = list(users)
    if kind == NotificationKind.POLICY_MATCH:
        muted = set(NotificationPreference.objects.filter(user__in=users, kind=kind, enabled=False)
                    .values_list("user_id", flat=True))
        users = [user for user in users if user.pk not in muted]
    keys = {user.pk: f"{key}:{user.pk}" for user in users}
    existing = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    rows = [Notification(key=keys[user.pk], recipient=user, kind=kind, subject=subject[:200], body=body,
                         url=url, application=application) for user in users if keys[user.pk] not in existing]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)  # a concurrent twin adds nothing either
    transaction.on_commit(outbox_wake)
    return len(rows)


def notifications_for_event(event: ApplicationEvent) -> None:
    """Write the outbox rows an event calls for: the enterprise, and the department that has to act next."""
    application = event.application
    reference = application.reference or str(application)
    label = action_label(event.action)
    comment = f"\n{_('意见')}：{event.comment}" if event.comment else ""
    kind = ENTERPRISE_ACTIONS.get(event.action)
    if kind is not None:
        notify(users=enterprise_users(application.enterprise_id), key=f"event:{event.pk}", kind=kind,
               subject=_("申报 %(reference)s %(label)s") % {"reference": reference, "label": label},
               body=_("%(incentive)s：%(label)s。") % {"incentive": application.incentive.name, "label": label} + comment,
               url=enterprise_url(application.pk), application=application)
    department_id, staff_kind = None, NotificationKind.TASK
    if event.action == "file_objection":
        department_id, staff_kind = application.round.accepting_department_id, NotificationKind.OBJECTION
    elif event.source != event.target and event.target == "submitted":
        department_id = application.round.accepting_department_id
    elif event.target == "in_review":
        department_id = (ReviewStep.objects.filter(application=application, state=ReviewStep.State.OPEN)
                         .values_list("department_id", flat=True).first())
    if department_id is not None:
        notify(users=department_users([department_id]), key=f"event:{event.pk}:staff", kind=staff_kind,
               subject=_("待办：申报 %(reference)s %(label)s") % {"reference": reference, "label": label},
               body=_("%(enterprise)s · %(incentive)s") % {"enterprise": application.enterprise.name,
                                                           "incentive": application.incentive.name},
               url=staff_url(application.pk), application=application)


def outbox_wake() -> None:
    """Ask a worker to drain the outbox now; if the broker is down the beat drain delivers later, so never fail."""
    from ..tasks.notifications import notifications_drain

    app = notifications_drain.app
    try:
        if app.conf.task_always_eager:
            notifications_drain.apply_async()
            return
        # one quick attempt: a request must not hang retrying a broker that is down
        with app.pool.acquire(block=True, timeout=2) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.1, timeout=2)
            notifications_drain.apply_async(retry=False, connection=connection)
    except Exception as error:  # noqa: BLE001 - a lost wake-up costs a minute, never a notification
        logger.warning("outbox wake-up not queued (%s); the periodic drain will deliver", error)


# Errors that say the mail server is out of reach, not that this message is wrong.
SERVER_UNREACHABLE = (ConnectionError, TimeoutError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected,
                      smtplib.SMTPHeloError, smtplib.SMTPAuthenticationError)
RETRY_DELAYS = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))


def _lock_next_pending():
    rows = (Notification.objects.filter(email=Notification.Email.PENDING)
            .filter(Q(email_retry_at__isnull=True) | Q(email_retry_at__lte=now())).order_by("id"))
    of = {"of": ("self",)} if connection.features.has_select_for_update_of else {}
    return rows.select_for_update(skip_locked=True, **of).select_related("recipient").first()


def _wants_email(notification: Notification) -> bool:
    if not notification.recipient.email:
        return False
    preference = NotificationPreference.objects.filter(user=notification.recipient_id, kind=notification.kind).first()
    return preference is None or (preference.email and preference.enabled)


def send_mail(notification: Notification) -> None:
    """Hand one notification to the mail backend; the header names the outbox row, so copies can be told apart."""
    link = f"{settings.PORTAL_BASE_URL.rstrip('/')}{notification.url}" if notification.url else ""
    EmailMessage(notification.subject, f"{notification.body}\n\n{link}".strip(), None, [notification.recipient.email],
                 headers={"X-Portal-Notification": notification.key}).send()


def outbox_drain(*, limit: int = 500) -> int:
    """Deliver up to `limit` pending rows, each claimed and marked in its own transaction; return how many.

    A row the mail server refused counts towards `limit` but not towards the number returned.
    """
    delivered = claimed = 0
    while claimed < limit:
        claimed += 1
        with transaction.atomic():
            notification = _lock_next_pending()
            if notification is None:
                break
            if _wants_email(notification):
                try:
                    send_mail(notification)
                except SERVER_UNREACHABLE:
                    raise  # nothing is wrong with this row: stop here, the task retries the whole drain later
                except Exception as error:  # noqa: BLE001 - the server refused this message; the rest go on
                    _count_failure(notification, error)
                    continue
                notification.email = Notification.Email.SENT
                notification.email_sent_at = now()
            else:
                notification.email = Notification.Email.SKIPPED
            notification.email_retry_at = None
            notification.save(update_fields=["email", "email_sent_at", "email_retry_at"])
        delivered += 1
    return delivered


def _count_failure(notification: Notification, error: Exception) -> None:
    """One more refused attempt: wait before the next one, or give up after the last and say so."""
    notification.email_attempts += 1
    notification.email_error = f"{type(error).__name__}: {error}"[:300]
    if notification.email_attempts >= settings.NOTIFICATION_EMAIL_ATTEMPTS:
        notification.email = Notification.Email.FAILED
        notification.email_retry_at = None
        logger.error("notification %s not emailed after %d attempts: %s", notification.key,
                     notification.email_attempts, notification.email_error)
    else:
        delay = RETRY_DELAYS[min(notification.email_attempts, len(RETRY_DELAYS)) - 1]
        notification.email_retry_at = now() + delay
        logger.warning("notification %s refused (attempt %d), retried after %s: %s", notification.key,
                       notification.email_attempts, delay, notification.email_error)
    notification.save(update_fields=["email", "email_attempts", "email_error", "email_retry_at"])


@transaction.atomic
def notifications_email_again(*, ids: Iterable[int]) -> int:
    """Put failed emails back in the outbox (after the address was corrected, say); return how many."""
    count = Notification.objects.filter(pk__in=list(ids), email=Notification.Email.FAILED).update(
        email=Notification.Email.PENDING, email_attempts=0, email_retry_at=None, email_error="")
    if count:
        transaction.on_commit(outbox_wake)
    return count


@transaction.atomic
def notifications_mark_read(*, by, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when `ids` is None)."""
    rows = Notification.objects.filter(recipient=by, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=now())


@transaction.atomic
def notification_preferences_save(*, by, email_kinds: Iterable[str], muted_kinds: Iterable[str] = ()) -> None:
    """Store per kind whether the user wants email, and whether policy-change notices come at all."""
    email_kinds, muted_kinds = set(email_kinds), set(muted_kinds)
    for kind in NotificationKind.values:
        NotificationPreference.objects.update_or_create(
            user=by, kind=kind, defaults={"email": kind in email_kinds, "enabled": kind not in muted_kinds})
