"""Amounts in 万元 with Decimal arithmetic and the steps that explain them; upper bounds where facts are missing."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Callable

from ..describe import CAP_SCOPES, describe_condition
from ..figures import format_money
from ..model import AmountRule, Cases, FactType, Fixed, Modifiers, NoAmount, PerUnit, Rate
from .conditions import Facts, FactValueError, Specs, _ranked, _walk, compile_condition

_CENT = Decimal("0.0001")   # 1 元 in 万元
_ZERO = Decimal(0)


@dataclass(frozen=True)
class AmountResult:
    """An amount in 万元 with the working that led to it."""

    value: Decimal | None                 # 万元
    is_maximum: bool = False              # an upper bound: the text says 最高/不超过, or facts are missing
    steps: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()         # facts needed to compute it exactly
    none_in_text: bool = False            # the clause names no amount


# Built without the frozen dataclass __init__, as results are (see rules.py): same fields, same values.
_new = object.__new__


def _new_amount(value, is_maximum, steps, missing, none_in_text) -> AmountResult:
    result = _new(AmountResult)
    d = result.__dict__
    d["value"], d["is_maximum"], d["steps"], d["missing"], d["none_in_text"] = value, is_maximum, steps, missing, none_in_text
    return result


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
