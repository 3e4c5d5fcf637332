"""The GB 32100-2015 credit code: real-format codes pass, each kind of mistake is named (no database)."""
from __future__ import annotations

import pytest

from applications.credit_code import ALPHABET, CreditCodeError, check_character, is_valid, validate

REAL_FORMAT = ["91440300708461136T", "914403001922038216", "911100001000079554", "91440700MA52DEMQ04"]


@pytest.mark.parametrize("code", REAL_FORMAT)
def test_real_format_codes_are_valid(code):
    assert validate(code) == code
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("typed, expected", [
    ("91440300708461136t", "91440300708461136T"),
    ("9144 0300 7084 6113 6T", "91440300708461136T"),
    ("914403-0070846-1136T", "91440300708461136T"),
    ("  911100001000079554 ", "911100001000079554"),
])
def test_lower_case_spaces_and_dashes_are_accepted_and_normalised(typed, expected):
    assert validate(typed) == expected


@pytest.mark.parametrize("code", REAL_FORMAT)
def test_every_other_check_character_is_refused_as_a_check_error(code):
    for wrong in ALPHABET:
        if wrong == code[17]:
            continue
        with pytest.raises(CreditCodeError) as error:
            validate(code[:17] + wrong)
        assert error.value.code == "check"


def test_a_mistyped_character_in_the_body_is_caught_by_the_check_character():
    code = "91440300708461136T"
    mistyped = code[:10] + "9" + code[11:]  # 7 → 9 in the organisation code
    with pytest.raises(CreditCodeError) as error:
        validate(mistyped)
    assert error.value.code == "check"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_the_letters_the_standard_leaves_out_are_refused_by_name(letter):
    code = "91440300708461136" + letter
    with pytest.raises(CreditCodeError) as error:
        validate(code)
    assert error.value.code == "alphabet"
    assert letter in error.value.message


def test_chinese_characters_are_refused_as_alphabet():
    with pytest.raises(CreditCodeError) as error:
        validate("91440300708461136测")
    assert error.value.code == "alphabet"


@pytest.mark.parametrize("code, length", [("9144030070846113", 16), ("91440300708461136TX", 19), ("", 0)])
def test_wrong_lengths_say_how_many_characters_were_typed(code, length):
    with pytest.raises(CreditCodeError) as error:
        validate(code)
    assert error.value.code == "length"
    assert f"{length}位" in error.value.message


def test_the_region_code_must_be_digits():
    first17 = "9144A300708461136"
    with pytest.raises(CreditCodeError) as error:
        validate(first17 + check_character(first17))
    assert error.value.code == "region"


def test_is_valid_says_yes_or_no():
    assert is_valid("91440300708461136T")
    assert not is_valid("91440300708461136A")
