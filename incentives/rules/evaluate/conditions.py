"""Conditions in Kleene's three-valued logic: compiled for speed, walked for reasons, and the facts still missing."""
from __future__ import annotations

import operator
import re
from datetime import date
from enum import Enum
from typing import Callable, Mapping, Sequence

from ..model import AllOf, AnyOf, Compare, Computed, Condition, FactSpec, Not

Facts = Mapping[str, object]
Specs = Mapping[str, FactSpec]


class Verdict(Enum):
    """Kleene's three truth values: a condition on facts not yet answered is UNKNOWN, not false."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


# Internally a verdict is True / False / None: identity tests on singletons keep the hot path cheap.
_VERDICT = {True: Verdict.TRUE, False: Verdict.FALSE, None: Verdict.UNKNOWN}


class FactValueError(TypeError):
    """A fact whose value cannot be compared or computed with (a float, or a value of the wrong type)."""


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


# A computed value that cannot be worked out from the answers given (a growth rate over a base of 0).
UNDEFINED = type("Undefined", (), {"__repr__": lambda self: "UNDEFINED"})()


def compute(formula: Computed, facts: Facts) -> tuple[object, list[str]]:
    """The value of a computed fact and the inputs still unanswered (value None while any is)."""
    values = [facts.get(key) for key in formula.inputs]
    missing = [key for key, value in zip(formula.inputs, values) if value is None]
    if missing:
        return None, missing
    if formula.op == "difference":
        return values[0] - values[1], []
    if formula.op == "sum":
        return sum(values[1:], values[0]), []
    now, before = values
    if before <= 0:
        return UNDEFINED, []
    return (now - before) / before * 100, []


def leaf_values(node: Compare, facts: Facts) -> tuple[object, object, list[str]]:
    """The fact's value and what it is compared with (a figure, or another fact's value), with missing inputs."""
    formulas = dict(node.computed)
    found, missing = [], []
    for key in (node.fact, node.other):
        if not key:
            found.append(_operand(node.value))
        elif key in formulas:
            value, unknown = compute(formulas[key], facts)
            found.append(value)
            missing.extend(unknown)
        else:
            value = facts.get(key)
            found.append(value)
            if value is None:
                missing.append(key)
    return found[0], found[1], missing


def _derived_test(node: Compare, facts: Facts) -> tuple[bool | None, list[str]]:
    value, operand, missing = leaf_values(node, facts)
    if missing:
        return None, missing
    if value is UNDEFINED or operand is UNDEFINED:
        return False, []
    return _compare(node.op, value, operand, node.fact), []


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
    if node.other or node.computed:
        return lambda facts: _derived_test(node, facts)[0]
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
    if isinstance(node, Compare) and (node.other or node.computed):
        def derived(facts, out):
            verdict, missing = _derived_test(node, facts)
            out.extend(missing)
            return verdict
        return derived
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
    if isinstance(node, Compare) and (node.other or node.computed):
        verdict, missing = _derived_test(node, facts)
        leaves.append((node, verdict))
        return verdict, missing
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
