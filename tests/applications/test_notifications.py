"""The outbox: rows in the change's transaction, a wake-up only after commit, preferences, idempotent drains."""
from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import Notification, NotificationPreference
from applications.services import review
from applications.services.notifications import outbox_drain
from tests.factories.review import SubmittedApplicationFactory, departments, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return staff(departments()["gxj"], "gxj-reviewer", email="gxj@bureau.example.cn")


@pytest.fixture
def application():
    application = SubmittedApplicationFactory()
    application.created_by.email = "finance@factory.example.cn"
    application.created_by.save()
    return application


def test_a_rolled_back_decision_leaves_no_notification(application, reviewer):
    before = Notification.objects.count()
    with pytest.raises(review.ReviewError):
        review.application_approve_step(application_id=application.pk, by=reviewer, amount="1")
    assert Notification.objects.count() == before


def test_the_drain_is_woken_only_after_commit(application, reviewer, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review.application_accept(application_id=application.pk, by=reviewer)
        assert mailoutbox == []
    assert callbacks, "no wake-up queued"
    for callback in callbacks:
        callback()  # eager in tests: the drain runs now
    assert sorted(m.to[0] for m in mailoutbox) == ["finance@factory.example.cn", "gxj@bureau.example.cn"]
    assert "已受理" in next(m.subject for m in mailoutbox if m.to == ["finance@factory.example.cn"])
    assert Notification.objects.get(recipient=application.created_by).email == "sent"


def test_preferences_turn_email_off_but_the_inbox_keeps_it(application, reviewer, mailoutbox):
    NotificationPreference.objects.create(user=application.created_by, kind="progress", email=False)
    review.application_accept(application_id=application.pk, by=reviewer)
    assert outbox_drain() == 2
    assert [m.to for m in mailoutbox] == [["gxj@bureau.example.cn"]]  # the reviewer's task, not the enterprise
    row = Notification.objects.get(recipient=application.created_by)
    assert row.email == "skipped" and row.read_at is None


def test_draining_twice_sends_once(application, reviewer, mailoutbox):
    review.application_accept(application_id=application.pk, by=reviewer)
    first = outbox_drain()
    assert outbox_drain() == 0 and first == Notification.objects.count()
    assert len(mailoutbox) == Notification.objects.filter(email="sent").count()


def test_a_drain_dying_mid_way_leaves_the_rest_for_the_next_one(application, reviewer, mailoutbox, monkeypatch):
    """What a worker killed during the task leaves: rows done are marked, the rest are sent by the retry, once."""
    from applications.services import notifications

    for _ in range(3):
        other = SubmittedApplicationFactory()
        other.created_by.email = f"{other.created_by.username}@factory.example.cn"
        other.created_by.save()
        review.application_accept(application_id=other.pk, by=reviewer)
    total = Notification.objects.count()
    real_send, calls = notifications.send_mail, []

    class WorkerKilled(BaseException):
        pass

    def dying_send(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise WorkerKilled
        return real_send(*args, **kwargs)

    monkeypatch.setattr(notifications, "send_mail", dying_send)
    with pytest.raises(WorkerKilled):
        outbox_drain()
    assert Notification.objects.filter(email="pending").count() == total - 1
    monkeypatch.setattr(notifications, "send_mail", real_send)
    outbox_drain()
    assert not Notification.objects.filter(email="pending").exists()
    sent = [m.extra_headers["X-Portal-Notification"] for m in mailoutbox]
    assert len(sent) == len(set(sent)) == Notification.objects.filter(email="sent").count()


def _refusing(real_send, refused: str):
    """A mail backend that refuses one address, as an SMTP server answers 550 for an unknown mailbox."""
    import smtplib

    def send(notification):
        if notification.recipient.email == refused:
            raise smtplib.SMTPRecipientsRefused({refused: (550, b"5.1.1 mailbox unavailable")})
        return real_send(notification)
    return send


def test_a_refused_address_waits_and_the_rows_behind_it_are_sent(application, reviewer, mailoutbox, monkeypatch):
    from applications.services import notifications

    review.application_accept(application_id=application.pk, by=reviewer)
    other = SubmittedApplicationFactory()
    other.created_by.email = "other@factory.example.cn"
    other.created_by.save()
    review.application_accept(application_id=other.pk, by=reviewer)
    refused = "finance@factory.example.cn"
    monkeypatch.setattr(notifications, "send_mail", _refusing(notifications.send_mail, refused))

    outbox_drain()

    assert refused not in [m.to[0] for m in mailoutbox]
    assert {"gxj@bureau.example.cn", "other@factory.example.cn"} <= {m.to[0] for m in mailoutbox}
    row = Notification.objects.get(recipient=application.created_by)
    assert row.email == "pending" and row.email_attempts == 1 and "550" in row.email_error
    assert row.email_retry_at > notifications.now()
    assert outbox_drain() == 0  # not tried again before its time


def test_after_the_last_attempt_the_email_is_marked_failed_and_an_administrator_sends_it_again(
        application, reviewer, mailoutbox, monkeypatch, admin_client, settings, django_capture_on_commit_callbacks):
    import datetime as dt

    from applications.services import notifications

    settings.NOTIFICATION_EMAIL_ATTEMPTS = 3
    review.application_accept(application_id=application.pk, by=reviewer)
    real_send, real_now = notifications.send_mail, notifications.now
    monkeypatch.setattr(notifications, "send_mail", _refusing(real_send, "finance@factory.example.cn"))
    later = real_now()
    for _ in range(3):
        monkeypatch.setattr(notifications, "now", lambda later=later: later)
        outbox_drain()
        later += dt.timedelta(hours=3)
    row = Notification.objects.get(recipient=application.created_by)
    assert row.email == "failed" and row.email_attempts == 3

    changelist = admin_client.get(reverse("admin:applications_notification_changelist") + "?email=failed")
    assert "发送失败" in changelist.content.decode()
    monkeypatch.setattr(notifications, "send_mail", real_send)
    monkeypatch.setattr(notifications, "now", real_now)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:applications_notification_changelist"),
                                     {"action": "email_again", "_selected_action": [row.pk]}, follow=True)
    assert "已重新放入发送队列：1 条" in response.content.decode()
    row.refresh_from_db()
    assert row.email == "sent"  # the wake-up after commit drained it (eager in tests)
    assert "finance@factory.example.cn" in [m.to[0] for m in mailoutbox]


def test_a_mail_server_out_of_reach_stops_the_drain_without_counting_against_the_rows(
        application, reviewer, mailoutbox, monkeypatch):
    from applications.services import notifications

    review.application_accept(application_id=application.pk, by=reviewer)

    def unreachable(notification):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(notifications, "send_mail", unreachable)
    with pytest.raises(ConnectionRefusedError):
        outbox_drain()
    assert set(Notification.objects.values_list("email", "email_attempts")) == {("pending", 0)}


def test_the_inbox_shows_my_notifications_only_and_marks_them_read(client, application, reviewer):
    review.application_accept(application_id=application.pk, by=reviewer)
    client.force_login(application.created_by)
    home = client.get(reverse("incentives:home")).content.decode()
    assert 'id="unread-count">1<' in home
    inbox = client.get(reverse("review:inbox")).content.decode()
    assert "已受理" in inbox and "待办" not in inbox
    client.post(reverse("review:inbox"), {"all": "1"})
    assert 'id="unread-count"' not in client.get(reverse("incentives:home")).content.decode()


def test_preferences_form_saves_per_kind(client, application):
    client.force_login(application.created_by)
    response = client.post(reverse("review:preferences"), {"email_kinds": ["payment"]}, follow=True)
    assert "已保存" in response.content.decode()
    saved = dict(NotificationPreference.objects.filter(user=application.created_by).values_list("kind", "email"))
    assert saved["payment"] is True and saved["progress"] is False
    assert NotificationPreference.objects.get(user=application.created_by, kind="policy_match").enabled is False


def test_the_inbox_needs_a_login(client):
    assert client.get(reverse("review:inbox")).status_code == 302


def test_every_beat_entry_names_a_registered_task():
    from django.conf import settings

    from portal.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "applications.tasks.notifications.notifications_drain" in names
    assert names <= set(app.tasks), names - set(app.tasks)
