"""The shapes of identity, phone and case numbers, their digits and the case number's check
digit (common/numbers.py). Finding them in free text is tested in test_number_finder.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common import idnumber, number_finder, numbers

PHONE = "13807971234"
ID_18 = "360702195003121226"
ID_X = idnumber.make("360731", date(1948, 11, 2), 21)  # ends in X
CASE = "2026092600000001"
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_the_patterns_match_only_the_canonical_forms():
    assert numbers.PHONE.match(PHONE) and not numbers.PHONE.match(PHONE + "\n")
    assert not numbers.PHONE.match("12807971234") and not numbers.PHONE.match("138 0797 1234")
    assert numbers.IDENTITY.match(ID_X) and not numbers.IDENTITY.match(ID_X.lower())
    assert numbers.CASE_NUMBER.match(CASE) and not numbers.CASE_NUMBER.match(CASE[:-1])
    assert numbers.IDENTITY_15.match("360702500312122")


@pytest.mark.parametrize("written, digits", [
    ("三 六 零 七 零 二 幺 九 五 零", "3607021950"), ("嗯 两 洞 幺 叉", "201X"), ("１３８ａ０７", "13807"),
    ("36070219500312122x", "36070219500312122X"), ("\\u5e7a\\u4e09\\u516b", "138"), ("是的", ""),
])
def test_normalise_digits_keeps_every_digit_as_ascii(written, digits):
    assert numbers.normalise_digits(written) == digits


def test_the_digit_words_are_the_keypads_words():
    assert numbers.DIGIT_WORDS["幺"] == "1" and numbers.DIGIT_WORDS["洞"] == "0" and numbers.DIGIT_WORDS["叉"] == "X"
    assert set(numbers.SPOKEN_DIGITS) == set(numbers.DIGIT_WORDS) - {"叉"}


def test_plausible_identity_needs_a_province_and_a_birth_date():
    assert numbers.plausible_identity(ID_18) and numbers.plausible_identity("360702500312122")
    assert not numbers.plausible_identity("000702195003121226")  # no province 00
    assert not numbers.plausible_identity("360702195013121226")  # month 13
    assert not numbers.plausible_identity("360702185003121226")  # born in the 1850s: no card
    assert not numbers.plausible_identity("36070219500312122")


# -- the case number's check digit ------------------------------------------------------------

case_bodies = st.text(alphabet="0123456789", min_size=15, max_size=15)


def test_the_check_digit_is_damms():
    assert numbers.case_number_check("000000000000572") == "4"  # Damm's own example: 572 -> 4
    assert numbers.is_valid_case_number("0000000000005724")
    assert not numbers.is_valid_case_number("0000000000005723")


@pytest.mark.parametrize("number", ["", "572", "00000000000005724", "000000000000572４", "000000000000572X",
                                    " 0000000000005724", "0000000000005724\n", None])
def test_anything_but_sixteen_digits_is_no_case_number(number):
    assert not numbers.is_valid_case_number(number)


@pytest.mark.parametrize("body", ["", "12345678901234", "1234567890123456", "12345678901234x",
                                  "１２３４５６７８９０１２３４５"])
def test_the_check_needs_a_fifteen_digit_body(body):
    with pytest.raises(ValueError):
        numbers.case_number_check(body)


@PROPERTY
@given(case_bodies)
def test_a_made_case_number_is_valid_and_reads_back(body):
    number = body + numbers.case_number_check(body)
    assert numbers.is_valid_case_number(number)
    assert number_finder.case_number(" ".join([number[:4], number[4:8], number[8:12], number[12:]])) == number


@PROPERTY
@given(case_bodies, st.integers(0, 15), st.integers(1, 9))
def test_one_wrong_digit_is_caught(body, position, shift):
    number = body + numbers.case_number_check(body)
    wrong = str((int(number[position]) + shift) % 10)
    assert not numbers.is_valid_case_number(number[:position] + wrong + number[position + 1:])


@PROPERTY
@given(case_bodies, st.integers(0, 14))
def test_two_neighbours_swapped_are_caught(body, position):
    number = body + numbers.case_number_check(body)
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    assert swapped == number or not numbers.is_valid_case_number(swapped)


def test_every_swap_of_different_neighbours_is_caught_everywhere():
    """Exhaustively, beside the sampled properties: every ordered pair of different digits at
    every position (the check digit's own included), in bodies that reach every state."""
    for prefix in ("", "7", "31", "904", "5555", "86420"):
        for a in "0123456789":
            for b in "0123456789":
                if a == b:
                    continue
                for position in range(15 - len(prefix) - 1):
                    body = (prefix + "0" * position + a + b).ljust(15, "3")[:15]
                    number = body + numbers.case_number_check(body)
                    for at in range(15):
                        if number[at] != number[at + 1]:
                            swapped = number[:at] + number[at + 1] + number[at] + number[at + 2:]
                            assert not numbers.is_valid_case_number(swapped), (number, at)
