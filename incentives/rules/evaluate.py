"""Decide whether an enterprise qualifies for an incentive, and for how much: three-valued, with reasons citing the clause."""
from __future__ import annotations

import operator
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import Enum, StrEnum
from functools import cached_property
from typing import Callable, Iterable, Mapping, Sequence

from .describe import CAP_SCOPES, describe_compare, describe_condition
from .figures import format_money
from .model import (
    ALWAYS,
    AllOf,
    AmountRule,
    AnyOf,
    Cases,
    Compare,
    Condition,
    FactSpec,
    FactType,
    Fixed,
    Modifiers,
    NoAmount,
    Not,
    PerUnit,
    Rate,
)
from .parse import parse_amount, parse_condition

Facts = Mapping[str, object]
Specs = Mapping[str, FactSpec]


class Verdict(Enum):
    """Kleene's three truth values: a condition on facts not yet answered is UNKNOWN, not false."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


class Status(StrEnum):
    """What a person is told about an incentive."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"


OPEN, DRAFT, EXPIRED, NOT_YET, OUTSIDE_WINDOW = "open", "draft", "expired", "not_yet", "outside_window"

# Internally a verdict is True / False / None: identity tests on singletons keep the hot path cheap.
_VERDICT = {True: Verdict.TRUE, False: Verdict.FALSE, None: Verdict.UNKNOWN}
_STATUS = {True: Status.ELIGIBLE, False: Status.NOT_ELIGIBLE, None: Status.UNKNOWN}
_NOT_ELIGIBLE = Status.NOT_ELIGIBLE     # enum attribute look-ups are slow on 3.11
_CENT = Decimal("0.0001")   # 1 元 in 万元
_ZERO = Decimal(0)


class FactValueError(TypeError):
    """A fact whose value cannot be compared or computed with (a float, or a value of the wrong type)."""


@dataclass(frozen=True)
class AmountResult:
    """An amount in 万元 with the working that led to it."""

    value: Decimal | None                 # 万元
    is_maximum: bool = False              # an upper bound: the text says 最高/不超过, or facts are missing
    steps: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()         # facts needed to compute it exactly
    none_in_text: bool = False            # the clause names no amount


@dataclass(frozen=True)
class IncentiveRule:
    """One incentive as the evaluator needs it; `key` is "document-key/incentive-key"."""

    key: str
    name: str
    document_key: str
    document_title: str
    region: str
    region_name: str
    clause_number: str
    eligibility: Condition = ALWAYS
    amount: AmountRule = field(default_factory=NoAmount)
    excludes: frozenset[str] = frozenset()
    document_status: str = "in_force"
    effective_from: date | None = None
    effective_to: date | None = None
    window_from: date | None = None
    window_to: date | None = None

    @cached_property
    def _compiled(self) -> _CompiledRule:
        # cached_property writes the instance __dict__ directly, so it works on a frozen dataclass
        # and is not part of eq/hash: each rule is compiled once, however often it is evaluated.
        return _CompiledRule(self)


@dataclass(frozen=True)
class Result:
    """The verdict on one incentive for one enterprise on one day."""

    key: str
    status: Status
    rule_status: Status                   # the conditions alone, whatever the date
    availability: str                     # open | draft | expired | not_yet | outside_window
    missing: tuple[str, ...]              # facts that would decide eligibility, most decisive first
    reasons: tuple[str, ...]
    amount: AmountResult


# The hot path builds results without the frozen dataclass __init__, whose per-field __setattr__ guard makes it
# four times slower; at ~200 results per enterprise that is most of the time. Same fields, same values.
_new = object.__new__


def _new_result(key, status, rule_status, availability, missing, reasons, amount) -> Result:
    result = _new(Result)
    d = result.__dict__
    d["key"], d["status"], d["rule_status"], d["availability"] = key, status, rule_status, availability
    d["missing"], d["reasons"], d["amount"] = missing, reasons, amount
    return result


def _new_amount(value, is_maximum, steps, missing, none_in_text) -> AmountResult:
    result = _new(AmountResult)
    d = result.__dict__
    d["value"], d["is_maximum"], d["steps"], d["missing"], d["none_in_text"] = value, is_maximum, steps, missing, none_in_text
    return result


