"""Clause text as a person reads it: the verbatim text keeps the source's page breaks; display joins them."""
from __future__ import annotations

import re

# A blank line inside a sentence ("股\n\n改", "分别给予一\n\n次性"): the previous character ends no sentence and the
# next starts no heading ("一、", "（三）", "2.").
_SPLIT = re.compile(r"(?<=[^。；：！？!?;:\s])[ \t　]*\n[ \t　]*\n\s*(?![一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])(?=\S)")


def join_page_breaks(text: str) -> str:
    """The text with page breaks that split a word or sentence joined; other line breaks kept."""
    return _SPLIT.sub("", text)


_PLAIN_NUMBER = re.compile(r"^(\d+|[一二三四五六七八九十百零]+)$")


def is_plain_number(number: str) -> bool:
    """Whether a clause number is a bare number (9, 十二), cited as 第…条, rather than a label kept as written."""
    return bool(_PLAIN_NUMBER.match(number))


def clause_label(number: str) -> str:
    """第9条 for a bare number; （十）, (十七), 三（二）, 序言 as written."""
    return f"第{number}条" if _PLAIN_NUMBER.match(number) else number
