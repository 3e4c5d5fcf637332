"""Figures as policy texts write them ("5000万元", "20%", "1:1"), parsed exactly."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MONEY_UNITS = {"元": Decimal("0.0001"), "万元": Decimal(1), "万": Decimal(1), "亿元": Decimal(10000), "亿": Decimal(10000)}
MONEY = "万元"
PERCENT = "%"

_FIGURE = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s].*)?$")
# 千分之五, 百分之20, 千分之1.5: a rate in the text's own words
_WORDED_RATE = re.compile(r"^\s*(?P<scale>千|百)分之(?P<number>\d+(?:\.\d+)?|[零一二三四五六七八九十两]+)\s*$")
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_RATIO = re.compile(r"^\s*(?P<a>\d+(?:\.\d+)?)\s*:\s*(?P<b>\d+(?:\.\d+)?)\s*$")
_SPACE = re.compile(r"\s+")


class FigureError(ValueError):
    """A figure that cannot be read."""


@dataclass(frozen=True)
class Figure:
    """A number with its unit, converted to the portal's unit (万元 for money, % for rates)."""

    text: str          # as written in the fixture
    value: Decimal     # in `unit`
    unit: str          # "万元", "%", "" or the text's own unit ("人", "件" ...)
    ratio: bool = False
    per: str = ""      # a money figure per unit ("2万元/人", "50元/吨"): the unit it is per

    @property
    def is_money(self) -> bool:
        return self.unit == MONEY


def normalize(text: str) -> str:
    """Fold full-width forms and drop all white space, for comparing figures and quotes with clause text."""
    folded = unicodedata.normalize("NFKC", text)
    return _SPACE.sub("", folded)


def _chinese_number(text: str) -> Decimal | None:
    """一 … 九十九 as a number; None for anything else."""
    if text.isdigit() or "." in text:
        return Decimal(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        if len(tens) > 1 or len(units) > 1:
            return None
        high = _CN_DIGITS.get(tens, None) if tens else 1
        low = _CN_DIGITS.get(units, None) if units else 0
        return None if high is None or low is None else Decimal(high * 10 + low)
    if len(text) == 1 and text in _CN_DIGITS:
        return Decimal(_CN_DIGITS[text])
    return None


def parse_figure(raw: object) -> Figure:
    """Read "5000万元", "1.5亿元", "20%", "5‰", "千分之五", "百分之20", "1:1", "2万元/人", "200件" or a bare number."""
    if isinstance(raw, bool) or raw is None:
        raise FigureError(f"“{raw}”不是数字")
    if isinstance(raw, (int, Decimal)):
        return Figure(str(raw), Decimal(raw), "")
    if isinstance(raw, float):
        raise FigureError(f"“{raw}”请写成带单位的字符串，如“{raw}万元”，以免精度丢失")
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    ratio = _RATIO.match(text)
    if ratio:
        a, b = Decimal(ratio["a"]), Decimal(ratio["b"])
        if a == 0:
            raise FigureError(f"比例“{raw}”的前项不能为0")
        return Figure(str(raw), b / a * 100, PERCENT, ratio=True)
    worded = _WORDED_RATE.match(text)
    if worded:
        number = _chinese_number(worded["number"])
        if number is None:
            raise FigureError(f"“{raw}”中的数字无法识别（可写成“千分之五”或“千分之5”）")
        return Figure(str(raw), number / 10 if worded["scale"] == "千" else number, PERCENT)
    match = _FIGURE.match(text)
    if not match:
        raise FigureError(f"“{raw}”不是可识别的数字（应写成“5000万元”“20%”“1:1”这样的形式）")
    try:
        number = Decimal(match["number"])
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise FigureError(f"“{raw}”不是数字") from exc
    unit = (match["unit"] or "").strip()
    if unit in MONEY_UNITS:
        return Figure(str(raw), number * MONEY_UNITS[unit], MONEY)
    if unit == "‰":
        return Figure(str(raw), number / 10, PERCENT)
    money, slash, per = unit.partition("/")
    if slash and money.strip() in MONEY_UNITS:
        per = per.strip()
        if not per or any(char.isdigit() for char in per):
            raise FigureError(f"“{raw}”的计量单位不对：应写成“2万元/人”“50元/吨”这样的形式")
        return Figure(str(raw), number * MONEY_UNITS[money.strip()], MONEY, per=per)
    return Figure(str(raw), number, unit)


def figure_in_text(figure: Figure, text: str) -> bool:
    """Say whether the figure is written in the text, as the text writes it."""
    haystack = normalize(text)
    needle = normalize(figure.text)
    if figure.per:
        # "12万元/人" as written, or as the text says it: "每人12万元", "每人12万元、10万元"
        money = Figure(needle[:-len(figure.per) - 1], figure.value, figure.unit)
        if needle in haystack:
            return True
        return f"每{figure.per}" in haystack and figure_in_text(money, text)
    if figure.ratio:
        return needle in haystack
    if needle in haystack:
        # "10万元" must not match inside "110万元"
        number = re.match(r"\d+(?:\.\d+)?", needle)
        pattern = r"(?<![\d.])" + re.escape(number.group()) + re.escape(needle[number.end():]) if number else re.escape(needle)
        return re.search(pattern, haystack) is not None
    # "5亿元以上" is written "5亿元"; a money figure may also be written "40万" for "40万元"
    if figure.is_money and needle.endswith("元"):
        return figure_in_text(Figure(figure.text[:-1], figure.value, figure.unit), text)
    return False


def format_money(value: Decimal) -> str:
    """Show an amount in 万元 without trailing zeros: 600, 12.5, 0.08."""
    quantized = value.quantize(Decimal("0.0001"))
    text = format(quantized.normalize(), "f")
    return text