# --- conditions ---------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _operand(value: object) -> object:
    # parse.py keeps date thresholds as ISO strings; choice values are snake_case, so never look like one.
    if isinstance(value, str) and _ISO_DATE.match(value):
        return date.fromisoformat(value)
    if isinstance(value, tuple):
        return tuple(_operand(item) for item in value)
    return value


# The operator module's functions are C calls: cheaper than lambdas in the compiled leaves.
_OPERATORS = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt,
              "lte": operator.le, "in": lambda v, x: v in x, "not_in": lambda v, x: v not in x}


def _compare(op: str, value: object, operand: object, fact: str) -> bool:
    try:
        return _OPERATORS[op](value, operand)
    except TypeError:
        raise FactValueError(f"事实项“{fact}”的值“{value!r}”无法与“{operand!r}”比较") from None


def _leaf_test(node: Compare) -> Callable[[object], bool]:
    """The comparison of a leaf as a one-argument function of the fact's (known) value."""
    x = _operand(node.value)
    if node.op in ("in", "not_in"):
        members, inside = frozenset(x), node.op == "in"
        return lambda v: (v in members) is inside
    test = _OPERATORS[node.op]
    return lambda v: test(v, x)


def _compile_compare(node: Compare) -> Callable[[Facts], bool | None]:
    key, x = node.fact, _operand(node.value)
    if node.op in ("eq", "ne", "gt", "gte", "lt", "lte"):
        test = _OPERATORS[node.op]

        def leaf(facts):
            v = facts.get(key)
            if v is None:
                return None
            try:
                return test(v, x)
            except TypeError:
                raise FactValueError(f"事实项“{key}”的值“{v!r}”无法与“{x!r}”比较") from None
        return leaf
    members, inside = frozenset(x), node.op == "in"

    def member(facts):
        v = facts.get(key)
        return None if v is None else (v in members) is inside
    return member


def _always(facts: Facts) -> bool:
    return True


def compile_condition(node: Condition) -> Callable[[Facts], bool | None]:
    """Turn a condition into a function of the facts giving True, False or None (unknown), short-circuiting."""
    if isinstance(node, Compare):
        return _compile_compare(node)
    if isinstance(node, Not):
        inner = compile_condition(node.item)

        def negation(facts):
            v = inner(facts)
            return None if v is None else not v
        return negation
    parts = tuple(compile_condition(item) for item in node.items)
    if isinstance(node, AllOf):
        if not parts:
            return _always
        if len(parts) == 1:
            return parts[0]

        def every(facts):
            unknown = False
            for part in parts:
                v = part(facts)
                if v is False:
                    return False
                if v is None:
                    unknown = True
            return None if unknown else True
        return every
    if len(parts) == 1:
        return parts[0]

    def some(facts):
        unknown = False
        for part in parts:
            v = part(facts)
            if v is True:
                return True
            if v is None:
                unknown = True
        return None if unknown else False
    return some


def _compile_missing(node: Condition) -> Callable[[Facts, list], bool | None]:
    """Like compile_condition, also appending to `out` the unknown facts that could still change the verdict.

    A node that turns out decided removes what its children appended, so only the deciding unknowns remain.
    """
    if isinstance(node, Compare):
        key, test = node.fact, _leaf_test(node)

        def leaf(facts, out):
            v = facts.get(key)
            if v is None:
                out.append(key)
                return None
            try:
                return test(v)
            except TypeError:
                raise FactValueError(f"事实项“{key}”的值“{v!r}”无法与“{node.value!r}”比较") from None
        return leaf
    if isinstance(node, Not):
        inner = _compile_missing(node.item)

        def negation(facts, out):
            v = inner(facts, out)
            return None if v is None else not v
        return negation
    parts = tuple(_compile_missing(item) for item in node.items)
    decisive = isinstance(node, AnyOf)      # the verdict one member settles: True for any, False for all

    def group(facts, out):
        start, unknown = len(out), False
        for part in parts:
            v = part(facts, out)
            if v is decisive:
                del out[start:]
                return decisive
            if v is None:
                unknown = True
        return None if unknown else not decisive
    return group


