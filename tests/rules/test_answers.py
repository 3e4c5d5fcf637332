"""Answers as a person types them: plain numbers to a sensible precision, normalised; anything else refused in Chinese."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incentives.rules.answers import AnswerError, coerce_answer
from incentives.rules.model import FactSpec, FactType

TODAY = dt.date(2025, 6, 30)


def spec(kind: str) -> FactSpec:
    return FactSpec(key="x", type=FactType(kind), unit="万元" if kind == "money" else "", choices=(),
                    label="项目投资额", choice_labels=())


@pytest.mark.parametrize("raw, expected", [
    ("3000", "3000"), ("3,000.00", "3000"), ("１２３４．５", "1234.5"), ("100.10", "100.1"), (" 12 ", "12"),
    (".5", "0.5"), ("-0", "0"), ("0.01", "0.01"), (5, "5"), (0.25, "0.25"), (Decimal("7.50"), "7.5"),
])
def test_money_is_normalised(raw, expected):
    value = coerce_answer(spec("money"), raw, today=TODAY)
    assert isinstance(value, Decimal)
    assert str(value) == expected


@pytest.mark.parametrize("raw, message", [
    ("1e-999999999", "应为数字"), ("1E3", "应为数字"), ("Infinity", "应为数字"), ("NaN", "应为数字"),
    ("12.345", "最多保留两位小数"), ("0.001", "最多保留两位小数"), (1e-7, "最多保留两位小数"),
    ("1" * 41, "应为数字"), ("一百", "应为数字"), ("-5", "不能为负数"), ("2e12", "应为数字"),
    ("2000000000000", "数值过大"), (10 ** 5000, "应为数字"), (float("nan"), "应为数字"), (True, "应为数字"),
], ids=lambda value: "huge-int" if isinstance(value, int) and value > 10 ** 100 else None)
def test_money_that_no_one_means_is_refused_in_chinese(raw, message):
    with pytest.raises(AnswerError) as caught:
        coerce_answer(spec("money"), raw, today=TODAY)
    assert message in caught.value.message
    assert "项目投资额" in caught.value.message


def test_the_refused_exponent_is_never_shown_back():
    with pytest.raises(AnswerError) as caught:
        coerce_answer(spec("money"), "1e-999999999", today=TODAY)
    assert "E-999999999" not in caught.value.message.upper()


@pytest.mark.parametrize("kind, raw, expected", [
    ("percent", "12.5", "12.5"), ("percent", "-3.25", "-3.25"), ("number", "1.2345", "1.2345"),
    ("integer", "120", "120"), ("integer", "120.0", "120"),
])
def test_other_numbers_keep_their_own_precision(kind, raw, expected):
    assert str(coerce_answer(spec(kind), raw, today=TODAY)) == expected


@pytest.mark.parametrize("kind, raw, message", [
    ("percent", "12.345", "最多保留 2 位小数"), ("number", "1.23456", "最多保留 4 位小数"), ("integer", "1.5", "应为整数"),
])
def test_other_numbers_refuse_absurd_precision(kind, raw, message):
    with pytest.raises(AnswerError) as caught:
        coerce_answer(spec(kind), raw, today=TODAY)
    assert message in caught.value.message
