"""Template filters of the library."""
from decimal import ROUND_HALF_UP, Decimal
from html import escape   # the standard library's: Django's escaping without its lazy-string check, for many rows

from django import template
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import get_language, gettext_lazy

from incentives.selectors import BoundedCache

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def status_on(document, day):
    """The document's status on a day: in force, draft, expired or not yet in force."""
    return document.status_on(day)


_STATUS_BADGES = {"in_force": ("text-bg-success", "status_in_force"), "draft": ("text-bg-warning", "status_draft"),
                  "not_yet": ("text-bg-secondary", "status_not_yet")}


@register.simple_tag
def status_badge(document, day) -> SafeString:
    """The badge of a document's status on a day (现行有效, 征求意见稿, 尚未施行, 已失效); a tag, not an include,
    as the comparison shows one per city."""
    status = str(document.status_on(day))
    css, word = _STATUS_BADGES.get(status, ("text-bg-secondary", "status_expired"))
    return mark_safe(f'\n<span class="badge {css}" data-status="{escape(status)}">\n'  # noqa: S308 - escaped
                     f'  {escape(_words()[word])}\n</span>\n')


# The badges and rows of results, written in Python: a results page shows dozens of rows, and an {% include %}
# per row and badge, each with its own translations, was most of the time the page took. Same markup as the
# partial templates had.

_WORDS: dict[str, dict[str, str]] = {}


def _words() -> dict[str, str]:
    """The words of results' rows in the current language, translated once per language and process (a process's
    catalogues do not change) rather than once per row or page; under "language", its code (what rows are kept
    under, read once per page rather than once per row)."""
    language = get_language()
    words = _WORDS.get(language)
    if words is None:
        words = _WORDS[language] = {**_translated_words(), "language": language}
    return words


def _translated_words() -> dict[str, str]:
    return {"max": _("最高"), "wan": _("万元"), "none": _("条文未规定金额"), "pending": _("金额待确认"),
            "ask": _("还需回答"), "clause": _("第%(n)s条"), "apply": _("立即申报"),
            "no_round": _("目前没有开放的申报批次"), "closes": _("%(d)s 截止"),
            "days_left": _("还剩 %(n)d 天"), "last_day": _("今天截止"),
            "who": _("受理部门"), "no_who": _("文件未载明受理部门"),
            "window": _("申报期限"), "no_window": _("文件未规定申报期限"), "from": _("%(d)s 起"),
            "until": _("至 %(d)s"), "quote": _("原文：“%(q)s”"),
            "documents": _("通常需要（%(n)d 项）"), "not_verbatim": _("非文件原文，供参考"),
            "pair": _("二选一，已按较高者计入"), "one_of": _("多选一，已按较高者计入"),
            "some": _("不能同时享受，已按合计较高的组合计入"),
            "chosen": _("计入合计的是“%(name)s”：金额较高。"),
            "chosen_as_written": _("计入按条文测算的合计的是“%(name)s”：金额较高。"),
            "chosen_some": _("计入合计的是：%(names)s。"),
            "none_chosen": _("金额均待确认，只能选择其一。"),
            "counted": _("计入合计"), "counted_as_written": _("计入按条文测算的合计"),
            "not_counted": _("未计入合计"), "excluded": _("不能与%(names)s同时享受"),
            "stake": _("合计最高%(v)s万元"), "unpriced": _("含金额未定的项目"),
            "status_in_force": _("现行有效"), "status_draft": _("征求意见稿"), "status_not_yet": _("尚未施行"),
            "status_expired": _("已失效"),
            "change_city": _("更换城市"), "change": _("修改"), "no_answers": _("还没有回答。"),
            **{state: str(label) for state, (_css, label) in _AVAILABILITY.items()}}


_AVAILABILITY = {
    "draft": ("text-bg-warning", gettext_lazy("征求意见稿，尚未施行")),
    "expired": ("text-bg-secondary", gettext_lazy("文件已失效")),
    "not_yet": ("text-bg-secondary", gettext_lazy("尚未施行")),
    "outside_window": ("text-bg-secondary", gettext_lazy("不在申报期内")),
}


_FOUR_PLACES = Decimal("0.0001")


