"""Tasks of notifications: draining the outbox, and the periodic reminders, digest and end of 公示."""
from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from ..services import reminders
from ..services.notifications import outbox_drain

COMMON = {"acks_late": True, "retry_backoff": True, "max_retries": 5, "soft_time_limit": 240, "time_limit": 300}


@shared_task(autoretry_for=(OSError, OperationalError), **COMMON)
def notifications_drain(limit: int = 1000) -> int:
    """Email the pending outbox rows; safe to run any number of times at once (rows are claimed, skip-locked)."""
    return outbox_drain(limit=limit)


@shared_task(**COMMON)
def review_overdue_remind() -> int:
    return reminders.review_overdue_remind()


@shared_task(**COMMON)
def rounds_closing_remind() -> int:
    return reminders.rounds_closing_remind()


@shared_task(**COMMON)
def reviewer_digest() -> int:
    return reminders.reviewer_digest()


@shared_task(**COMMON)
def publicity_finalize_due() -> int:
    return reminders.publicity_finalize_due()
