"""Identity, mobile and 12345 case numbers: their shapes, their check digits, their digits.

One module owns what these numbers are, so masking, the dialogue's validators, the keypad, the
offline desk, the sandbox, the portal models and the console can never disagree about what a
phone number is: the canonical patterns (for pydantic, JSON schemas and `re`), the case
number's check digit, the characters that count as digits (ASCII, full-width, the Chinese digit
words a resident says: 幺三八 洞七九七…), and `normalise_digits` for a keypad's or a whole
answer's digits. Finding numbers inside free text, however they were spaced or escaped, is
`common.number_finder`'s job (with `common.number_runs`).

Pure Python, standard library only: the Rasa server (Python 3.10) imports it too.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Dict

# The canonical forms. The pattern strings are portable (`^…$`, for pydantic's Rust regex
# and JSON schemas); the compiled ones end in \Z, so "13807971234\n" is no phone number.
# Each shape lives here once: the portal models, the sandbox, the actions and the keypad
# import these instead of keeping their own copies.
PHONE_PATTERN = r"^1[3-9][0-9]{9}$"  # a mainland mobile number
IDENTITY_PATTERN = r"^[0-9]{17}[0-9X]$"  # GB 11643-1999, upper-case check character
IDENTITY_15_PATTERN = r"^[0-9]{15}$"  # first-generation cards (area, YYMMDD, sequence)
# A 12345 case number. The only place its shape is written (nothing else assumes the length):
# 15 random digits and a check digit (`case_number_check`). The pattern is the shape only, so
# a mistyped number is still read as a case number and the keypad can say it looks wrong.
CASE_NUMBER_PATTERN = r"^[0-9]{16}$"
# Damm's check digit (H. M. Damm, 2004): a totally anti-symmetric quasigroup of order 10. It
# catches every single wrong digit and every swap of two neighbouring digits, the commonest
# keypad and read-back slips (Luhn misses 09<->90; ISO 7064 MOD 11,10 misses some swaps).
_DAMM = ("0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
         "3674209581", "5869720134", "8945362017", "9438617205", "2581436790")


def _damm_state(digits: str) -> int:
    state = 0
    for digit in digits:
        state = int(_DAMM[state][int(digit)])
    return state


def case_number_check(digits15: str) -> str:
    """The check digit that follows the 15 digits of a case number's body."""
    if len(digits15) != 15 or not digits15.isascii() or not digits15.isdigit():
        raise ValueError("a case number's body is 15 ASCII digits")
    return str(_damm_state(digits15))


def is_valid_case_number(number: str) -> bool:
    """16 ASCII digits whose last one is the check digit of the first 15."""
    return bool(CASE_NUMBER.match(number or "")) and _damm_state(number) == 0


def _strict(pattern: str) -> re.Pattern:
    return re.compile(pattern.removesuffix("$") + r"\Z")


PHONE = _strict(PHONE_PATTERN)
IDENTITY = _strict(IDENTITY_PATTERN)
IDENTITY_15 = _strict(IDENTITY_15_PATTERN)
CASE_NUMBER = _strict(CASE_NUMBER_PATTERN)
# The province codes an identity number may start with.
PROVINCE = re.compile(r"(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3]|9[0-9])")

# Digits as said and as speech recognisers write them: 幺 for one and 两 for two, 洞 for zero
# when reading numbers aloud, 叉 for the X at the end of an identity number.
SPOKEN_DIGITS: Dict[str, str] = {
    "零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3",
    "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
}
SPOKEN_X = "叉"
DIGIT_WORDS: Dict[str, str] = {**SPOKEN_DIGITS, SPOKEN_X: "X"}  # what a resident may say on the keypad

COUNTRY_PREFIXES = ("0086", "86")  # "+86" is "86" after a plus sign

# The characters that are digits, for the regexes of `common.number_runs`.
HAN_DIGITS = "".join(SPOKEN_DIGITS)
FULL_WIDTH_DIGITS = "".join(chr(0xFF10 + value) for value in range(10))
X_FORMS = "Xx\uff38\uff58" + SPOKEN_X
_ASCII_OF: Dict[str, str] = {
    **{str(value): str(value) for value in range(10)},
    **{char: str(value) for value, char in enumerate(FULL_WIDTH_DIGITS)},
    **SPOKEN_DIGITS,
}
TO_ASCII = str.maketrans({**_ASCII_OF, **{char: "X" for char in X_FORMS}})
# The JSON escapes of Chinese and full-width digits (a log escapes 三 as \u4e09).
DIGIT_ESCAPES = "|".join(f"{ord(char):04x}" for char in HAN_DIGITS + FULL_WIDTH_DIGITS)
ESCAPED_DIGIT = re.compile(rf"\\u((?i:{DIGIT_ESCAPES}))")
_NOT_DIGIT = re.compile(r"[^0-9X]")
_URL_SPACE = re.compile(rf"(?<=[0-9\uff10-\uff19{HAN_DIGITS}])%20(?=[0-9\uff10-\uff19{HAN_DIGITS}])")


def unescape_digits(written: str) -> str:
    """`written` with the JSON escapes of its digits turned back into the digits."""
    return ESCAPED_DIGIT.sub(lambda match: chr(int(match.group(1), 16)), written)


def normalise_digits(text: str) -> str:
    """Every digit in `text`, however written, as ASCII (x and 叉 as X); everything else dropped.

    This is what the keypad and the voice keypad need ("嗯 两 洞 幺 叉" -> "201X") and the
    last resort for a whole answer that `number_finder.phone_number` & co. cannot read as one
    number. A "%20" between digits is a space ("138%200797": its 2 and 0 are no digits).
    """
    if "\\u" in text:
        text = unescape_digits(text)
    if "%20" in text:
        text = _URL_SPACE.sub(" ", text)
    return _NOT_DIGIT.sub("", text.translate(TO_ASCII))


def plausible_identity(number: str) -> bool:
    """An 18- or 15-digit number with a real province code and birth date (check character not
    verified): how a number split by spaces must look before it counts as an identity number."""
    if not (IDENTITY.match(number) or IDENTITY_15.match(number)) or not PROVINCE.match(number):
        return False
    if len(number) == 18:
        if number[6:8] not in ("19", "20"):
            return False
        year, rest = int(number[6:10]), number[10:14]
    else:
        year, rest = 1900 + int(number[6:8]), number[8:12]
    try:
        date(year, int(rest[:2]), int(rest[2:]))
    except ValueError:
        return False
    return True
