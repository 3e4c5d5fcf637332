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


@register.filter
def joined(text):
    """Clause text with the source's page breaks joined where they split a word or sentence."""
    from django.utils.safestring import SafeData, mark_safe

    from incentives.rules.text import join_page_breaks

    joined_text = join_page_breaks(str(text or ""))
    return mark_safe(joined_text) if isinstance(text, SafeData) else joined_text  # only white space is removed


@register.filter
def clause_label(number):
    """A clause cited as the text numbers it: 第9条, but （十）, 三（二） and 序言 as written."""
    from incentives.rules.text import clause_label as label

    return label(str(number))
