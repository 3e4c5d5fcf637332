"""Incentive rules and their verdicts: availability on a date, evaluation with reasons, the facts to ask next."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Iterable, Mapping, Sequence

from ..describe import describe_requirement
from ..text import clause_label
from ..model import ALWAYS, AllOf, AmountRule, Compare, Condition, FactType, NoAmount
from ..parse import parse_amount, parse_condition
from .amounts import AmountResult, _compile_amount, _finish, _show
from .conditions import UNDEFINED, Facts, Specs, _compile_missing, _ranked, _walk, leaf_values


class Status(StrEnum):
    """What a person is told about an incentive."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"


OPEN, DRAFT, EXPIRED, NOT_YET, OUTSIDE_WINDOW = "open", "draft", "expired", "not_yet", "outside_window"

# The amount of another city's rule whose amount depends on facts, on the fast path: not computed (the rule cannot
# apply, and nothing shows or adds the amount of a rule that is not eligible).
_NOT_COMPUTED = AmountResult(None)

_STATUS = {True: Status.ELIGIBLE, False: Status.NOT_ELIGIBLE, None: Status.UNKNOWN}
_NOT_ELIGIBLE = Status.NOT_ELIGIBLE     # enum attribute look-ups are slow on 3.11


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


def clause_citation(rule: IncentiveRule, number: str | None = None) -> str:
    """江门市·第9条; a number written like （三）, 三（二） or 序言 is cited as written."""
    return f"{rule.region_name}·{clause_label(number or rule.clause_number)}"


class _CompiledRule:
    """What evaluating a rule needs, worked out once per rule."""

    __slots__ = ("decide", "amount", "region", "full", "constant_amount", "last", "elsewhere")

    def __init__(self, rule: IncentiveRule):
        self.decide = _compile_missing(rule.eligibility)
        self.amount = _compile_amount(rule.amount)
        self.region = Compare(fact="city", op="eq", value=rule.region, label="企业注册地")
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


def _answer(value: object, key: str, specs: Specs) -> str:
    if value is UNDEFINED:
        return "无法计算（上期为0）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (Decimal, int)):
        return _show(Decimal(value), specs, key)
    spec = specs.get(key)
    if spec is not None and spec.type == FactType.CHOICE:
        return spec.choice_label(value)
    return str(value)


def _leaf_reason(cite: str, leaf: Compare, verdict: bool | None, facts: Facts, specs: Specs) -> str:
    """The condition, the enterprise's answer and whether it satisfies it:
    是否已享受省级技改政策：您的回答 是；条文要求 否 ✗."""
    subject, required = describe_requirement(leaf, specs)
    if leaf.other or leaf.computed:
        value, operand, missing = leaf_values(leaf, facts)
        if missing:
            labels = "、".join(specs[key].label if key in specs and specs[key].label else key for key in missing)
            return f"{cite}：{subject}：尚未回答（需填写：{labels}；条文要求 {required}）"
        said = ("按您的回答计算为" if leaf.fact in dict(leaf.computed) else "您的回答 ") + _answer(value, leaf.fact, specs)
        if leaf.other:
            said += f"，{specs[leaf.other].label if leaf.other in specs else leaf.other}为{_answer(operand, leaf.other, specs)}"
        return f"{cite}：{subject}：{said}；条文要求 {required} {'✓' if verdict else '✗'}"
    if verdict is None:
        return f"{cite}：{subject}：尚未回答（条文要求 {required}）"
    return f"{cite}：{subject}：您的回答 {_answer(facts.get(leaf.fact), leaf.fact, specs)}；条文要求 {required} {'✓' if verdict else '✗'}"


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
            where = (f"{rule.region_name}·适用地域" if leaf is compiled.region
                     else clause_citation(rule, leaf.clause) if leaf.clause else cite)
            lines.append(_leaf_reason(where, leaf, leaf_verdict, facts, specs))
        reasons = tuple(lines)
    else:
        if ignore_region:
            region = True
        else:
            city = facts.get("city")
            region = None if city is None else city == rule.region
        if region is False:
            # Another city's rule: not eligible whatever the facts, so neither its conditions nor its amount are
            # worked out; the result is the same for every enterprise, and shared (immutable) per date.
            shared = compiled.elsewhere
            if shared is None or shared[0] != on:
                constant = compiled.constant_amount
                shared = compiled.elsewhere = (on, _new_result(rule.key, _NOT_ELIGIBLE, _NOT_ELIGIBLE, state, (), (),
                                                              _NOT_COMPUTED if constant is None else constant[False]))
            return shared[1]
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


class RuleIndex:
    """Rules grouped by region, so one enterprise's evaluation visits its own region's rules and no other.

    `rules_for(facts)` is every rule an enterprise of that city can qualify for, in the order given; an enterprise
    whose city is not known yet gets every rule (each is then unknown at best). Building the index costs one pass
    over the rules; the index is immutable and may be kept as long as its rules are.
    """

    __slots__ = ("rules", "by_region")

    def __init__(self, rules: Iterable[IncentiveRule]):
        self.rules: tuple[IncentiveRule, ...] = tuple(rules)
        by_region: dict[str, list[IncentiveRule]] = {}
        for rule in self.rules:
            by_region.setdefault(rule.region, []).append(rule)
        self.by_region: dict[str, tuple[IncentiveRule, ...]] = {key: tuple(found) for key, found in by_region.items()}

    def __len__(self) -> int:
        return len(self.rules)

    def regions(self) -> list[str]:
        return list(self.by_region)

    def rules_for(self, facts: Facts) -> tuple[IncentiveRule, ...]:
        city = facts.get("city")
        if city is None:
            return self.rules
        return self.by_region.get(city, ())

    def evaluate(self, facts: Facts, *, on: date, specs: Specs, explain: bool = False) -> list[Result]:
        """The results of the enterprise's own region's rules only (other cities' rules are not visited)."""
        return [_evaluate(rule, facts, on, specs, False, explain) for rule in self.rules_for(facts)]


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