def _figure(value) -> str:
    """An amount as floatformat:"-4" writes it (up to four decimals, none when whole), quicker: rows have many."""
    if not isinstance(value, Decimal):
        return str(floatformat(value, "-4"))
    text = format(value.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _amount(result, words) -> str:
    amount = result.amount
    if amount.value is not None:
        shown = f"{words['max'] if amount.is_maximum else ''}{_figure(amount.value)}{words['wan']}"
        return f'<span class="amount fw-semibold text-nowrap" data-amount="{amount.value}">{escape(shown)}</span>'
    return f'<span class="text-muted">{escape(words["none"] if amount.none_in_text else words["pending"])}</span>'


def _availability(result, words) -> str:
    badge = _AVAILABILITY.get(result.availability)
    if badge is None:
        return ""
    return f'<span class="badge {badge[0]}" data-availability="{result.availability}">{escape(words[result.availability])}</span>'


@register.filter
def figure(value) -> str:
    """An amount in 万元 as floatformat:"-4" writes it."""
    return _figure(value)


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


def _days_left(closes_at, on, words) -> str:
    if on is None:
        return ""
    days = (timezone.localtime(closes_at).date() - on).days
    return words["last_day"] if days <= 0 else words["days_left"] % {"n": days}


@register.filter(name="days_left")
def days_left_filter(closes_at) -> str:
    """还剩 N 天 until a round closes (今天截止 on its last day); as the results' rows say it."""
    return _days_left(closes_at, timezone.localdate(), _words()) if closes_at else ""


def _apply_link(incentive, rounds, words, on=None, window="", who="") -> str:
    """Whom to contact, and when: the open round with its closing date and the days left (as
    templates/applications/_apply_link.html), or that none is open and the period the text sets, if any."""
    round_ = (rounds or {}).get(incentive.pk)
    if round_ is None:
        return (f'<div class="small mt-1 apply-link">{who}<span class="text-muted d-print-none">'
                f'{escape(words["no_round"])}</span>{window}</div>')
    url = reverse("applying:round_detail", args=[round_.pk])
    closes = timezone.localtime(round_.closes_at).strftime("%Y-%m-%d %H:%M")
    left = _days_left(round_.closes_at, on, words)
    return (f'<div class="small mt-1 apply-link">{who}<span class="when">'
            f'{escape(round_.name)} · <span class="text-nowrap">{escape(words["closes"] % {"d": closes})}</span>'
            + (f' · <strong class="text-nowrap days-left">{escape(left)}</strong>' if left else "")
            + f'</span> <a class="btn btn-sm btn-primary py-0 d-print-none" href="{escape(url)}#round-incentives">'
            f'{escape(words["apply"])}</a></div>')


def _window(details, words) -> str:
    """The application period the text sets (with its words), or that it sets none; nothing when not known."""
    if details is None:
        return ""
    if details.window_from or details.window_to:
        parts = []
        if details.window_from:
            parts.append(words["from"] % {"d": details.window_from.isoformat()})
        if details.window_to:
            parts.append(words["until"] % {"d": details.window_to.isoformat()})
        shown = "".join(f'<span class="text-nowrap">{escape(part)}</span> ' for part in parts).strip()
        quote = (f' <span class="text-muted">（{escape(words["quote"] % {"q": details.window_quote})}）</span>'
                 if details.window_quote else "")
        return f' · <span class="when">{escape(words["window"])}：{shown}{quote}</span>'
    return f' · <span class="when text-muted">{escape(words["no_window"])}</span>'


def _who(details, words) -> str:
    if details is None:
        return ""
    if details.departments:
        return f'<span class="who">{escape(words["who"])}：{escape("、".join(details.departments))}</span> · '
    return f'<span class="who text-muted">{escape(words["no_who"])}</span> · '


def _documents(details, words) -> str:
    """通常需要: collapsed; an item not found verbatim in the clause text says so."""
    if details is None or not details.documents:
        return ""
    items = []
    for item, verbatim in details.documents:
        mark = ("" if verbatim else
                f' <span class="badge text-bg-light border fw-normal not-verbatim">{escape(words["not_verbatim"])}</span>')
        items.append(f'<li>{escape(item)}{mark}</li>')
    return (f'<details class="small documents mt-1"><summary>{escape(words["documents"] % {"n": len(items)})}'
            f'</summary><ul class="mb-0">{"".join(items)}</ul></details>')


_COUNTED = {"total": ("text-bg-success", "counted"), "as_written": ("text-bg-info", "counted_as_written"),
            "": ("text-bg-light border", "not_counted")}


_ROW_PARTS: BoundedCache[tuple[str, ...]] = BoundedCache(maxsize=8192)


def _row_parts(row, words) -> tuple[str, ...]:
    """What a row says of its incentive whoever reads it: the link, the document and clause, whom to contact,
    the period and the documents. An incentive row never changes (a new version has new rows): kept per language."""
    incentive, details = row.incentive, row.details

    def make() -> tuple[str, ...]:
        link = f'<a href="{escape(incentive.page_url)}">{escape(incentive.name)}</a>'
        source = (f'<div class="small text-muted">{escape(incentive.document.title)} · <a class="link-secondary" '
                  f'href="{escape(incentive.clause_url)}">{escape(clause_label(incentive.clause.number))}</a></div>')
        return link, source, _who(details, words), _window(details, words), _documents(details, words)
    return _ROW_PARTS.get_or_make((incentive.pk, details, words["language"]), make)


_ROWS: BoundedCache[str] = BoundedCache(maxsize=16384)


def _row(row, rounds, words, on, *, in_alternatives=False) -> str:
    """A result's row. Most rows read the same for many enterprises (the same amount, the same questions still
    open): a row is kept under everything it shows, and made once per process."""
    result, incentive, amount = row.result, row.incentive, row.result.amount
    round_ = (rounds or {}).get(incentive.pk)
    key = (incentive.pk, words["language"], on, result.rule_status, result.availability, amount.value, amount.is_maximum,
           amount.none_in_text, amount.steps if result.rule_status == "eligible" else (),
           tuple(fact.label for fact in row.questions), tuple(row.excluded_by),
           row.counted if in_alternatives else None, row.details,
           (round_.pk, round_.name, round_.closes_at) if round_ is not None else None)
    return _ROWS.get_or_make(key, lambda: _make_row(row, rounds, words, on, in_alternatives=in_alternatives))


def _make_row(row, rounds, words, on, *, in_alternatives=False) -> str:
    result, incentive = row.result, row.incentive
    link, source, who, window, documents = _row_parts(row, words)
    counted = ""
    if in_alternatives:
        css, word = _COUNTED[row.counted]
        counted = f' <span class="badge {css} counted" data-counted="{row.counted or "no"}">{escape(words[word])}</span>'
    steps = (f'<div class="small steps">{escape("；".join(result.amount.steps))}</div>'
             if result.rule_status == "eligible" and result.amount.steps and not result.amount.none_in_text
             else "")
    asked = (f'<div class="small">{escape(words["ask"])}：{escape("；".join(fact.label for fact in row.questions))}</div>'
             if row.questions else "")
    excluded = (f'<div class="small text-warning-emphasis excluded">'
                f'{escape(words["excluded"] % {"names": "、".join(f"“{n}”" for n in row.excluded_by)})}</div>'
                if row.excluded_by else "")
    return (f'<div class="list-group-item" data-incentive="{escape(result.key)}">'
            f'<div class="d-flex justify-content-between gap-2"><span>{link} {_availability(result, words)}{counted}'
            f'</span>{_amount(result, words)}</div>{source}{steps}{asked}{excluded}'
            f'{_apply_link(incentive, rounds, words, on, window, who)}{documents}</div>')


def _alternatives(unit, rounds, words, on) -> str:
    names = [row.incentive.name for row in unit.chosen]
    if unit.kind == "some":
        why = words["chosen_some"] % {"names": "、".join(f"“{n}”" for n in names)} if names else words["none_chosen"]
    elif not unit.chosen:
        why = words["none_chosen"]
    else:
        why = words["chosen" if unit.chosen[0].counted == "total" else "chosen_as_written"] % {"name": names[0]}
    rows = "".join(_row(row, rounds, words, on, in_alternatives=True) for row in unit.rows)
    return (f'<div class="list-group-item alternatives px-2 px-sm-3" data-alternatives="{unit.kind}">'
            f'<div class="fw-semibold alternatives-title">{escape(words[unit.kind])}</div>'
            f'<div class="small text-muted mb-1 alternatives-why">{escape(why)}</div>'
            f'<div class="list-group">{rows}</div></div>')


def _units(units, rounds, words, on) -> str:
    return "".join(_alternatives(unit, rounds, words, on) if getattr(unit, "is_alternatives", False)
                   else _row(unit, rounds, words, on) for unit in units)


@register.simple_tag
def result_units(units, rounds=None, on=None) -> SafeString:
    """Rows of the results page: each with whom to contact, when, and what to prepare; alternatives together."""
    return mark_safe(_units(units, rounds, _words(), on))  # noqa: S308 - every value is escaped


@register.simple_tag
def result_groups(groups, section, rounds=None, on=None) -> SafeString:
    """The rows grouped by topic, the most money at stake first; collapsible, the first open."""
    words = _words()
    html = []
    for n, group in enumerate(groups):
        stake = ""
        if group.stake:
            shown = words["stake"] % {"v": _figure(group.stake)}
            stake = f'<span class="amount fw-semibold text-nowrap stake">{escape(shown)}</span>'
        unpriced = (f'<span class="text-muted small unpriced">{escape(words["unpriced"])}</span>'
                    if group.unpriced else "")
        html.append(
            f'<details class="topic-group mb-2" data-topic="{escape(group.topic)}"{" open" if n == 0 else ""}>'
            f'<summary class="d-flex flex-wrap align-items-baseline gap-2 py-1">'
            f'<span class="fw-semibold">{escape(group.label)}</span>'
            f'<span class="badge text-bg-secondary">{group.count}</span>{stake}{unpriced}</summary>'
            f'<div class="list-group" id="{escape(section)}-{escape(group.topic)}">'
            f'{_units(group.units, rounds, words, on)}</div></details>')
    return mark_safe("\n".join(html))  # noqa: S308 - every value is escaped


@register.simple_tag
def compare_rows(rows, possible=False, left_out=()) -> SafeString:
    """A city's rows of the comparison: name, state, amount, and its steps for those settled by the project;
    one that excludes a higher one is marked as not counted."""
    words = _words()
    html = []
    for result, incentive in rows:
        if possible:
            html.append(f'<li class="list-group-item small text-muted" data-incentive="{escape(result.key)}">'
                        f'<a href="{escape(incentive.page_url)}">{escape(incentive.name)}</a>'
                        f'<div>{_amount(result, words)}</div></li>')
            continue
        steps = (f'<div class="text-muted">{escape("；".join(result.amount.steps))}</div>'
                 if result.amount.steps else "")
        counted = (f' <span class="badge text-bg-light border counted" data-counted="no">'
                   f'{escape(words["not_counted"])}</span>' if result.key in left_out else "")
        html.append(f'<li class="list-group-item small" data-incentive="{escape(result.key)}">'
                    f'<a href="{escape(incentive.page_url)}">{escape(incentive.name)}</a> '
                    f'{_availability(result, words)}{counted}<div>{_amount(result, words)}</div>{steps}</li>')
    return mark_safe("\n".join(html))  # noqa: S308 - every value is escaped


@register.simple_tag
def not_eligible_rows(rows, with_reasons=False) -> SafeString:
    """The incentives whose conditions are not met: names, and the conditions not met when asked for."""
    html = []
    for result, incentive in rows:
        reasons = ""
        if with_reasons:
            failed = "".join(f"<li>{escape(reason)}</li>" for reason in result.reasons if "✗" in reason)
            reasons = f'<ul class="mb-0">{failed}</ul>'
        html.append(f'<div class="list-group-item small" data-incentive="{escape(result.key)}">'
                    f'<a href="{escape(incentive.page_url)}">{escape(incentive.name)}</a>{reasons}</div>')
    return mark_safe("\n".join(html))  # noqa: S308 - every value is escaped


_ANSWER_LINKS: BoundedCache[str] = BoundedCache(maxsize=1024)


def _answer_link(key: str) -> str:
    """Where an answer is changed: the city on the first page, any other answer on its own."""
    def make() -> str:
        return reverse("incentives:check_start") if key == "city" else reverse("incentives:check_answer", args=[key])
    return _ANSWER_LINKS.get_or_make((key, get_script_prefix(), get_urlconf()), make)


@register.simple_tag
def answer_rows(answers) -> SafeString:
    """The answers given, each with the link to change it (as the results page lists them)."""
    words = _words()
    if not answers:
        return mark_safe(f'<li class="text-muted">{escape(words["no_answers"])}</li>')  # noqa: S308 - escaped
    html = []
    for fact, value in answers:
        key, unit = escape(str(fact.key)), f" {escape(str(fact.unit))}" if fact.unit else ""
        change = words["change_city"] if fact.key == "city" else words["change"]
        html.append(f'\n      <li class="d-flex justify-content-between gap-2 border-bottom py-1" id="answer-{key}" '
                    f'data-answer="{key}">\n        <span>{escape(str(fact.label))}：<strong>{escape(str(value))}</strong>'
                    f'{unit}</span>\n        <a class="d-print-none text-nowrap" href="{escape(_answer_link(fact.key))}">'
                    f'{escape(change)}</a>\n      </li>')
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped


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
