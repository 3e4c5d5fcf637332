"""Notifications through a real Celery worker on Redis: delivered, never twice, and never lost while Redis is down."""
from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F, Value
from django.db.models.functions import Concat

from applications.models import Notification
from applications.services import review
from applications.tasks.notifications import notifications_drain
from tests.applications.review_celery import (
    REDIS_URL,
    closed_port_url,
    real_worker,
    redis_available,
    use_broker,
    wait_until,
)
from tests.factories.review import SubmittedApplicationFactory, departments, staff

pytestmark = [pytest.mark.postgres,  # claims rely on row locks (SELECT … SKIP LOCKED), which SQLite does not have
              pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not redis_available(), reason=f"no Redis at {REDIS_URL}")]


@pytest.fixture
def people():
    d = departments()
    return {key: staff(d[key], f"{key}-officer") for key in ("gxj", "kjj", "czj")}


def with_emails():
    get_user_model().objects.update(email=Concat(F("username"), Value("@example.cn")))


def all_sent() -> bool:
    return not Notification.objects.filter(email="pending").exists()


def test_a_decision_is_emailed_by_the_worker_after_commit(people, mailoutbox):
    application = SubmittedApplicationFactory()
    with_emails()
    with real_worker():
        review.application_accept(application_id=application.pk, by=people["gxj"])
        assert wait_until(all_sent), "the worker did not drain the outbox"
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([f"{application.created_by.username}@example.cn", "gxj-officer@example.cn"])


def test_redis_down_during_100_transitions_then_all_delivered_once(people, mailoutbox):
    applications = [SubmittedApplicationFactory() for _ in range(25)]
    with_emails()
    use_broker(closed_port_url())  # Redis "down": every on_commit wake-up fails to reach the broker
    try:
        for application in applications:  # 4 transitions each: 100 in all
            review.application_accept(application_id=application.pk, by=people["gxj"])
            review.application_approve_step(application_id=application.pk, by=people["gxj"], amount="100")
            review.application_approve_step(application_id=application.pk, by=people["kjj"], amount="100")
            review.application_confirm(application_id=application.pk, by=people["czj"])
    finally:
        use_broker(REDIS_URL)
    assert sum(a.events.exclude(action="submit").count() for a in applications) == 100
    waiting = Notification.objects.filter(email="pending").count()
    assert waiting == Notification.objects.count() >= 100 and mailoutbox == []
    with real_worker():
        # what beat sends every minute; sent three times, as overlapping beats and retries would
        for _ in range(3):
            notifications_drain.delay()
        assert wait_until(all_sent, timeout=120), "the periodic drain did not deliver everything"
    assert len(mailoutbox) == waiting
    copies = Counter(m.extra_headers["X-Portal-Notification"] for m in mailoutbox)
    assert max(copies.values()) == 1, "a notification was emailed twice"


def test_a_task_delivered_twice_has_its_effect_once(people, mailoutbox):
    """acks_late redelivers a task whose worker died: the second run finds the rows already marked."""
    application = SubmittedApplicationFactory()
    with_emails()
    use_broker(closed_port_url())
    try:
        review.application_accept(application_id=application.pk, by=people["gxj"])
    finally:
        use_broker(REDIS_URL)
    rows = Notification.objects.count()
    with real_worker():
        for _ in range(2):  # the same message twice, as a redelivery after a lost ack
            notifications_drain.apply_async(task_id="drain-redelivered")
        assert wait_until(all_sent)
    assert len(mailoutbox) == rows
