"""The unified social credit code (统一社会信用代码) of GB 32100-2015: its alphabet, layout and check character."""
from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


class CreditCodeError(ValueError):
    """Why a string is not a valid credit code; `message` is said to the person who typed it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code          # length | alphabet | region | check: forms translate by this
        self.message = message


def check_character(first17: str) -> str:
    """The 18th character that the first seventeen call for."""
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(raw: str) -> str:
    """Upper-case, without the spaces and dashes people type or paste."""
    return "".join(raw.split()).replace("-", "").upper()


def validate(raw: str) -> str:
    """Return the code, normalised, or raise CreditCodeError saying what is wrong with it."""
    code = normalise(raw)
    if len(code) != LENGTH:
        raise CreditCodeError("length", f"统一社会信用代码应为18位，您输入了{len(code)}位。")
    wrong = sorted({char for char in code if char not in ALPHABET})
    if wrong:
        raise CreditCodeError("alphabet", f"统一社会信用代码不含字符 {'、'.join(wrong)}（不使用 I、O、S、V、Z）。")
    if not code[2:8].isdigit():
        raise CreditCodeError("region", "统一社会信用代码第3至8位是登记管理机关行政区划码，应为数字。")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError("check", "统一社会信用代码校验位不正确，请核对是否有输错的字符。")
    return code


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except CreditCodeError:
        return False
    return True
