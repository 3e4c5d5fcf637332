"""Say a rule in plain Chinese, using only the figures the rule holds (which come from the clause text)."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Mapping

from .model import (
    AllOf,
    AmountRule,
    AnyOf,
    Cases,
    Compare,
    Condition,
    CostShare,
    FactSpec,
    FactType,
    Fixed,
    Modifiers,
    NoAmount,
    Not,
    PerUnit,
    Rate,
)

SYMBOLS = {"eq": "＝", "ne": "≠", "gt": "＞", "gte": "≥", "lt": "＜", "lte": "≤"}
CAP_SCOPES = {
    "award": "", "project": "单个项目", "enterprise": "单个企业", "year": "每年",
    "enterprise_year": "同一企业同一年度", "person_year": "每人每年",
}


_QUESTION_TAIL = re.compile(r"(?:是多少|有多少件|有多少|多少)?(?:（(?:万元|%|件|人|个)）)?[？?：:]*$")


def _label(spec: FactSpec | None, key: str) -> str:
    return spec.label if spec and spec.label else key


def subject(spec: FactSpec | None, key: str) -> str:
    """A fact's label without the question mark, so that a colon can follow it."""
    return _label(spec, key).rstrip("？?：: ")


def noun(spec: FactSpec | None, key: str) -> str:
    """A numeric fact's label as a noun phrase: "首台（套）产品的单台（套）售价是多少？" → "首台（套）产品的单台（套）售价"."""
    return _QUESTION_TAIL.sub("", _label(spec, key)) or key


def _value(spec: FactSpec | None, value: object, compare: Compare | None = None) -> str:
    if compare is not None and compare.figure is not None:
        return compare.figure.text
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, tuple):
        return "、".join(_value(spec, item) for item in value)
    if spec is not None and spec.type == FactType.CHOICE:
        return spec.choice_label(value)
    return str(value)


def describe_requirement(compare: Compare, facts: Mapping[str, FactSpec]) -> tuple[str, str]:
    """What a condition asks about and what the text requires of it: ("是否为规模以上工业企业", "是")."""
    spec = facts.get(compare.fact)
    numeric = spec is not None and spec.type not in (FactType.BOOL, FactType.CHOICE)
    what = (compare.label.rstrip("？?：: ") if compare.label
            else noun(spec, compare.fact) if numeric else subject(spec, compare.fact))
    if compare.other:
        other = facts.get(compare.other)
        return what, f"{SYMBOLS[compare.op]} {noun(other, compare.other)}"
    value = _value(spec, compare.value, compare)
    if compare.op == "eq":
        return what, value
    if compare.op in ("ne", "not_in"):
        return what, f"不为{value}"
    if compare.op == "in":
        return what, f"{value}之一"
    return what, f"{SYMBOLS[compare.op]} {value}"


def describe_compare(compare: Compare, facts: Mapping[str, FactSpec]) -> str:
    """One condition as a person would say it: 是否为规模以上工业企业：是; 上年度工业总产值 ≥ 1000亿元."""
    if compare.label:
        return compare.label
    what, required = describe_requirement(compare, facts)
    if compare.op in ("eq", "ne", "in", "not_in"):
        return f"{what}：{required}"
    return f"{what} {required}"


def describe_condition(condition: Condition, facts: Mapping[str, FactSpec]) -> list[str]:
    """The condition as a list of lines; nested groups are said as 以下之一 / 不属于."""
    if isinstance(condition, Compare):
        return [describe_compare(condition, facts)]
    if isinstance(condition, AllOf):
        return [line for item in condition.items for line in describe_condition(item, facts)]
    if isinstance(condition, AnyOf):
        parts = ["（" + "；".join(describe_condition(item, facts)) + "）" for item in condition.items]
        return ["满足以下之一：" + " 或 ".join(parts)]
    if isinstance(condition, Not):
        return ["不属于：" + "；".join(describe_condition(condition.item, facts))]
    return []


def _modifiers(mods: Modifiers, said: str = "") -> str:
    """Caps, floor and installments; a cap already said in the amount itself is not said again."""
    parts = []
    for cap in mods.caps:
        part = f"{CAP_SCOPES.get(cap.per, cap.per)}最高{cap.value.text}"
        if cap.value.text not in said:
            parts.append(part)
    if mods.floor is not None:
        parts.append(f"不低于{mods.floor.text}")
    if mods.installments:
        parts.append(describe_installments(mods.installments))
    return "，".join(parts)


def describe_installments(plan) -> str:
    if not plan.schedule:
        quote = plan.quote.rstrip("。；，")
        return quote if "分" in quote and len(quote) <= 8 else f"分期兑付（原文：{quote}）"
    if all(step.share is None for step in plan.schedule):
        whens = "、".join(step.when for step in plan.schedule if step.when)
        return f"分{len(plan.schedule)}期兑付" + (f"（{whens}）" if whens else "") + "，每期比例条文未规定"
    steps = [f"第{i}期{step.share.text}" + (f"（{step.when}）" if step.when else "")
             for i, step in enumerate(plan.schedule, 1)]
    return "分期兑付：" + "，".join(steps)


def describe_amount(rule: AmountRule, facts: Mapping[str, FactSpec]) -> str:
    """How the amount is computed, in one sentence of Chinese."""
    if isinstance(rule, Fixed):
        text = f"{'最高' if rule.mods.up_to else ''}{rule.value.text}"
    elif isinstance(rule, Rate):
        each = "每个项目" if rule.per_project else ""
        base = noun(facts.get(rule.base), rule.base)
        if rule.rate.ratio:
            text = f"{each}{'最高' if rule.mods.up_to else ''}按{base}的{rule.rate.text}比例计算"
        else:
            text = f"{each}按{base}的{'不超过' if rule.mods.up_to else ''}{rule.rate.text}计算"
    elif isinstance(rule, PerUnit):
        base = noun(facts.get(rule.base), rule.base)
        text = (f"按{base}计，每{rule.value.per}{rule.value.text.split('/')[0]}" if rule.value.per
                else f"按{base}计，每{rule.per.text}给予{rule.value.text}")
    elif isinstance(rule, Cases):
        lines = []
        for case in rule.cases:
            when = "；".join(describe_condition(case.when, facts)) or "其他情形"
            lines.append(f"{when}：{describe_amount(case.amount, facts)}")
        text = "分档计算——" + "；".join(lines)
    elif isinstance(rule, CostShare):
        share = format(rule.share.quantize(Decimal("0.01")).normalize(), "f")
        text = f"{rule.of}由{'和'.join(rule.parties)}按{':'.join(f.text for f in rule.split)}的比例共同承担（{rule.parties[-1]}承担{share}%）"
        if not rule.base:
            text += "，条文未规定金额"
    elif isinstance(rule, NoAmount):
        if not rule.mods.caps:
            return "条文未规定具体金额"
        text = "条文未规定计算方法"
    else:  # pragma: no cover - the rule types are closed
        raise TypeError(rule)
    mods = _modifiers(rule.mods, text if isinstance(rule, Fixed) else "")
    return f"{text}，{mods}" if mods else text