def _walk(node: Condition, facts: Facts, leaves: list) -> tuple[bool | None, list[str]]:
    """Evaluate every leaf (for the reasons) and return the verdict with the unknown facts that could still change it.

    The facts list holds one entry per deciding unknown leaf, so a fact asked about twice counts twice.
    """
    if isinstance(node, Compare):
        value = facts.get(node.fact)
        verdict = None if value is None else _compare(node.op, value, _operand(node.value), node.fact)
        leaves.append((node, verdict))
        return verdict, ([node.fact] if verdict is None else [])
    if isinstance(node, Not):
        verdict, missing = _walk(node.item, facts, leaves)
        return (None if verdict is None else not verdict), missing
    children = [_walk(item, facts, leaves) for item in node.items]
    decisive = False if isinstance(node, AllOf) else True
    if any(verdict is decisive for verdict, _ in children):
        return decisive, []     # settled: nothing unknown can change it
    unknown = [fact for verdict, missing in children if verdict is None for fact in missing]
    if any(verdict is None for verdict, _ in children):
        return None, unknown
    return not decisive, []


def evaluate_condition(condition: Condition, facts: Facts) -> tuple[Verdict, list[tuple[Compare, Verdict]]]:
    """Evaluate a condition in Kleene's three-valued logic; also give every comparison with its own verdict."""
    leaves: list = []
    verdict, _ = _walk(condition, facts, leaves)
    return _VERDICT[verdict], [(leaf, _VERDICT[v]) for leaf, v in leaves]


def _ranked(facts: Sequence[str]) -> tuple[str, ...]:
    if len(facts) < 2:
        return tuple(facts)
    counts: dict[str, int] = {}
    for key in facts:
        counts[key] = counts.get(key, 0) + 1
    if len(counts) == len(facts):
        return tuple(counts)
    # sorted() stays stable in reverse, so equal counts keep the order in which the text asks
    return tuple(sorted(counts, key=counts.__getitem__, reverse=True))


def missing_facts(condition: Condition, facts: Facts) -> tuple[str, ...]:
    """The unknown facts that could still change the verdict, those in most undecided comparisons first."""
    return _ranked(_walk(condition, facts, [])[1])


# --- amounts ------------------------------------------------------------------

def _label(specs: Specs, key: str) -> str:
    spec = specs.get(key)
    return spec.label if spec is not None and spec.label else key


