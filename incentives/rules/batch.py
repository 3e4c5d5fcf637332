"""The same rules over many enterprises at once: answers as columns (numpy arrays), conditions as array operations.

The questionnaire's engine (evaluate.evaluate) judges one enterprise and explains itself; matching every saved
profile against the catalogue (免申即享) asks the same question of a million enterprises, where a Python call per
comparison is most of the time. Here a condition is compiled once into operations on whole columns:

* a column holds one fact for every enterprise of a batch, typed as `answers.coerce_answer` types it (a value it
  refuses is unanswered), read from the stored text; values that are not plain (full-width digits, thousands
  separators, an exponent…) go through `coerce_answer` itself, one by one;
* a condition gives, for every enterprise, True / False / unknown in Kleene's logic (two boolean arrays);
* numbers are compared as floats. A decimal read into a float is rounded to the nearest one, which keeps every
  comparison between a stored figure and a threshold exact for the figures the questionnaire accepts (at most
  four decimals, below 10¹²); computed facts (differences, sums, growth rates) and very large figures may land
  within rounding distance of a threshold, and those rows are marked *uncertain* and judged again, exactly, by
  the one-enterprise engine (Decimal arithmetic). The property test `tests/rules/test_batch_agrees.py` checks
  that both give the same status and amount for random rules and random enterprises;
* amounts are computed with the one-enterprise engine's compiled amount (Decimal, exact), only for the
  enterprises found eligible: a handful per enterprise.

Nothing here explains: reasons and steps are the one-enterprise engine's job, for the pages that show them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Callable, Mapping, Sequence

import numpy as np

from .answers import AnswerError, coerce_answer
from .model import AllOf, Compare, Condition, FactSpec, FactType, Not
from .evaluate.conditions import _operand
from .evaluate.rules import OPEN, IncentiveRule, Status, _evaluate, availability
from .evaluate.amounts import AmountResult, _finish

Specs = Mapping[str, FactSpec]

# Text the fast readers accept as it is; anything else is read by coerce_answer, one value at a time.
_PLAIN_NUMBERS = re.compile(r"(?:-?[0-9]{1,13}(?:\.[0-9]{1,4})?\n)*")
_PLAIN_DATES = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}\n)*")
_DECIMALS = {FactType.MONEY: 2, FactType.PERCENT: 2, FactType.NUMBER: 4, FactType.INTEGER: 0}
_EXACT_BELOW = 2.0 ** 39          # below this, four decimals never share a float: comparisons stay exact
_UNSEEN = object()
_UNDEFINED = np.nan               # a growth rate over a base of 0 (or less)


@dataclass
class Column:
    """One fact for every row: `known` where answered (and accepted); `values` meaningful only there.

    Numbers are float64, dates datetime64[D], booleans bool, choices int32 codes (index in the fact's choices)."""

    known: np.ndarray
    values: np.ndarray
    exact: np.ndarray | None = None     # numbers: False where a float may not be exact (very large figures)


class Columns:
    """The answers of a batch of enterprises, turned into columns on demand, each fact once.

    `raw(key)` gives the stored values of one fact for every row, in row order: the JSON values or their text
    (None where unanswered). `specs` are the facts' specifications; `today` bounds dates as coerce_answer does.
    """

    def __init__(self, size: int, raw: Callable[[str], Sequence[object]], specs: Specs, today: date):
        self.size, self._read, self.specs, self.today = size, raw, specs, today
        self._columns: dict[str, Column] = {}
        self._raws: dict[str, Sequence[object]] = {}
        self._typed: dict[tuple[str, int], object] = {}

    @classmethod
    def from_answers(cls, answers: Sequence[Mapping[str, object]], specs: Specs, today: date) -> "Columns":
        return cls(len(answers), lambda key: [a.get(key) for a in answers], specs, today)

    def _raw(self, key: str) -> Sequence[object]:
        found = self._raws.get(key)
        if found is None:
            found = self._raws[key] = self._read(key)
        return found

    raw = _raw

    def typed(self, key: str, row: int) -> object:
        """One answer as the one-enterprise engine reads it (for the exact path), typed once per row and fact."""
        found = self._typed.get((key, row), _UNSEEN)
        if found is _UNSEEN:
            value = self._raw(key)[row] if key in self.specs else None
            found = self._typed[key, row] = _coerce(self.specs[key], value, self.today) if value is not None else None
        return found

    def column(self, key: str) -> Column:
        found = self._columns.get(key)
        if found is None:
            found = self._columns[key] = self._build(key)
        return found

    def _build(self, key: str) -> Column:
        spec = self.specs.get(key)
        n = self.size
        if spec is None or spec.compute is not None:        # never answered: coerce_answer refuses it
            return Column(np.zeros(n, bool), np.zeros(n))
        raw = self._raw(key)
        if spec.type == FactType.BOOL:
            return _bools(spec, raw, self.today)
        if spec.type == FactType.CHOICE:
            return _choices(spec, raw, self.today)
        if spec.type == FactType.DATE:
            return _dates(spec, raw, self.today)
        return _numbers(spec, raw, self.today)


def _coerce(spec: FactSpec, value: object, today: date) -> object:
    try:
        return coerce_answer(spec, value, today=today)
    except AnswerError:
        return None


def _bools(spec: FactSpec, raw: Sequence[object], today: date) -> Column:
    # JSON true / false read as text (->>), or unanswered, compared in numpy's loop; anything else (a Python bool,
    # a word) one by one below
    values = np.fromiter(raw, dtype=object, count=len(raw))     # a list among them stays one element
    yes, no, unknown = values == "true", values == "false", np.equal(values, None)
    codes = np.where(yes, 1, np.where(no, 0, np.where(unknown, 2, 3))).astype(np.int8)
    for i in np.flatnonzero(codes == 3):
        value = raw[i]
        typed = value if type(value) is bool else _coerce(spec, value, today)
        codes[i] = 2 if typed is None else 1 if typed else 0
    return Column(codes != 2, codes == 1)


def _choices(spec: FactSpec, raw: Sequence[object], today: date) -> Column:
    index = {choice: i for i, choice in enumerate(spec.choices)}
    get = index.get
    codes = np.fromiter((get(v, -2) if type(v) is str else -1 if v is None else -2 for v in raw), np.int32, len(raw))
    for i in np.flatnonzero(codes == -2):
        typed = _coerce(spec, raw[i], today)
        codes[i] = index[typed] if typed is not None else -1
    return Column(codes >= 0, codes)


def _split_plain(raw: Sequence[object], plain: re.Pattern) -> tuple[np.ndarray, list[int], list[str], bool]:
    """Rows answered, their indices and texts; whether every text is plain (one regular expression over them all)."""
    rows = [i for i, v in enumerate(raw) if v is not None and v != ""]
    texts = [raw[i] for i in rows]
    ok = all(type(t) is str for t in texts) and plain.fullmatch("\n".join(texts) + "\n" if texts else "") is not None
    return np.array(rows, dtype=np.intp), rows, texts, ok


def _numbers(spec: FactSpec, raw: Sequence[object], today: date) -> Column:
    n = len(raw)
    known, values = np.zeros(n, bool), np.zeros(n)
    rows, row_list, texts, plain = _split_plain(raw, _PLAIN_NUMBERS)
    slow: list[int] = []
    if plain and texts:
        parsed = np.array(texts, dtype=np.float64)
        scale = 10.0 ** _DECIMALS.get(spec.type, 4)
        scaled = parsed * scale
        # what coerce_answer refuses, and what needs it to decide (more decimals than allowed, or so it seems)
        whole = np.abs(scaled - np.round(scaled)) < 1e-6
        fine = whole & (parsed <= 1e12) & (np.abs(parsed) < _EXACT_BELOW * 2)
        if spec.type == FactType.PERCENT:
            fine &= parsed >= -100 if spec.growth else (parsed >= -100) & (parsed <= 100)
        else:
            fine &= parsed >= 0
        good = rows[fine]
        known[good] = True
        values[good] = parsed[fine]
        slow = rows[~fine].tolist()
    else:
        slow = row_list
    for i in slow:
        typed = _coerce(spec, raw[i], today)
        if typed is None:
            continue
        if isinstance(typed, tuple):         # several projects: only an amount's base, never compared
            typed = sum(typed, Decimal(0))
        known[i], values[i] = True, float(typed)
    exact = ~(np.abs(values) >= _EXACT_BELOW)
    return Column(known, values, exact)


def _dates(spec: FactSpec, raw: Sequence[object], today: date) -> Column:
    n = len(raw)
    known, values = np.zeros(n, bool), np.zeros(n, dtype="datetime64[D]")
    rows, row_list, texts, plain = _split_plain(raw, _PLAIN_DATES)
    slow = row_list
    if plain and texts:
        try:
            parsed = np.array(texts, dtype="datetime64[D]")
        except ValueError:
            parsed = None
        if parsed is not None:
            fine = parsed <= np.datetime64(today, "D")
            known[rows[fine]] = True
            values[rows[fine]] = parsed[fine]
            slow = []
    for i in slow:
        typed = _coerce(spec, raw[i], today)
        if typed is not None:
            known[i], values[i] = True, np.datetime64(typed, "D")
    return Column(known, values)


# --- conditions as array operations ---------------------------------------------------------------------------

# A verdict over rows: (true, false, uncertain); unknown where neither true nor false. `uncertain` is None when
# every row was decided exactly.
Verdicts = tuple[np.ndarray, np.ndarray, np.ndarray | None]
VectorCondition = Callable[[Columns], Verdicts]

_NUMERIC = {"eq": np.equal, "ne": np.not_equal, "gt": np.greater, "gte": np.greater_equal, "lt": np.less,
            "lte": np.less_equal}


def _or(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    return a if b is None else a | b


def compile_vector(node: Condition, specs: Specs) -> VectorCondition:
    """A condition as a function of a batch's columns, with Kleene's three values; see the module's doc."""
    if isinstance(node, Compare):
        return _vector_compare(node, specs)
    if isinstance(node, Not):
        inner = compile_vector(node.item, specs)

        def negation(columns):
            t, f, u = inner(columns)
            return f, t, u
        return negation
    parts = tuple(compile_vector(item, specs) for item in node.items)
    every = isinstance(node, AllOf)
    if not parts:
        def constant(columns):
            n = columns.size
            return (np.ones(n, bool), np.zeros(n, bool), None) if every else (np.zeros(n, bool), np.ones(n, bool), None)
        return constant
    if len(parts) == 1:
        return parts[0]

    def group(columns):
        t, f, u = parts[0](columns)
        for part in parts[1:]:
            t2, f2, u2 = part(columns)
            if every:
                t, f = t & t2, f | f2
            else:
                t, f = t | t2, f & f2
            u = _or(u, u2)
        return t, f, u
    return group


def _uncertain_everywhere(node: Compare) -> VectorCondition:
    def all_rows(columns):
        n = columns.size
        return np.zeros(n, bool), np.zeros(n, bool), np.ones(n, bool)
    return all_rows


def _vector_compare(node: Compare, specs: Specs) -> VectorCondition:
    if node.other or node.computed:
        return _vector_derived(node, specs)
    spec = specs.get(node.fact)
    if spec is None:
        return _uncertain_everywhere(node)
    key, op, x = node.fact, node.op, _operand(node.value)
    if spec.type == FactType.CHOICE:
        members = x if isinstance(x, tuple) else (x,)
        codes = [spec.choices.index(m) for m in members if m in spec.choices]
        if op in ("in", "not_in", "eq", "ne"):
            inside = op in ("in", "eq")

            def choice(columns):
                c = columns.column(key)
                hit = np.isin(c.values, codes) if len(codes) != 1 else c.values == codes[0]
                return c.known & (hit if inside else ~hit), c.known & (~hit if inside else hit), None
            return choice
        return _uncertain_everywhere(node)
    if spec.type == FactType.BOOL and op in ("eq", "ne") and isinstance(x, bool):
        wanted = x if op == "eq" else not x

        def boolean(columns):
            c = columns.column(key)
            hit = c.values if wanted else ~c.values
            return c.known & hit, c.known & ~hit, None
        return boolean
    if spec.type == FactType.DATE and op in _NUMERIC and isinstance(x, date):
        test, day = _NUMERIC[op], np.datetime64(x, "D")

        def dated(columns):
            c = columns.column(key)
            hit = test(c.values, day)
            return c.known & hit, c.known & ~hit, None
        return dated
    if spec.type in (FactType.MONEY, FactType.PERCENT, FactType.NUMBER, FactType.INTEGER) and op in _NUMERIC \
            and isinstance(x, (Decimal, int)) and not isinstance(x, bool):
        test, figure = _NUMERIC[op], float(x)

        def numeric(columns):
            c = columns.column(key)
            hit = test(c.values, figure)
            unsure = c.known & ~c.exact
            return c.known & hit & ~unsure, c.known & ~hit & ~unsure, unsure if unsure.any() else None
        return numeric
    return _uncertain_everywhere(node)


def _vector_value(key: str, formulas: dict, specs: Specs):
    """A numeric operand over rows: (known, values, magnitude of the inputs) for a fact or a computed fact."""
    formula = formulas.get(key)
    if formula is None:
        def plain(columns):
            c = columns.column(key)
            return c.known, c.values, np.abs(c.values)
        return plain
    inputs = formula.inputs

    def computed(columns):
        cols = [columns.column(k) for k in inputs]
        known = cols[0].known.copy()
        for c in cols[1:]:
            known &= c.known
        if formula.op == "difference":
            a, b = cols[0].values, cols[1].values
            return known, a - b, np.abs(a) + np.abs(b)
        if formula.op == "sum":
            total = cols[0].values.copy()
            size = np.abs(total)
            for c in cols[1:]:
                total = total + c.values
                size = size + np.abs(c.values)
            return known, total, size
        now, before = cols[0].values, cols[1].values
        defined = before > 0
        safe = np.where(defined, before, 1.0)
        growth = np.where(defined, (now - before) / safe * 100, _UNDEFINED)
        return known, growth, np.where(defined, (np.abs(now) + np.abs(before)) / safe * 100, 0.0)
    return computed


def _vector_derived(node: Compare, specs: Specs) -> VectorCondition:
    formulas = dict(node.computed)
    numeric = (FactType.MONEY, FactType.PERCENT, FactType.NUMBER, FactType.INTEGER)
    for key in (node.fact, node.other):
        if key and key not in formulas and (key not in specs or specs[key].type not in numeric):
            return _uncertain_everywhere(node)
    if node.op not in _NUMERIC:
        return _uncertain_everywhere(node)
    test = _NUMERIC[node.op]
    left = _vector_value(node.fact, formulas, specs)
    right = _vector_value(node.other, formulas, specs) if node.other else None
    figure = None if node.other else float(_operand(node.value))

    def derived(columns):
        known, a, size = left(columns)
        if right is not None:
            known_b, b, size_b = right(columns)
            known = known & known_b
            size = size + size_b
        else:
            b = figure
        undefined = np.isnan(a) | (np.isnan(b) if right is not None else False)
        with np.errstate(invalid="ignore"):
            hit = test(a, b) & ~undefined
            close = ~undefined & (np.abs(a - b) <= 1e-9 * (1 + size + np.abs(a)))
        unsure = known & (close | (size >= _EXACT_BELOW))
        decided = known & ~unsure
        return decided & hit, decided & ~hit, unsure if unsure.any() else None
    return derived


# --- rules over a batch ---------------------------------------------------------------------------------------

_RULE_STATUS = np.array([Status.NOT_ELIGIBLE, Status.ELIGIBLE, Status.UNKNOWN], dtype=object)


class BatchRule:
    """A rule compiled for batches: its condition as array operations (the region is the caller's: see match)."""

    __slots__ = ("rule", "condition", "facts", "amount_facts", "constant")

    def __init__(self, rule: IncentiveRule, specs: Specs):
        self.rule = rule
        self.condition = compile_vector(rule.eligibility, specs)
        self.facts = tuple(sorted(rule.eligibility.facts()))
        self.amount_facts = tuple(sorted(rule.amount.facts()))
        constant = rule._compiled.constant_amount
        self.constant = constant[False] if constant is not None else None


def batch_rule(rule: IncentiveRule, specs: Specs) -> BatchRule:
    """The batch form of a rule, compiled once per rule object (rules are kept per document version)."""
    found = rule.__dict__.get("_batch")
    if found is None or found.rule is not rule:
        found = BatchRule(rule, specs)
        rule.__dict__["_batch"] = found    # a frozen dataclass: cached the way cached_property caches
    return found


def _facts_of(columns: Columns, row: int, keys: Sequence[str], city: str) -> dict[str, object]:
    facts: dict[str, object] = {"city": city}
    for key in keys:
        if key in columns.specs and columns.specs[key].compute is None:
            value = columns.typed(key, row)
            if value is not None:
                facts[key] = value
    return facts


def rule_statuses(rule: BatchRule, columns: Columns, *, city: str, on: date, specs: Specs) -> np.ndarray:
    """The verdict of the rule's conditions for every row (all of the rule's region): 1 eligible, 0 not, 2 unknown.

    Rows the arrays could not decide exactly are judged by the one-enterprise engine."""
    t, f, unsure = rule.condition(columns)
    codes = np.where(t, 1, np.where(f, 0, 2)).astype(np.int8)
    if unsure is not None:
        for row in np.flatnonzero(unsure):
            facts = _facts_of(columns, int(row), rule.facts, city)
            status = _evaluate(rule.rule, facts, on, specs, False, False).rule_status
            codes[row] = 1 if status == Status.ELIGIBLE else 0 if status == Status.NOT_ELIGIBLE else 2
    return codes


def amount_for(rule: BatchRule, columns: Columns, row: int, *, city: str, specs: Specs) -> AmountResult:
    """The amount of an eligible row, exactly as the one-enterprise engine computes it (Decimal)."""
    if rule.constant is not None:
        return rule.constant
    facts = _facts_of(columns, row, rule.amount_facts, city)
    return _finish(rule.rule._compiled.amount(facts, specs, False))


SMALL_GROUP = 24     # fewer rows than this: the one-enterprise engine is quicker than array operations


def eligible(rules: Sequence[IncentiveRule], columns: Columns, *, city: str, on: date, specs: Specs
             ) -> list[tuple[int, IncentiveRule, AmountResult]]:
    """Every (row, rule, amount) where the rule is eligible on the date, for rows all of `city`: the match's question.

    The rules should be the city's own (see evaluate.RuleIndex); a rule of another region is eligible for none."""
    found = []
    for rule, rows, amounts in eligible_by_rule(rules, columns, city=city, on=on, specs=specs):
        if isinstance(amounts, AmountResult):
            found += [(row, rule, amounts) for row in rows]
        else:
            found += [(row, rule, amount) for row, amount in zip(rows, amounts)]
    return found


def eligible_by_rule(rules: Sequence[IncentiveRule], columns: Columns, *, city: str, on: date, specs: Specs
                     ) -> list[tuple[IncentiveRule, list[int], AmountResult | list[AmountResult]]]:
    """`eligible` rule by rule: (rule, the rows eligible, their amounts), the amounts one result shared by every row
    where the amount depends on no answer (most rules), else a list in the rows' order. Rules with no row left out."""
    open_rules = [rule for rule in rules if rule.region == city and availability(rule, on) == OPEN]
    found = []
    if columns.size < SMALL_GROUP:
        keys = sorted({key for rule in open_rules for key in rule.eligibility.facts() | rule.amount.facts()})
        by_rule: dict[str, tuple[IncentiveRule, list[int], list[AmountResult]]] = {}
        for row in range(columns.size):
            facts = _facts_of(columns, row, keys, city)
            for rule in open_rules:
                result = _evaluate(rule, facts, on, specs, False, False)
                if result.status == Status.ELIGIBLE:
                    entry = by_rule.setdefault(rule.key, (rule, [], []))
                    entry[1].append(row)
                    entry[2].append(result.amount)
        return list(by_rule.values())
    for rule in open_rules:
        compiled = batch_rule(rule, specs)
        codes = rule_statuses(compiled, columns, city=city, on=on, specs=specs)
        rows = np.flatnonzero(codes == 1).tolist()
        if not rows:
            continue
        if compiled.constant is not None:
            found.append((rule, rows, compiled.constant))
        else:
            found.append((rule, rows, _amounts(compiled, columns, rows, city=city, specs=specs)))
    return found


def _amounts(rule: BatchRule, columns: Columns, rows: list[int], *, city: str, specs: Specs) -> list[AmountResult]:
    """The amounts of these rows, computed once per distinct set of stored answers the amount depends on (an
    unanswered figure, a level chosen from a few: many rows share theirs)."""
    raws = [columns.raw(key) if key in specs else None for key in rule.amount_facts]
    seen: dict[tuple, AmountResult] = {}
    found = []
    for row in rows:
        key = tuple(None if raw is None or raw[row] is None else _hashable(raw[row]) for raw in raws)
        amount = seen.get(key)
        if amount is None:
            amount = seen[key] = amount_for(rule, columns, row, city=city, specs=specs)
        found.append(amount)
    return found


def _hashable(value: object) -> object:
    """A stored answer as a key, its type with it (True and 1 are equal keys, not equal answers); JSON lists and
    objects (a per-project figure) as their text."""
    return (type(value), value if isinstance(value, (str, int, float, bool)) else repr(value))


def statuses(rule: IncentiveRule, columns: Columns, *, city: str, on: date, specs: Specs
             ) -> tuple[list[Status], list[Status]]:
    """(status, rule_status) of every row, as evaluate.evaluate gives them, for rows all of `city`."""
    compiled = batch_rule(rule, specs)
    codes = rule_statuses(compiled, columns, city=city, on=on, specs=specs) if rule.region == city else \
        np.zeros(columns.size, np.int8)
    rule_status = _RULE_STATUS[codes].tolist()
    if availability(rule, on) == OPEN:
        return rule_status, rule_status
    return [Status.NOT_ELIGIBLE] * columns.size, rule_status
