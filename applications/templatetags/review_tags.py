"""The navbar's unread notification count."""
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return user.notifications.unread().count()


@register.filter
def event_label(action: str) -> str:
    """An event's action as the enterprise and the staff read it."""
    from ..services.notifications import action_label

    return action_label(action)
