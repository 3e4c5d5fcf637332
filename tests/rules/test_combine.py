"""Combining incentives: the largest total an enterprise can take when some exclude each other."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from incentives.rules.combine import best_total
from incentives.rules.evaluate import AmountResult, IncentiveRule, Result, Status, evaluate_all
from incentives.rules.model import FactSpec, FactType
from incentives.rules.parse import parse_amount, parse_condition


def make_rule(key: str, excludes=(), **fields) -> IncentiveRule:
    return IncentiveRule(key=key, name=key, document_key="doc", document_title="文件", region="jiangmen",
                         region_name="江门市", clause_number="9", excludes=frozenset(excludes), **fields)


def make_result(key: str, value, status=Status.ELIGIBLE, is_maximum=False) -> Result:
    amount = AmountResult(None if value is None else Decimal(value), is_maximum)
    return Result(key, status, status, "open", (), (), amount)


def combine(values: dict[str, object], exclusions: dict[str, tuple[str, ...]] = {}, **statuses):
    rules = {key: make_rule(key, exclusions.get(key, ())) for key in values}
    results = [make_result(key, value, statuses.get(key, Status.ELIGIBLE)) for key, value in values.items()]
    return best_total(results, rules)


SPECS = {spec.key: spec for spec in [
    FactSpec("city", FactType.CHOICE, choices=("jiangmen",), choice_labels=(("jiangmen", "江门市"),)),
    FactSpec("is_manufacturing", FactType.BOOL, label="是否为制造业企业"),
    FactSpec("received_provincial", FactType.BOOL, label="是否已享受省级技改政策"),
    FactSpec("project_equipment_investment", FactType.MONEY, "万元", label="项目新设备购置额"),
]}


def jiangmen_rules():
    def rate(percent, cap):
        return parse_amount({"type": "rate", "base": "project_equipment_investment", "rate": percent, "up_to": True,
                             "caps": [{"value": cap}], "quote": "…"}, SPECS)
    provincial = make_rule("jm/tech-renovation-provincial", ["jm/tech-renovation-municipal"],
                           eligibility=parse_condition({"fact": "is_manufacturing", "eq": True}, SPECS, "e"),
                           amount=rate("20%", "5000万元"))
    # the municipal rule does not list the provincial one: exclusion counts from either side
    municipal = make_rule("jm/tech-renovation-municipal",
                          eligibility=parse_condition({"fact": "is_manufacturing", "eq": True}, SPECS, "e"),
                          amount=rate("10%", "300万元"))
    return [provincial, municipal]


def test_jiangmen_provincial_and_municipal_cannot_both_be_had_so_the_larger_is_chosen():
    rules = jiangmen_rules()
    facts = {"city": "jiangmen", "is_manufacturing": True, "project_equipment_investment": Decimal(3000)}
    results = evaluate_all(rules, facts, on=date(2024, 6, 1), specs=SPECS, explain=False)
    combination = best_total(results, {rule.key: rule for rule in rules})
    assert combination.selected == ("jm/tech-renovation-provincial",)
    assert combination.total == Decimal(600)
    assert combination.total_is_maximum            # 不超过20%
    assert combination.conflicts == (("jm/tech-renovation-provincial", "jm/tech-renovation-municipal"),)


def test_a_path_of_three_takes_both_ends_when_they_are_worth_more():
    combination = combine({"a": 100, "b": 150, "c": 100}, {"a": ("b",), "b": ("c",)})
    assert (combination.selected, combination.total) == (("a", "c"), Decimal(200))
    assert combination.conflicts == (("a", "b"), ("b", "c"))


def test_a_path_of_three_takes_the_middle_when_it_is_worth_more():
    combination = combine({"a": 100, "b": 250, "c": 100}, {"a": ("b",), "b": ("c",)})
    assert (combination.selected, combination.total) == (("b",), Decimal(250))


def test_three_that_all_exclude_each_other_give_the_largest_and_independent_ones_are_added():
    combination = combine({"a": 100, "b": 300, "c": 200, "d": 50}, {"a": ("b", "c"), "b": ("c",)})
    assert (combination.selected, combination.total) == (("b", "d"), Decimal(350))
    assert len(combination.conflicts) == 3


def test_ties_prefer_fewer_incentives_then_input_order():
    assert combine({"a": 60, "b": 40, "c": 100}, {"c": ("a", "b")}).selected == ("c",)
    assert combine({"a": 100, "b": 100}, {"a": ("b",)}).selected == ("a",)
    assert combine({"b": 100, "a": 100}, {"a": ("b",)}).selected == ("b",)


def test_only_eligible_incentives_with_a_known_amount_count():
    combination = combine({"a": 100, "b": 500, "c": None, "d": 700}, {"a": ("b",), "c": ("a",)},
                          b=Status.UNKNOWN, d=Status.NOT_ELIGIBLE)
    assert combination.selected == ("a",)
    assert combination.conflicts == (("a", "c"),)   # c is eligible; its amount is unknown, the conflict is real


def test_an_upper_bound_makes_the_total_an_upper_bound():
    rules = {key: make_rule(key) for key in "ab"}
    results = [make_result("a", 100), make_result("b", 50, is_maximum=True)]
    combination = best_total(results, rules)
    assert (combination.total, combination.total_is_maximum) == (Decimal(150), True)


def test_nothing_eligible():
    combination = best_total([], {})
    assert (combination.selected, combination.total, combination.total_is_maximum) == ((), Decimal(0), False)


@st.composite
def exclusion_graphs(draw):
    count = draw(st.integers(1, 8))
    keys = [f"k{i}" for i in range(count)]
    values = {key: draw(st.integers(0, 1000)) for key in keys}
    pairs = [pair for pair in itertools.combinations(keys, 2) if draw(st.booleans())]
    exclusions: dict[str, tuple[str, ...]] = {}
    for a, b in pairs:
        side = a if draw(st.booleans()) else b
        exclusions[side] = exclusions.get(side, ()) + (b if side == a else a,)
    return values, exclusions, pairs


@settings(max_examples=200, deadline=None)
@given(exclusion_graphs())
def test_the_choice_is_the_best_of_every_allowed_subset(graph):
    values, exclusions, pairs = graph
    combination = combine(values, exclusions)
    chosen = set(combination.selected)
    assert not any(a in chosen and b in chosen for a, b in pairs)
    assert combination.total == sum(Decimal(values[key]) for key in chosen)
    best = max(sum(values[key] for key in subset)
               for size in range(len(values) + 1) for subset in itertools.combinations(values, size)
               if not any(a in subset and b in subset for a, b in pairs))
    assert combination.total == best
