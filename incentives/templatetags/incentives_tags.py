"""Template filters of the library."""
from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def status_on(document, day):
    """The document's status on a day: in force, draft, expired or not yet in force."""
    return document.status_on(day)
