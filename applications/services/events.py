"""The one way an application's history is written: an event row in the caller's transaction."""
from __future__ import annotations

from django.db import transaction

from ..models import Application, ApplicationEvent


def event_record(*, application: Application, action: str, source: str, target: str, by=None,
                 actor_label: str = "", comment: str = "", data: dict | None = None) -> ApplicationEvent:
    """Append an event to the application's history; must run inside the transaction of the change itself."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are written in the transaction of the change they record")
    return ApplicationEvent.objects.create(
        application=application, action=action, source=source, target=target, actor=by,
        actor_label=actor_label or (by.get_username() if by is not None else ""), comment=comment, data=data or {},
    )
