"""What a visitor asks the policy library for: the search words and filters of a request, read leniently.

A bookmark or a hand-edited address must never fail: an unknown choice is ignored, an over-long query is
shortened (the page says to how many characters), a bad amount bound is left out with a message in Chinese.
The normalised request (`LibraryQuery`) is what the list is worked out from, what the page's links carry and
what the kept copy of the rendered list is keyed by.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy as _

from .models import Incentive
from .rules.model import Cases, Fixed
from .widgets import Select

MAX_QUERY = 50         # characters of a search
MAX_WORDS = 8          # words of a search that are looked for; the rest are dropped
AMOUNT_LIMIT = Decimal("1000000")   # 万元 (100亿元): no incentive offers more
# caps that bound what one enterprise can receive (a cap per person does not)
ENTERPRISE_CAPS = {"award", "project", "enterprise", "year", "enterprise_year"}

_SPACE = re.compile(r"\s+")   # includes the ideographic space U+3000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")   # never typed; PostgreSQL refuses NUL


def search_words(q: str) -> list[str]:
    """The distinct words of a search, in order: separated by any white space, full-width included."""
    words: list[str] = []
    for word in _SPACE.split(q.strip()):
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


_STOPS = "。；;！？!?\n"


def excerpt(text: str, words: list[str], before: int = 40, after: int = 60) -> SafeString:
    """The sentence of a clause in which the first of the words is found (at most `before` characters before
    it and `after` after it, never cut inside a sentence's start), the words marked."""
    folded = text.casefold()
    starts = [folded.find(word.casefold()) for word in words]
    start = min((i for i in starts if i >= 0), default=0)
    cut = max(text.rfind(stop, max(0, start - before), start) for stop in _STOPS)
    begin = cut + 1 if cut >= 0 else max(0, start - before)
    if begin > 0 and cut < 0:   # no sentence starts near: begin after a comma rather than inside a figure
        comma = max(text.rfind(stop, begin, start) for stop in "，,、")
        begin = comma + 1 if comma >= 0 else begin
    stops = [i for i in (text.find(stop, start) for stop in _STOPS) if 0 <= i < start + after]
    end = min(stops) + 1 if stops else min(len(text), start + after)
    passage = _SPACE.sub(" ", text[begin:end]).strip()
    marked = [word for word in words if word.casefold() in passage.casefold()]
    html = _mark(passage, marked)
    return mark_safe(("…" if begin else "") + html + ("…" if end < len(text) else ""))  # noqa: S308 - escaped


def _mark(passage: str, words: list[str]) -> str:
    """The passage, escaped, with every occurrence of the words (case-insensitive) in <mark>."""
    folded = passage.casefold()
    marks = [False] * len(passage)
    if len(folded) == len(passage):
        for word in words:
            needle = word.casefold()
            start = folded.find(needle)
            while start != -1 and needle:
                marks[start:start + len(needle)] = [True] * len(needle)
                start = folded.find(needle, start + len(needle))
    html, inside = [], False
    for char, marked in zip(passage, marks):
        if marked != inside:
            html.append("<mark>" if marked else "</mark>")
            inside = marked
        html.append(escape(char))
    if inside:
        html.append("</mark>")
    return "".join(html)


def maximum_amount(rule) -> Decimal | None:
    """The most an enterprise can receive under an amount rule, in 万元, where the text gives a figure.

    A fixed sum is its own maximum; otherwise the widest cap that bounds the enterprise's award; for cases,
    the largest case, if every case has one. A rate or per-unit amount without a cap has none.
    """
    caps = [cap.value.value for cap in rule.mods.caps if cap.value.is_money and not cap.value.per
            and cap.per in ENTERPRISE_CAPS]
    if isinstance(rule, Fixed) and rule.value.is_money and not rule.value.per:
        return min([rule.value.value, *caps])
    if caps:
        return max(caps)
    if isinstance(rule, Cases):
        maxima = [maximum_amount(case.amount) for case in rule.cases]
        if maxima and all(value is not None for value in maxima):
            return max(maxima)
    return None


def _amount(raw: str) -> Decimal | None:
    """A bound as typed: "50", "50万", "50万元", "１,000" (full-width and thousands separators allowed)."""
    text = raw.strip().translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,")).replace(",", "")
    text = re.sub(r"\s*万元?$", "", text)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite() or value < 0 or value > AMOUNT_LIMIT:
        raise ValueError
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


@dataclass(frozen=True)
class LibraryQuery:
    """A request of the library, normalised: equal requests are equal objects (and keep one rendered list)."""

    q: str = ""
    region: str = ""
    status: str = ""
    kind: str = ""
    department: str = ""
    topic: str = ""
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    open: bool = False
    page: str = ""
    shortened: bool = False                       # the search was cut to MAX_QUERY characters
    errors: tuple[str, ...] = field(default=())   # what was left out, and why

    @property
    def words(self) -> list[str]:
        return search_words(self.q)

    @property
    def incentive_filters(self) -> bool:
        return bool(self.kind or self.topic or self.open or self.has_amount)

    @property
    def has_amount(self) -> bool:
        return self.amount_min is not None or self.amount_max is not None

    def filters(self) -> dict:
        """The keyword arguments of selectors.document_list."""
        return {"q": self.q, "region": self.region, "status": self.status, "kind": self.kind,
                "department": self.department, "topic": self.topic, "amount_min": self.amount_min,
                "amount_max": self.amount_max, "open_round": self.open}

    def parameters(self, **changes) -> str:
        """The query string of this request (with `changes`), without empty parameters."""
        values = {"q": self.q, "region": self.region, "status": self.status, "kind": self.kind,
                  "department": self.department, "topic": self.topic,
                  "amount_min": "" if self.amount_min is None else str(self.amount_min),
                  "amount_max": "" if self.amount_max is None else str(self.amount_max),
                  "open": "1" if self.open else "", "page": self.page}
        values.update({name: str(value) for name, value in changes.items()})
        return urlencode([(name, value) for name, value in values.items() if value])

    @property
    def key(self) -> str:
        """What the rendered list depends on of the request, for the key of its kept copy."""
        return self.parameters()


class LibraryForm(forms.Form):
    """The search and filters as the page shows them (only rendered; reading the request is `read_query`)."""

    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("可输入多个词，用空格分开，如：江门 技术改造"),
                                                      "maxlength": MAX_QUERY * 4}))
    region = forms.ChoiceField(label=_("城市"), required=False, widget=Select)
    status = forms.ChoiceField(label=_("文件状态"), required=False, widget=Select)
    topic = forms.ChoiceField(label=_("主题"), required=False, widget=Select)
    kind = forms.ChoiceField(label=_("支持方式"), required=False, widget=Select)
    department = forms.ChoiceField(label=_("部门"), required=False, widget=Select)
    amount_min = forms.CharField(label=_("最高金额不低于（万元）"), required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": _("如：100")}))
    amount_max = forms.CharField(label=_("最高金额不高于（万元）"), required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": _("如：1000")}))
    open = forms.BooleanField(label=_("有正在受理的批次"), required=False)

    def __init__(self, query: LibraryQuery, *, options: dict[str, list[tuple[str, str]]]):
        initial = {"q": query.q, "region": query.region, "status": query.status, "topic": query.topic,
                   "kind": query.kind, "department": query.department, "open": query.open,
                   "amount_min": "" if query.amount_min is None else query.amount_min,
                   "amount_max": "" if query.amount_max is None else query.amount_max}
        super().__init__(initial=initial)
        everything = [("", _("全部"))]
        self.fields["region"].choices = everything + options["regions"]
        self.fields["status"].choices = everything + options["statuses"]
        self.fields["topic"].choices = everything + options["topics"]
        self.fields["kind"].choices = everything + options["kinds"]
        self.fields["department"].choices = everything + options["departments"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "library-filter"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("q", css_class="col-md-6"), Column("region", css_class="col-6 col-md-3"),
                Column("status", css_class="col-6 col-md-3")),
            Row(Column("topic", css_class="col-6 col-md-3"), Column("kind", css_class="col-6 col-md-3"),
                Column("department", css_class="col-md-6")),
            Row(Column("amount_min", css_class="col-6 col-md-3"), Column("amount_max", css_class="col-6 col-md-3"),
                Column("open", css_class="col-md-3 d-flex align-items-center pt-md-3")),
            Submit("", _("筛选"), css_class="btn-primary"),
        )


def read_query(data, *, options: dict[str, list[tuple[str, str]]]) -> LibraryQuery:
    """The request's parameters as a LibraryQuery; whatever cannot be used is dropped, never an error page."""
    def single(name: str) -> str:
        value = data.get(name, "")
        return _CONTROL.sub("", value).strip() if isinstance(value, str) else ""

    def choice(name: str, choices: list[tuple[str, str]]) -> str:
        value = single(name)
        return value if value and value in {key for key, _ in choices} else ""

    errors: list[str] = []
    q = _SPACE.sub(" ", single("q")).strip()
    shortened = len(q) > MAX_QUERY
    if shortened:
        q = q[:MAX_QUERY].strip()
    bounds: dict[str, Decimal | None] = {}
    for name, label in (("amount_min", gettext("最高金额下限")), ("amount_max", gettext("最高金额上限"))):
        try:
            bounds[name] = _amount(single(name))
        except ValueError:
            bounds[name] = None
            errors.append(gettext("%(label)s应为 0 到 %(limit)s 之间的数字（单位：万元），已忽略。")
                          % {"label": label, "limit": f"{AMOUNT_LIMIT:,}"})
    low, high = bounds["amount_min"], bounds["amount_max"]
    if low is not None and high is not None and low > high:
        errors.append(gettext("最高金额下限大于上限，已将两者互换。"))
        low, high = high, low
    page = single("page")
    return LibraryQuery(
        q=q, region=choice("region", options["regions"]), status=choice("status", options["statuses"]),
        kind=choice("kind", options["kinds"]), department=choice("department", options["departments"]),
        topic=choice("topic", options["topics"]), amount_min=low, amount_max=high,
        open=single("open").lower() in {"1", "on", "true", "yes"},
        page=page if page.isdigit() and len(page) <= 6 else "",
        shortened=shortened, errors=tuple(errors),
    )