def _number(value: object, key: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise FactValueError(f"事实项“{key}”应为 Decimal 或整数（金额以万元计），这里是“{value!r}”")


def _show(value: Decimal, specs: Specs, key: str) -> str:
    spec = specs.get(key)
    if spec is None or spec.type == FactType.MONEY:
        return f"{format_money(value)}万元"
    return f"{format(value.normalize(), 'f')}{spec.unit}"


def _wan(value: Decimal) -> str:
    return f"{format_money(value)}万元"


# A partial result: value (unrounded), is_maximum, steps, missing facts, none_in_text.
_Partial = tuple


def _bounds(mods: Modifiers) -> Callable[[Decimal, list | None], Decimal]:
    """Apply 不低于 then the caps (all bind one project at once, so the smallest wins), saying which one bound it."""
    floor = mods.floor
    cap = min(mods.caps, key=lambda c: c.value.value) if mods.caps else None
    ceiling = cap.value.value if cap is not None else None

    def bound(value: Decimal, steps: list | None) -> Decimal:
        if floor is not None and value < floor.value:
            value = floor.value
            if steps is not None:
                steps.append(f"不低于{floor.text}，取{_wan(value)}")
        if ceiling is not None and value > ceiling:
            value = ceiling
            if steps is not None:
                steps.append(f"不超过{CAP_SCOPES.get(cap.per, cap.per)}最高{cap.value.text}，取{_wan(value)}")
        return value
    return bound


def _upper_bound(mods: Modifiers) -> Decimal | None:
    return min(cap.value.value for cap in mods.caps) if mods.caps else None


def _unknown_base(base: str, mods: Modifiers, specs: Specs, explain: bool) -> _Partial:
    bound = _upper_bound(mods)
    steps = []
    if explain:
        label = _label(specs, base)
        steps.append(f"尚未填写“{label}”，最多为封顶金额{_wan(bound)}" if bound is not None
                     else f"尚未填写“{label}”，暂无法计算")
    return bound, True, steps, [base], False


def _compile_amount(rule: AmountRule) -> Callable[[Facts, Specs, bool], _Partial]:
    """Turn an amount rule into a function of (facts, specs, explain); figures are read once, here."""
    mods = rule.mods
    bound = _bounds(mods)
    if isinstance(rule, NoAmount):
        def none(facts, specs, explain):
            return None, False, (["条文未规定具体金额"] if explain else []), [], True
        return none

    if isinstance(rule, Fixed):
        fixed = rule.value

        def constant(facts, specs, explain):
            steps = [f"{'最高' if mods.up_to else '定额'}{fixed.text}"] if explain else None
            value = bound(fixed.value, steps)
            return value, mods.up_to, steps or [], [], False
        return constant

    if isinstance(rule, Rate):
        base_key, rate = rule.base, rule.rate
        share = rate.value / 100

        def proportional(facts, specs, explain):
            raw = facts.get(base_key)
            if raw is None:
                return _unknown_base(base_key, mods, specs, explain)
            base = _number(raw, base_key)
            if base <= 0:
                steps = [f"{_label(specs, base_key)}为{_show(base, specs, base_key)}，不大于0，金额为0万元"] if explain else []
                return _ZERO, False, steps, [], False
            value = base * share
            steps = [f"{rate.text} × {_show(base, specs, base_key)} = {_wan(value)}"] if explain else None
            value = bound(value, steps)
            return value, mods.up_to, steps or [], [], False
        return proportional

    if isinstance(rule, PerUnit):
        base_key, per, each = rule.base, rule.per, rule.value

        def per_unit(facts, specs, explain):
            raw = facts.get(base_key)
            if raw is None:
                return _unknown_base(base_key, mods, specs, explain)
            base = _number(raw, base_key)
            if base <= 0:
                steps = [f"{_label(specs, base_key)}为{_show(base, specs, base_key)}，不大于0，金额为0万元"] if explain else []
                return _ZERO, False, steps, [], False
            units = (base / per.value).to_integral_value(rounding=ROUND_FLOOR)   # only whole units count
            value = units * each.value
            steps = ([f"{_show(base, specs, base_key)} ÷ {per.text}，按整数计{units}个",
                      f"{units} × {each.text} = {_wan(value)}"] if explain else None)
            value = bound(value, steps)
            return value, mods.up_to, steps or [], [], False
        return per_unit

    if isinstance(rule, Cases):
        cases = tuple((case.when, compile_condition(case.when), _compile_amount(case.amount)) for case in rule.cases)

        def tiered(facts, specs, explain):
            possible, unknown = [], []
            for when, test, amount in cases:
                verdict = test(facts)
                if verdict is True:
                    possible.append((when, amount))
                    break
                if verdict is None:
                    possible.append((when, amount))
                    unknown.extend(_walk(when, facts, [])[1])
            else:
                if not unknown:
                    return None, False, (["不符合任何一档的条件"] if explain else []), [], False
                # no case holds yet, but some still may; "none applies" stays possible too
            if not unknown:
                when, amount = possible[0]
                value, is_max, steps, missing, none_in_text = amount(facts, specs, explain)
                if explain:
                    said = "；".join(describe_condition(when, specs))
                    steps = [f"适用：{said}" if said else "适用：其他情形", *steps]
                if value is not None:
                    value = bound(value, steps if explain else None)
                return value, is_max or mods.up_to, steps, missing, none_in_text
            # Not settled: the most any still-possible case could give is an upper bound.
            outcomes = [amount(facts, specs, False) for _, amount in possible]
            missing = list(_ranked(unknown)) + [key for outcome in outcomes for key in outcome[3]]
            steps = []
            if any(outcome[0] is None for outcome in outcomes):
                if explain:
                    steps.append(f"尚不能确定适用哪一档（需填写：{'、'.join(_label(specs, k) for k in _ranked(unknown))}）")
                return None, True, steps, missing, False
            value = max(outcome[0] for outcome in outcomes)
            if explain:
                steps.append(f"尚不能确定适用哪一档（需填写：{'、'.join(_label(specs, k) for k in _ranked(unknown))}），"
                             f"最多为{_wan(value)}")
            value = bound(value, steps if explain else None)
            return value, True, steps, missing, False
        return tiered

    raise TypeError(f"unknown amount rule {rule!r}")  # pragma: no cover - the rule types are closed


def _finish(partial: _Partial) -> AmountResult:
    value, is_max, steps, missing, none_in_text = partial
    if value is not None:
        value = value.quantize(_CENT, rounding=ROUND_HALF_UP)   # 1 元, rounded once, at the end
    return _new_amount(value, is_max, tuple(steps), tuple(dict.fromkeys(missing)) if missing else (), none_in_text)


def evaluate_amount(rule: AmountRule, facts: Facts, specs: Specs, *, explain: bool = True) -> AmountResult:
    """Compute an amount in 万元 with Decimal arithmetic, saying how; an upper bound where facts are missing."""
    return _finish(_compile_amount(rule)(facts, specs, explain))


# --- rules --------------------------------------------------------------------

_CLAUSE_NUMBER = re.compile(r"^(\d+|[一二三四五六七八九十百零]+)$")


def clause_citation(rule: IncentiveRule) -> str:
    """江门市·第9条; a number written like （三） is cited as written."""
    number = rule.clause_number
    return f"{rule.region_name}·{f'第{number}条' if _CLAUSE_NUMBER.match(number) else number}"


class _CompiledRule:
    """What evaluating a rule needs, worked out once per rule."""

    __slots__ = ("decide", "amount", "region", "full", "constant_amount", "last", "elsewhere")

    def __init__(self, rule: IncentiveRule):
        self.decide = _compile_missing(rule.eligibility)
        self.amount = _compile_amount(rule.amount)
        self.region = Compare(fact="city", op="eq", value=rule.region, label=f"企业注册地为{rule.region_name}")
        self.full = AllOf((self.region, rule.eligibility))
        # an amount that depends on no fact is the same for everyone: (without, with) its steps
        self.constant_amount: tuple[AmountResult, AmountResult] | None = None if rule.amount.facts() else (
            _finish(self.amount({}, {}, False)), _finish(self.amount({}, {}, True)))
        # A batch evaluates every enterprise on the same day, so the last answer is nearly always the one asked
        # for. Caches are single tuples, replaced whole, so threads sharing a rule never see half of one.
        self.last: tuple[date | None, str] = (None, "")
        # Most rules are of another city; with a fixed amount their brief result is the same for every
        # enterprise, and results are immutable, so one is shared: (date, result).
        self.elsewhere: tuple[date, Result] | None = None


def availability(rule: IncentiveRule, on: date) -> str:
    """Whether the rule can be applied for on the date: open, draft, expired, not_yet or outside_window."""
    if rule.document_status == "draft":
        return DRAFT
    if rule.document_status == "expired" or (rule.effective_to is not None and rule.effective_to < on):
        return EXPIRED
    if rule.effective_from is not None and rule.effective_from > on:
        return NOT_YET
    if (rule.window_from is not None and on < rule.window_from) or (rule.window_to is not None and on > rule.window_to):
        return OUTSIDE_WINDOW
    return OPEN


def _availability_reason(rule: IncentiveRule, state: str) -> str:
    where = f"{rule.region_name}·《{rule.document_title}》"
    if state == DRAFT:
        return f"{where}：该文件为征求意见稿，尚未施行"
    if state == EXPIRED:
        return f"{where}：该文件已于{rule.effective_to.isoformat()}失效" if rule.effective_to else f"{where}：该文件已失效"
    if state == NOT_YET:
        return f"{where}：该文件自{rule.effective_from.isoformat()}起施行，尚未生效"
    start, end = rule.window_from, rule.window_to
    span = (f"{start.isoformat()}至{end.isoformat()}" if start and end
            else f"{start.isoformat()}起" if start else f"截至{end.isoformat()}")
    return f"{clause_citation(rule)}：申报期为{span}，当前不在申报期内"


def _leaf_reason(cite: str, leaf: Compare, verdict: bool | None, facts: Facts, specs: Specs) -> str:
    said = describe_compare(leaf, specs)
    if verdict is None:
        return f"{cite}：{said}：尚未回答"
    value = facts.get(leaf.fact)
    answer = ""
    if not isinstance(value, bool):
        spec = specs.get(leaf.fact)
        if isinstance(value, (Decimal, int)):
            answer = f"（填报：{_show(Decimal(value), specs, leaf.fact)}）"
        elif spec is not None and spec.type == FactType.CHOICE:
            answer = f"（填报：{spec.choice_label(value)}）"
        else:
            answer = f"（填报：{value}）"
    return f"{cite}：{said}{answer} {'✓' if verdict else '✗'}"


def evaluate(rule: IncentiveRule, facts: Facts, *, on: date, specs: Specs, ignore_region: bool = False,
             explain: bool = True) -> Result:
    """Evaluate one rule for one enterprise on a date; explain=False skips the reason and step strings."""
    return _evaluate(rule, facts, on, specs, ignore_region, explain)


def _evaluate(rule: IncentiveRule, facts: Facts, on: date, specs: Specs, ignore_region: bool, explain: bool) -> Result:
    compiled = rule._compiled
    seen_on, state = compiled.last
    if seen_on != on:
        state = availability(rule, on)
        compiled.last = (on, state)
    missing: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    if explain:
        leaves: list = []
        verdict, unknown = _walk(rule.eligibility if ignore_region else compiled.full, facts, leaves)
        missing = _ranked(unknown)
        lines = [] if state == OPEN else [_availability_reason(rule, state)]
        cite = clause_citation(rule)
        for leaf, leaf_verdict in leaves:
            where = f"{rule.region_name}·适用地域" if leaf is compiled.region else cite
            lines.append(_leaf_reason(where, leaf, leaf_verdict, facts, specs))
        reasons = tuple(lines)
    else:
        if ignore_region:
            region = True
        else:
            city = facts.get("city")
            region = None if city is None else city == rule.region
        if region is False:
            constant = compiled.constant_amount
            if constant is not None:
                shared = compiled.elsewhere
                if shared is None or shared[0] != on:
                    shared = compiled.elsewhere = (on, _new_result(rule.key, _NOT_ELIGIBLE, _NOT_ELIGIBLE, state,
                                                                  (), (), constant[False]))
                return shared[1]
            verdict = False
        else:
            unknown = []
            verdict = compiled.decide(facts, unknown)
            if region is None and verdict is not False:
                verdict = None
                unknown.insert(0, "city")
            if verdict is None:
                missing = _ranked(unknown)
    rule_status = _STATUS[verdict]
    constant = compiled.constant_amount
    amount = _finish(compiled.amount(facts, specs, explain)) if constant is None else constant[explain]
    return _new_result(rule.key, rule_status if state == OPEN else _NOT_ELIGIBLE, rule_status, state,
                       missing, reasons, amount)


def evaluate_all(rules: Iterable[IncentiveRule], facts: Facts, *, on: date, specs: Specs, ignore_region: bool = False,
                 explain: bool = True) -> list[Result]:
    """Evaluate every rule for one enterprise, in the order given."""
    return [_evaluate(rule, facts, on, specs, ignore_region, explain) for rule in rules]


def pending_facts(rules: Sequence[IncentiveRule], results: Sequence[Result]) -> list[tuple[str, int]]:
    """The unknown facts that would decide the most undecided incentives, with how many each: ask these first.

    Ties go to the fact that more of the rules mention at all (it is likely to matter again), then to the
    order in which the results name them.
    """
    counts: Counter[str] = Counter()
    for result in results:
        if result.status == Status.UNKNOWN:
            counts.update(result.missing)
    mentions: Counter[str] = Counter()
    for rule in rules:
        mentions.update(rule.eligibility.facts() & counts.keys())
    return sorted(counts.items(), key=lambda item: (-item[1], -mentions[item[0]]))


def _date(value: object) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def build_rule(document: Mapping, incentive: Mapping, specs: Specs) -> IncentiveRule:
    """Make the rule of one incentive of a policy file (as incentives.policy_files reads it), with stable keys."""
    doc_key, region = document["key"], document["region"]
    city = specs.get("city")
    window = incentive.get("window") or {}
    path = f"{doc_key}/{incentive['key']}"
    return IncentiveRule(
        key=path,
        name=incentive["name"],
        document_key=doc_key,
        document_title=document["title"],
        region=region,
        region_name=city.choice_label(region) if city is not None else region,
        clause_number=str(incentive["clause"]),
        eligibility=parse_condition(incentive.get("eligibility"), specs, f"{path}.eligibility"),
        amount=parse_amount(incentive.get("amount"), specs, f"{path}.amount"),
        excludes=frozenset(f"{doc_key}/{key}" for key in incentive.get("excludes") or ()),
        document_status=document.get("status", "in_force"),
        effective_from=_date(document.get("effective_from")),
        effective_to=_date(document.get("effective_to")),
        window_from=_date(window.get("from")),
        window_to=_date(window.get("to")),
    )
