"""Amounts in 万元 with Decimal arithmetic and the steps that explain them; upper bounds where facts are missing."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Callable

from ..describe import CAP_SCOPES, describe_condition, noun
from ..figures import format_money
from ..model import AmountRule, Cases, CostShare, FactType, Fixed, Modifiers, NoAmount, PerUnit, Rate
from .conditions import UNDEFINED, Facts, FactValueError, Specs, _ranked, _walk, compile_condition, compute

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


_PROJECT_SCOPES = frozenset({"project", "award"})   # an unscoped cap binds each amount computed


def _bounds(mods: Modifiers, scopes: frozenset[str] | None = None, floor: bool = True
            ) -> Callable[[Decimal, list | None], Decimal]:
    """Apply 不低于 then the caps of the given scopes (all caps when None: one project, so the smallest wins),
    saying which one bound it."""
    floor = mods.floor if floor else None
    caps = [c for c in mods.caps if scopes is None or c.per in scopes]
    cap = min(caps, key=lambda c: c.value.value) if caps else None
    ceiling = cap.value.value if cap is not None else None

    def bound(value: Decimal, steps: list | None) -> Decimal:
        if floor is not None and value < floor.value:
            if steps is not None:
                steps.append(f"按比例计算为{_wan(value)}，低于条文规定的下限；条文规定不低于{floor.text}，取{_wan(floor.value)}")
            value = floor.value
        if ceiling is not None and value > ceiling:
            value = ceiling
            if steps is not None:
                scope = CAP_SCOPES.get(cap.per, cap.per)
                steps.append(f"不超过{scope}最高{cap.value.text}，取{_wan(value)}" if scope
                             else f"最高{cap.value.text}，取{_wan(value)}")
        return value
    return bound


def _upper_bound(mods: Modifiers) -> Decimal | None:
    return min(cap.value.value for cap in mods.caps) if mods.caps else None


def _unknown_base(base: str, mods: Modifiers, specs: Specs, explain: bool, missing: list | None = None) -> _Partial:
    bound = _upper_bound(mods)
    steps = []
    if explain:
        label = "、".join(_label(specs, key) for key in (missing or [base]))
        steps.append(f"尚未填写“{label}”，最多为封顶金额{_wan(bound)}" if bound is not None
                     else f"尚未填写“{label}”，暂无法计算")
    return bound, True, steps, missing or [base], False


def _base_value(rule, facts: Facts):
    """The base's value (a tuple for several projects) and the inputs still missing."""
    if rule.computed is not None:
        value, missing = compute(rule.computed, facts)
        return (None if value is UNDEFINED else value), missing
    value = facts.get(rule.base)
    return value, ([] if value is not None else [rule.base])


def _by_project(rule, mods: Modifiers, one: Callable, facts: Facts, specs: Specs, explain: bool) -> _Partial:
    """Several projects: per-project caps bind each project, the enterprise's caps bind their sum."""
    values = facts.get(rule.base)
    if values is None:
        return _unknown_base(rule.base, mods, specs, explain)
    if not isinstance(values, (tuple, list)):
        values = (values,)
    each = _bounds(mods, _PROJECT_SCOPES)
    total, steps = _ZERO, []
    for i, raw in enumerate(values, 1):
        project_steps = [] if explain else None
        base = _number(raw, rule.base)
        value = one(base, project_steps, specs)
        if base > 0:
            value = each(value, project_steps)
        if explain:
            steps.append(f"项目{i}：" + "；".join(project_steps))
        total += value
    if explain and len(values) > 1:
        steps.append(f"{len(values)}个项目合计{_wan(total)}")
    rest = frozenset(c.per for c in mods.caps) - _PROJECT_SCOPES
    total = _bounds(mods, rest, floor=False)(total, steps if explain else None) if rest else total
    return total, mods.up_to, steps, [], False


def _schedule(rule: AmountRule, inner: Callable[[Facts, Specs, bool], _Partial]) -> Callable[[Facts, Specs, bool], _Partial]:
    """Add the payment schedule, with each installment's amount, to the steps."""
    plan = rule.mods.installments

    def scheduled(facts, specs, explain):
        value, is_max, steps, missing, none_in_text = inner(facts, specs, explain)
        if explain:
            steps = [*steps, *schedule_lines(plan, value, is_max)]
        return value, is_max, steps, missing, none_in_text
    return scheduled


def schedule_lines(plan, value: Decimal | None, is_max: bool = False) -> list[str]:
    """分期兑付 as lines: each installment's share, when, and amount where the total is known."""
    if not plan.schedule:
        return [f"分期兑付：{plan.quote}"] if plan.quote else []
    if all(step.share is None for step in plan.schedule):
        whens = "、".join(step.when for step in plan.schedule if step.when)
        return [f"分{len(plan.schedule)}期兑付（{plan.quote}）" + (f"：{whens}" if whens else "") + "；每期比例条文未规定"]
    lines = [f"分期兑付（{plan.quote}）："]
    for i, step in enumerate(plan.schedule, 1):
        when = f"（{step.when}）" if step.when else ""
        if step.share is None:
            lines.append(f"第{i}期{when}：条文未规定该期比例")
        elif value is None:
            lines.append(f"第{i}期{when}：{step.share.text}")
        else:
            lines.append(f"第{i}期{when}：{step.share.text}，{'最多' if is_max else ''}{_wan(value * step.share.value / 100)}")
    return lines


