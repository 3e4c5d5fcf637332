"""Template filters of the library."""
from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def status_on(document, day):
    """The document's status on a day: in force, draft, expired or not yet in force."""
    return document.status_on(day)


# The two badges of a result, written in Python: a results page shows dozens of rows, and an {% include %}
# per row and badge was most of the time the page took. Same markup as the partial templates had.

@register.simple_tag
def result_amount(result) -> SafeString:
    """The amount of a result in 万元: "最高" when it is an upper bound, or why there is none."""
    amount = result.amount
    if amount.value is not None:
        shown = f"{_('最高') if amount.is_maximum else ''}{floatformat(amount.value, '-4')}{_('万元')}"
        return format_html('<span class="amount fw-semibold" data-amount="{}">{}</span>', amount.value, shown)
    if amount.none_in_text:
        return format_html('<span class="text-muted">{}</span>', _("条文未规定金额"))
    return format_html('<span class="text-muted">{}</span>', _("金额待确认"))


_AVAILABILITY = {
    "draft": ("text-bg-warning", gettext_lazy("征求意见稿，尚未施行")),
    "expired": ("text-bg-secondary", gettext_lazy("文件已失效")),
    "not_yet": ("text-bg-secondary", gettext_lazy("尚未施行")),
    "outside_window": ("text-bg-secondary", gettext_lazy("不在申报期内")),
}


@register.simple_tag
def availability(result) -> SafeString:
    """A badge when the incentive cannot be applied for today: a draft, expired, not yet in force, outside its window."""
    badge = _AVAILABILITY.get(result.availability)
    if badge is None:
        return format_html("")
    return format_html('<span class="badge {}" data-availability="{}">{}</span>', badge[0], result.availability,
                       badge[1])
