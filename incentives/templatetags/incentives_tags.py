"""Template filters of the library."""
from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
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


# The badges and rows of results, written in Python: a results page shows dozens of rows, and an {% include %}
# per row and badge, each with its own translations, was most of the time the page took. Same markup as the
# partial templates had.

def _words() -> dict[str, str]:
    """The words of results' rows in the current language, translated once per page rather than once per row."""
    return {"max": _("最高"), "wan": _("万元"), "none": _("条文未规定金额"), "pending": _("金额待确认"),
            "ask": _("还需回答"), "clause": _("第%(n)s条"), "apply": _("立即申报"),
            "no_round": _("目前没有开放的申报批次"), "closes": _("%(d)s 截止"),
            **{state: str(label) for state, (_css, label) in _AVAILABILITY.items()}}


_AVAILABILITY = {
    "draft": ("text-bg-warning", gettext_lazy("征求意见稿，尚未施行")),
    "expired": ("text-bg-secondary", gettext_lazy("文件已失效")),
    "not_yet": ("text-bg-secondary", gettext_lazy("尚未施行")),
    "outside_window": ("text-bg-secondary", gettext_lazy("不在申报期内")),
}


def _amount(result, words) -> str:
    amount = result.amount
    if amount.value is not None:
        shown = f"{words['max'] if amount.is_maximum else ''}{floatformat(amount.value, '-4')}{words['wan']}"
        return f'<span class="amount fw-semibold text-nowrap" data-amount="{amount.value}">{escape(shown)}</span>'
    return f'<span class="text-muted">{escape(words["none"] if amount.none_in_text else words["pending"])}</span>'


def _availability(result, words) -> str:
    badge = _AVAILABILITY.get(result.availability)
    if badge is None:
        return ""
    return f'<span class="badge {badge[0]}" data-availability="{result.availability}">{escape(words[result.availability])}</span>'


@register.simple_tag
def result_amount(result) -> SafeString:
    """The amount of a result in 万元: "最高" when it is an upper bound, or why there is none."""
    return mark_safe(_amount(result, _words()))  # noqa: S308 - every value is escaped


@register.simple_tag
def availability(result) -> SafeString:
    """A badge when the incentive cannot be applied for today: a draft, expired, not yet in force, outside its window."""
    return mark_safe(_availability(result, _words()))  # noqa: S308 - every value is escaped


@register.simple_tag(name="clause_label")
def clause_label_tag(number) -> str:
    return clause_label(number)


def _apply_link(incentive, rounds, words) -> str:
    """Where to apply for it: the open round (as templates/applications/_apply_link.html), or that none is open."""
    round_ = (rounds or {}).get(incentive.pk)
    if round_ is None:
        return (f'<div class="small mt-1 d-print-none apply-link"><span class="text-muted">'
                f'{escape(words["no_round"])}</span></div>')
    url = reverse("applying:round_detail", args=[round_.pk])
    closes = timezone.localtime(round_.closes_at).strftime("%Y-%m-%d %H:%M")
    return (f'<div class="small mt-1 d-print-none apply-link"><a class="btn btn-sm btn-primary" '
            f'href="{escape(url)}#round-incentives">{escape(words["apply"])}</a> <span class="text-muted">'
            f'{escape(round_.name)} · {escape(words["closes"] % {"d": closes})}</span></div>')


@register.simple_tag
def unknown_rows(rows, rounds=None) -> SafeString:
    """The results still to be confirmed, each with the questions that would decide it (rows of the results page)."""
    words = _words()
    html = []
    for result, incentive, questions in rows:
        asked = (f'<div class="small">{escape(words["ask"])}：{escape("；".join(fact.label for fact in questions))}</div>'
                 if questions else "")
        html.append(
            f'<div class="list-group-item" data-incentive="{escape(result.key)}">'
            f'<div class="d-flex justify-content-between"><span><a href="{escape(incentive.page_url)}">'
            f'{escape(incentive.name)}</a> {_availability(result, words)}</span>{_amount(result, words)}</div>'
            f'<div class="small text-muted">{escape(incentive.document.title)} · <a class="link-secondary" '
            f'href="{escape(incentive.clause_url)}">{escape(clause_label(incentive.clause.number))}</a></div>'
            f'{asked}{_apply_link(incentive, rounds, words)}</div>')
    return mark_safe("\n".join(html))  # noqa: S308 - every value is escaped


@register.filter
def joined(text):
    """Clause text with the source's page breaks joined where they split a word or sentence."""
    from django.utils.safestring import SafeData, mark_safe

    from incentives.rules.text import join_page_breaks

    joined_text = join_page_breaks(str(text or ""))
    return mark_safe(joined_text) if isinstance(text, SafeData) else joined_text  # only white space is removed


@register.filter
def clause_label(number) -> str:
    """A clause cited as the text numbers it: 第9条, but （十）, 三（二） and 序言 as written."""
    from incentives.rules.text import is_plain_number

    number = str(number)
    return _("第%(n)s条") % {"n": number} if is_plain_number(number) else number