def _compile_amount(rule: AmountRule) -> Callable[[Facts, Specs, bool], _Partial]:
    """Turn an amount rule into a function of (facts, specs, explain); figures are read once, here."""
    compiled = _compile_plain(rule)
    return _schedule(rule, compiled) if rule.mods.installments.schedule else compiled


def _compile_plain(rule: AmountRule) -> Callable[[Facts, Specs, bool], _Partial]:
    mods = rule.mods
    bound = _bounds(mods)
    if isinstance(rule, NoAmount):
        if mods.caps:       # "按一定比例再予奖补，每家企业不超过50万元": no rule, but a stated cap
            cap = min(mods.caps, key=lambda c: c.value.value)

            def capped(facts, specs, explain):
                steps = [f"条文未规定计算方法，{CAP_SCOPES.get(cap.per, cap.per)}最高{cap.value.text}"] if explain else []
                return cap.value.value, True, steps, [], False
            return capped

        def none(facts, specs, explain):
            return None, False, (["条文未规定具体金额"] if explain else []), [], True
        return none

    if isinstance(rule, CostShare):
        said = f"{rule.of}由{'和'.join(rule.parties)}按{':'.join(f.text for f in rule.split)}的比例共同承担，" \
               f"{rule.parties[-1]}承担{format(rule.share.quantize(Decimal('0.01')).normalize(), 'f')}%"
        share = rule.share / 100

        def shared(facts, specs, explain):
            if not rule.base:
                return None, False, ([said + "；条文未规定金额，以核定的费用为准"] if explain else []), [], False
            raw = facts.get(rule.base)
            if raw is None:
                return _unknown_base(rule.base, mods, specs, explain)
            base = _number(raw, rule.base)
            value = base * share
            steps = [said, f"{_show(base, specs, rule.base)} × {rule.split[-1].text}/{sum(f.value for f in rule.split)} = {_wan(value)}"] if explain else None
            value = bound(value, steps)
            return value, mods.up_to, steps or [], [], False
        return shared

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

        def one_rate(base: Decimal, steps: list | None, specs: Specs) -> Decimal:
            if base <= 0:
                if steps is not None:
                    steps.append(f"{_label(specs, base_key)}为{_show(base, specs, base_key)}，不大于0，金额为0万元")
                return _ZERO
            value = base * share
            if steps is not None:
                steps.append(f"{rate.text} × {_show(base, specs, base_key)} = {_wan(value)}")
                if mods.floor is not None and value < mods.floor.value and mods.floor.value > base:
                    steps.append(f"注意：条文规定的下限{mods.floor.text}高于{noun(specs.get(base_key), base_key)}"
                                 f"{_show(base, specs, base_key)}本身，请以主管部门核定为准")
            return value

    elif isinstance(rule, PerUnit):
        base_key, per, each = rule.base, rule.per, rule.value

        def one_rate(base: Decimal, steps: list | None, specs: Specs) -> Decimal:
            if base <= 0:
                if steps is not None:
                    steps.append(f"{_label(specs, base_key)}为{_show(base, specs, base_key)}，不大于0，金额为0万元")
                return _ZERO
            if each.per:                    # "2万元/人": every unit counts, fractions too (0.5吨)
                value = base * each.value
                if steps is not None:
                    steps.append(f"{_show(base, specs, base_key)} × {each.text} = {_wan(value)}")
                return value
            units = (base / per.value).to_integral_value(rounding=ROUND_FLOOR)   # only whole units count
            value = units * each.value
            if steps is not None:
                steps.extend([f"{_show(base, specs, base_key)} ÷ {per.text}，按整数计{units}个",
                              f"{units} × {each.text} = {_wan(value)}"])
            return value

    if isinstance(rule, (Rate, PerUnit)):
        def proportional(facts, specs, explain):
            if rule.per_project:
                return _by_project(rule, mods, one_rate, facts, specs, explain)
            raw, missing = _base_value(rule, facts)
            if raw is None:
                return _unknown_base(base_key, mods, specs, explain, missing)
            steps = [] if explain else None
            if isinstance(raw, (tuple, list)):     # several projects answered for a single-project fact
                raw = sum((_number(item, base_key) for item in raw), _ZERO)
            base = _number(raw, base_key)
            value = one_rate(base, steps, specs)
            if base <= 0:
                return _ZERO, False, steps or [], [], False
            value = bound(value, steps)
            return value, mods.up_to, steps or [], [], False
        return proportional

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
