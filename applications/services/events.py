"""The one way an application's history is written: an event row, and the notifications it calls for, in the caller's transaction."""
from __future__ import annotations

from django.db import transaction

from ..models import Application, ApplicationEvent


def event_record(*, application: Application, action: str, source: str, target: str, by=None,
                 actor_label: str = "", comment: str = "", data: dict | None = None) -> ApplicationEvent:
    """Append an event to the application's history and queue its notifications (the outbox), in the change's transaction."""
    from .notifications import notifications_for_event

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are written in the transaction of the change they record")
    event = ApplicationEvent.objects.create(
        application=application, action=action, source=source, target=target, actor=by,
        actor_label=actor_label or (by.get_username() if by is not None else ""), comment=comment, data=data or {},
    )
    notifications_for_event(event)
    return event
