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
