"""Chinese telephone numbers as people type them: mainland mobiles, landlines with area code, 400/800 lines."""
from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# area codes are 010, 02x (3 digits) or 0xxx (4 digits); local numbers 7 or 8 digits; an optional extension
_LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d{2}))-?([2-9]\d{6,7})(?:(?:-|转|ext\.?|x)(\d{1,6}))?$", re.IGNORECASE)
_SERVICE = re.compile(r"^([48]00)-?(\d{3})-?(\d{4})$")


class PhoneError(ValueError):
    """Why a string is not a usable phone number; forms translate by `code` (empty | mobile | format)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def normalise(raw: str) -> str:
    """Without spaces, brackets and the +86 / 0086 country prefix; full-width digits made ASCII."""
    text = raw.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})
    text = re.sub(r"[\s()（）]", "", text).replace("－", "-").replace("—", "-")
    text = re.sub(r"^(?:\+|00)86-?", "", text)
    return text


def validate(raw: str) -> str:
    """Return the number in one written form (13812345678, 0750-3123456, 020-83123456-801, 400-123-4567)."""
    text = normalise(raw)
    if not text:
        raise PhoneError("empty", "请填写联系电话。")
    digits = text.replace("-", "")
    if digits.startswith("1") and digits.isdigit():
        if not _MOBILE.match(digits):
            raise PhoneError("mobile", "手机号码应为以 13–19 开头的11位数字。")
        return digits
    match = _LANDLINE.match(text)
    if match:
        area, number, extension = match.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    match = _SERVICE.match(text)
    if match:
        return "-".join(match.groups())
    raise PhoneError("format", "请填写11位手机号码，或带区号的固定电话（如 0750-3123456）。")
