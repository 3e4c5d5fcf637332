"""Chinese phone numbers: mobiles and landlines are written one way; the rest is refused saying why."""
from __future__ import annotations

import pytest

from applications.phone import PhoneError, validate


@pytest.mark.parametrize("typed, written", [
    ("13812345678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("0086-19912345678", "13812345678".replace("138", "199")),
    ("0750-3123456", "0750-3123456"),
    ("075083123456", "0750-83123456"),
    ("(0750) 3123456", "0750-3123456"),
    ("010-62345678", "010-62345678"),
    ("020 8312 3456 转 801", "020-83123456-801"),
    ("０７５０－３１２３４５６", "0750-3123456"),
    ("400-123-4567", "400-123-4567"),
])
def test_usual_ways_of_writing_a_number_are_accepted(typed, written):
    assert validate(typed) == written


@pytest.mark.parametrize("typed, code", [
    ("12345678901", "mobile"),       # no mobile network starts with 12
    ("1381234567", "mobile"),        # ten digits
    ("138123456789", "mobile"),      # twelve digits
    ("3123456", "format"),           # a landline without its area code
    ("0750-0123456", "format"),      # local numbers do not start with 0
    ("telephone", "format"),
    ("   ", "empty"),
])
def test_unusable_numbers_are_refused_saying_why(typed, code):
    with pytest.raises(PhoneError) as error:
        validate(typed)
    assert error.value.code == code
