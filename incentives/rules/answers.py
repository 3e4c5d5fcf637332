"""Check an enterprise's answers against the facts' types and turn them into typed values, with messages in Chinese."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Mapping

from .model import FactSpec, FactType


class AnswerError(ValueError):
    def __init__(self, fact: str, message: str):
        super().__init__(f"{fact}: {message}")
        self.fact = fact
        self.message = message


def coerce_answer(spec: FactSpec, raw: object, *, today: dt.date) -> object:
    """One answer as the engine wants it: bool, str, Decimal or date; None for "unknown". Raises AnswerError."""
    if raw is None or raw == "":
        return None
    label = spec.label or spec.key
    if spec.type == FactType.BOOL:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false", "是", "否", "yes", "no"):
            return raw.lower() in ("true", "是", "yes")
        raise AnswerError(spec.key, f"“{label}”应回答是或否")
    if spec.type == FactType.CHOICE:
        if str(raw) not in spec.choices:
            options = "、".join(spec.choice_label(c) for c in spec.choices)
            raise AnswerError(spec.key, f"“{label}”的回答应为以下之一：{options}")
        return str(raw)
    if spec.type == FactType.DATE:
        try:
            day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
        except ValueError:
            raise AnswerError(spec.key, f"“{label}”应为日期，如 2024-06-30") from None
        if day > today:
            raise AnswerError(spec.key, f"“{label}”不能晚于今天")
        return day
    if isinstance(raw, (list, tuple)) or (spec.per_project and isinstance(raw, str) and any(sep in raw for sep in "；;、")):
        if not spec.per_project:
            raise AnswerError(spec.key, f"“{label}”只能填一个数")
        parts = list(raw) if isinstance(raw, (list, tuple)) else [p for p in re.split(r"[；;、]", raw) if p.strip()]
        if not parts or len(parts) > 50:
            raise AnswerError(spec.key, f"“{label}”每个项目填一个数，用“；”分隔，最多 50 个项目")
        return tuple(coerce_answer(spec, part, today=today) for part in parts)
    value = _number(spec, raw, label)
    if value < 0 and spec.type != FactType.PERCENT:
        raise AnswerError(spec.key, f"“{label}”不能为负数")
    if spec.compute is not None:
        raise AnswerError(spec.key, f"“{label}”由其他回答计算得出，无需填写")
    if spec.type == FactType.PERCENT and spec.growth and value < Decimal(-100):
        raise AnswerError(spec.key, f"“{label}”是增长率，不能低于 -100%（可以超过 100%）")
    if spec.type == FactType.PERCENT and not spec.growth and not Decimal(-100) <= value <= Decimal(100):
        raise AnswerError(spec.key, f"“{label}”应在 -100% 到 100% 之间")
    if value > Decimal("1e12"):
        raise AnswerError(spec.key, f"“{label}”数值过大")
    return value


# How precisely a person answers: money in 万元 to 0.01 (a hundred yuan), percentages to 0.01 %.
DECIMALS = {FactType.MONEY: 2, FactType.PERCENT: 2, FactType.NUMBER: 4, FactType.INTEGER: 0}
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_MAX_CHARS = 40


def _number(spec: FactSpec, raw: object, label: str) -> Decimal:
    """A number as a person writes it (1,234.5 or full-width １２３４．５), normalised: no exponent, no trailing zeros."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise AnswerError(spec.key, f"“{label}”应为数字")
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).replace(",", "").replace(" ", "").strip()
        if len(text) > _MAX_CHARS or not _PLAIN_NUMBER.fullmatch(text):
            raise AnswerError(spec.key, f"“{label}”应为数字，如 1234.5")
        value = Decimal(text)
    else:
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):  # ValueError: an int too long to print
            raise AnswerError(spec.key, f"“{label}”应为数字") from None
        if not value.is_finite():
            raise AnswerError(spec.key, f"“{label}”应为数字")
    if value.is_zero():
        return Decimal(0)
    value = value.normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    decimals = max(0, -value.as_tuple().exponent)
    allowed = DECIMALS.get(spec.type, 4)
    if decimals > allowed:
        if spec.type == FactType.INTEGER:
            raise AnswerError(spec.key, f"“{label}”应为整数")
        if spec.type == FactType.MONEY:
            raise AnswerError(spec.key, f"“{label}”最多保留两位小数（以万元计，精确到 0.01 万元）")
        raise AnswerError(spec.key, f"“{label}”最多保留 {allowed} 位小数")
    return value


def coerce_answers(raw: Mapping[str, object], specs: Mapping[str, FactSpec], *,
                   today: dt.date) -> tuple[dict[str, object], list[AnswerError]]:
    """All answers at once: the typed values, and every problem (an unknown fact key is a problem too)."""
    facts: dict[str, object] = {}
    errors: list[AnswerError] = []
    for key, value in raw.items():
        spec = specs.get(key)
        if spec is None:
            errors.append(AnswerError(key, f"没有名为“{key}”的问题（可用 manage.py facts 查看全部问题）"))
            continue
        try:
            typed = coerce_answer(spec, value, today=today)
        except AnswerError as exc:
            errors.append(exc)
        else:
            if typed is not None:
                facts[key] = typed
    return facts, errors
