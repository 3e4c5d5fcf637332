"""Say a rule in plain Chinese, using only the figures the rule holds (which come from the clause text)."""
from __future__ import annotations

from typing import Mapping

from .model import (
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

SYMBOLS = {"eq": "＝", "ne": "≠", "gt": "＞", "gte": "≥", "lt": "＜", "lte": "≤"}
CAP_SCOPES = {
    "project": "单个项目", "enterprise": "单个企业", "year": "每年",
    "enterprise_year": "同一企业同一年度", "person_year": "每人每年",
}


def _label(spec: FactSpec | None, key: str) -> str:
    return spec.label if spec and spec.label else key


def _value(spec: FactSpec | None, value: object, compare: Compare | None = None) -> str:
    if compare is not None and compare.figure is not None:
        return compare.figure.text
    if isinstance(value, bool):
        return "是" if value else "否"
    if spec is not None and spec.type == FactType.CHOICE:
        return spec.choice_label(value)
    if isinstance(value, tuple):
        return "、".join(_value(spec, item) for item in value)
    return str(value)


def describe_compare(compare: Compare, facts: Mapping[str, FactSpec]) -> str:
    """One condition as a person would say it: 是否为规模以上工业企业：是; 上年度工业总产值 ≥ 1000亿元."""
    if compare.label:
        return compare.label
    spec = facts.get(compare.fact)
    label = _label(spec, compare.fact)
    value = _value(spec, compare.value, compare)
    if compare.op == "eq":
        return f"{label}：{value}"
    if compare.op == "ne":
        return f"{label}：不为{value}"
    if compare.op == "in":
        return f"{label}：{value}之一"
    if compare.op == "not_in":
        return f"{label}：不为{value}"
    return f"{label} {SYMBOLS[compare.op]} {value}"


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


def _modifiers(mods: Modifiers) -> str:
    parts = [f"{CAP_SCOPES.get(cap.per, cap.per)}最高{cap.value.text}" for cap in mods.caps]
    if mods.floor is not None:
        parts.append(f"不低于{mods.floor.text}")
    if mods.installments:
        parts.append(f"分期拨付（{mods.installments}）")
    return "，".join(parts)


def describe_amount(rule: AmountRule, facts: Mapping[str, FactSpec]) -> str:
    """How the amount is computed, in one sentence."""
    mods = _modifiers(rule.mods)
    if isinstance(rule, Fixed):
        text = f"{'最高' if rule.mods.up_to else ''}{rule.value.text}"
    elif isinstance(rule, Rate):
        share = f"{rule.rate.text}比例" if rule.rate.ratio else rule.rate.text
        text = f"按{_label(facts.get(rule.base), rule.base)}的{'不超过' if rule.mods.up_to else ''}{share}计算"
    elif isinstance(rule, PerUnit):
        text = f"按{_label(facts.get(rule.base), rule.base)}每{rule.per.text}给予{rule.value.text}"
    elif isinstance(rule, Cases):
        lines = []
        for case in rule.cases:
            when = "；".join(describe_condition(case.when, facts)) or "其他情形"
            lines.append(f"{when} → {describe_amount(case.amount, facts)}")
        text = "分档计算：" + "；".join(lines)
    elif isinstance(rule, NoAmount):
        return "条文未规定具体金额"
    else:  # pragma: no cover - the rule types are closed
        raise TypeError(rule)
    return f"{text}，{mods}" if mods else text
