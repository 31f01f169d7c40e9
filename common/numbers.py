"""Identity, mobile and 12345 case numbers as people, keypads and machines really write them.

One module owns what these numbers look like and how to read them back, so masking, the
dialogue's validators, the keypad, the offline desk, the sandbox and the console can never
disagree about what a phone number is. A resident says 幺三八 洞七九七…; the recogniser writes
"138 0797 1234" or one digit at a time; a relative types +86 138-0797-1234; a pasted form has
full-width digits; a JSON log escapes Chinese digits as \\u4e09. All of these are the same
number: they must be accepted as an answer and hidden before anything is written.

How text is read. A *run* is a stretch of digits (ASCII, full-width, Chinese digit words, or
their JSON escapes) joined by short separators: 1-3 blanks, one dash or "+", "%20", or a dot
between two groups of three or more digits (so "0.93" and "1731234567.89" stay floats). A
run splits into *groups* at each separator and wherever the script changes between Arabic
and Chinese digits. A number is a sequence of whole groups, so it is found however it was
spaced, yet never starts or ends in the middle of a longer digit string, and never starts in
a float's decimals. The longest reading wins at each group (an 18-digit identity number over
the phone number its first 11 digits may look like). A run that reads as a case number (16
digits, grouped as case numbers are printed or said) is a case number as a whole: it is
public and stays readable. A long spoken run that makes no known number (a recogniser lost
a digit) is still private.

An identity number split across groups must look real (province code, birth date) before it
counts, because a row of small numbers could otherwise add up to 18 digits; an unbroken run
of 17 digits and a check character needs only a real province, since a mistyped birth date
is still somebody's number.

Pure Python, standard library only: the Rasa server (Python 3.10) imports it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Dict, List, Optional, Tuple

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

# Digits as said and as speech recognisers write them: 幺 for one and 两 for two, 洞 for zero
# when reading numbers aloud, 叉 for the X at the end of an identity number.
SPOKEN_DIGITS: Dict[str, str] = {
    "零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3",
    "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
}
SPOKEN_X = "叉"
DIGIT_WORDS: Dict[str, str] = {**SPOKEN_DIGITS, SPOKEN_X: "X"}  # what a resident may say on the keypad

COUNTRY_PREFIXES = ("0086", "86")  # "+86" is "86" after a plus sign

_HAN = "".join(SPOKEN_DIGITS)
_FULL_WIDTH = "".join(chr(0xFF10 + value) for value in range(10))
_X_FORMS = "Xx\uff38\uff58" + SPOKEN_X
_ASCII_OF: Dict[str, str] = {
    **{str(value): str(value) for value in range(10)},
    **{char: str(value) for value, char in enumerate(_FULL_WIDTH)},
    **SPOKEN_DIGITS,
}
_TO_ASCII = str.maketrans({**_ASCII_OF, **{char: "X" for char in _X_FORMS}})

# One digit as written, including the JSON escape of a Chinese or full-width digit.
_ESCAPES = "|".join(f"{ord(char):04x}" for char in _HAN + _FULL_WIDTH)
_DIGIT = rf"(?:[0-9\uff10-\uff19{_HAN}]|\\u(?i:{_ESCAPES}))"
_BLANK = r"[ \t\u00a0\u3000]"
_SEP = rf"(?:{_BLANK}{{1,3}}|{_BLANK}?[-\u2010-\u2015\u2212\uff0d.\uff0e+]{_BLANK}?|%20)"
# Runs in text with JSON escapes in it (`_scan_run` applies the dot rule there, since a
# lookbehind cannot count escaped digits) ...
_RUN_ESCAPED = re.compile(rf"{_DIGIT}+(?:{_SEP}{_DIGIT}+)*")
# ... and in all other text: one character class first (so the regex engine skips ahead fast),
# a lookahead that turns away short numbers ("12345", "2026") without a match, and the dot
# rule ("138.0797.1234" joins, "1731234567.89" does not).
_PLAIN = rf"[0-9\uff10-\uff19{_HAN}]"
_PLAIN_SEP = (rf"(?:{_BLANK}{{1,3}}|{_BLANK}?[-\u2010-\u2015\u2212\uff0d+]{_BLANK}?|%20"
              rf"|(?<={_PLAIN}{{3}}){_BLANK}?[.\uff0e]{_BLANK}?(?={_PLAIN}{{3}}))")
_RUN = re.compile(rf"{_PLAIN}(?=[0-9\uff10-\uff19{_HAN} \t\u00a0\u3000\-\u2010-\u2015\u2212\uff0d.\uff0e+%]{{6}})"
                  rf"{_PLAIN}*(?:{_PLAIN_SEP}{_PLAIN}+)*")
# Inside a run: a "%20" separator (its digits are not the number's), a stretch of Arabic
# digits, or a stretch of Chinese digit words; escaped or not.
_HAN_ESCAPES = "|".join(f"{ord(char):04x}" for char in _HAN)
_PIECE = re.compile(rf"(%20)|([0-9\uff10-\uff19]+|(?:\\u(?i:ff1[0-9]))+)|((?:[{_HAN}]|\\u(?i:{_HAN_ESCAPES}))+)")
_ONE_DIGIT = re.compile(_DIGIT)
_HAN_OR_ESCAPE = re.compile(rf"[{_HAN}\\%]")  # "%20" too: its digits are not digits
_ARABIC_DIGITS = frozenset("0123456789" + _FULL_WIDTH)
_NON_ARABIC = re.compile(r"[^0-9\uff10-\uff19]+")
_SIZES = frozenset({11, 13, 15, 18})  # phone; +86 or 0086 and phone, or a 15-digit card; 18 characters
# The X of an identity number, right after its last digit or one separator away ("… 2 2 6 叉").
_X_AFTER = re.compile(rf"(?:{_SEP})?[{_X_FORMS}]")
_ESCAPED_DIGIT = re.compile(rf"\\u((?i:{_ESCAPES}))")
_NOT_DIGIT = re.compile(r"[^0-9X]")
_URL_SPACE = re.compile(rf"(?<={_PLAIN})%20(?={_PLAIN})")  # "138%200797": its 2 and 0 are no digits
# A country code a whole answer may carry outside the number itself: "(+86) 138 0797 1234".
_PREFIX_BEFORE = re.compile(r"[(（]?[+＋]?(?:0086|86)[)）]?[ \t\u3000-]*\Z")
# Digits left outside a found number make a whole answer ambiguous ("2026年 138…"); one or two
# Chinese digit words are ordinary speech ("查一下", "两个") and do not.
_OTHER_DIGITS = re.compile(rf"[0-9\uff10-\uff19]|[{_HAN}]{{3,}}")
_PROVINCE = re.compile(r"(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3]|9[0-9])")

_SHORTEST_RUN = 7  # characters: shorter runs hold neither a number nor a long spoken run
_LONGEST = 18  # digits in the longest number read (an identity number, or 0086 + a phone's 11)
_SPOKEN_RUN = 7  # this many spoken digits are private even when they make no known number


class NumberKind(str, Enum):
    IDENTITY = "identity"
    PHONE = "phone"
    CASE = "case"
    # A long run of spoken digits that is none of the above (a misheard phone number, an
    # identity number with a digit missing): private all the same.
    SPOKEN = "spoken"


PERSONAL = frozenset({NumberKind.IDENTITY, NumberKind.PHONE, NumberKind.SPOKEN})


@dataclass(frozen=True)
class FoundNumber:
    """A number found in text: where it is written and what it is.

    `start`/`end` cover the whole written number, a "+86 " prefix included; `body_start` is
    where the number proper begins, so a mask can keep the prefix as written. `tail` is its
    last four digits as written (幺二三四 stays 幺二三四), the part masks may show.
    """

    kind: NumberKind
    start: int
    end: int
    number: str  # canonical: ASCII digits, upper-case X, no prefix
    body_start: int
    spoken: bool  # written at least partly in Chinese digit words
    tail: str = field(repr=False)


def normalise_digits(text: str) -> str:
    """Every digit in `text`, however written, as ASCII (x and 叉 as X); everything else dropped.

    This is what the keypad and the voice keypad need ("嗯 两 洞 幺 叉" -> "201X") and the
    last resort for a whole answer that `phone_number` & co. cannot read as one number.
    """
    if "\\u" in text:
        text = _ESCAPED_DIGIT.sub(lambda match: chr(int(match.group(1), 16)), text)
    if "%20" in text:
        text = _URL_SPACE.sub(" ", text)
    return _NOT_DIGIT.sub("", text.translate(_TO_ASCII))


def plausible_identity(number: str) -> bool:
    """An 18- or 15-digit number with a real province code and birth date (check character not
    verified): how a number split by spaces must look before it counts as an identity number."""
    if not (IDENTITY.match(number) or IDENTITY_15.match(number)) or not _PROVINCE.match(number):
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


def find_numbers(text: str) -> List[FoundNumber]:
    """Every personal number in `text` (identity, phone, long spoken runs), in order."""
    return [found for found in _scan(text, cases=False) if found.kind in PERSONAL]


def find_phones(text: str) -> List[FoundNumber]:
    return [found for found in _scan(text, cases=False) if found.kind is NumberKind.PHONE]


def find_identity_numbers(text: str) -> List[FoundNumber]:
    return [found for found in _scan(text, cases=False) if found.kind is NumberKind.IDENTITY]


def find_case_numbers(text: str) -> List[FoundNumber]:
    return [found for found in _scan(text) if found.kind is NumberKind.CASE]


def phone_number(text: str) -> Optional[str]:
    """The canonical 11 digits when the whole answer is one mobile number, else None.

    "138 0797 1234", "+86 138-0797-1234", "我的电话是幺三八洞七九七幺二三四" all give
    "13807971234"; "2026年 13807971234" and two different numbers give None (ask again).
    """
    return _sole(text, NumberKind.PHONE)


def identity_number(text: str) -> Optional[str]:
    """The canonical identity number (18 characters, upper-case X, or 15 digits) when the whole
    answer is shaped like one, else None. The check character is `common.idnumber`'s job."""
    return _sole(text, NumberKind.IDENTITY)


def case_number(text: str) -> Optional[str]:
    """The canonical case number when the whole answer is one ("2026 0926 0000 0001")."""
    return _sole(text, NumberKind.CASE)


def _canonical(digits: str, kind: NumberKind) -> Optional[str]:
    if kind is NumberKind.PHONE:
        for prefix in COUNTRY_PREFIXES:
            if len(digits) == len(prefix) + 11 and digits.startswith(prefix):
                digits = digits[len(prefix):]
                break
        return digits if PHONE.match(digits) else None
    if kind is NumberKind.IDENTITY:
        return digits if IDENTITY.match(digits) or IDENTITY_15.match(digits) else None
    return digits if CASE_NUMBER.match(digits) else None


def _sole(text: str, kind: NumberKind) -> Optional[str]:
    if not text:
        return None
    found = _scan(text)
    if not found:
        # Separators this module does not join on ("138，0797，1234"): read every digit.
        return _canonical(normalise_digits(text), kind)
    values = {number.number for number in found}
    if len(values) != 1 or any(number.kind is not kind for number in found):
        return None
    outside, last = [], 0
    for number in found:
        before = text[last:number.start]
        outside.append(_PREFIX_BEFORE.sub("", before) if kind is NumberKind.PHONE else before)
        last = number.end
    outside.append(text[last:])
    return None if _OTHER_DIGITS.search("".join(outside)) else values.pop()


class _Group:
    """Digits written together: no separator inside and one script (Arabic or Chinese)."""

    __slots__ = ("start", "end", "digits", "han", "dotted")

    def __init__(self, start: int, end: int, digits: str, han: bool, dotted: bool) -> None:
        self.start, self.end, self.digits = start, end, digits
        self.han = han
        self.dotted = dotted  # joined to the previous group by a dot


def _ascii(written: str) -> str:
    if "\\" in written:
        written = _ESCAPED_DIGIT.sub(lambda match: chr(int(match.group(1), 16)), written)
    return written.translate(_TO_ASCII)


def _groups(text: str, start: int, end: int) -> List[_Group]:
    groups: List[_Group] = []
    last = start
    for piece in _PIECE.finditer(text, start, end):
        if piece.group(1):  # "%20" is a separator, whatever its digits
            continue
        han = piece.group(3) is not None
        digits = _ascii(piece.group())
        if groups and piece.start() == last and groups[-1].han == han:  # "１２" then "\uff13"
            groups[-1].end, groups[-1].digits = piece.end(), groups[-1].digits + digits
        else:
            gap = text[last:piece.start()]
            groups.append(_Group(piece.start(), piece.end(), digits, han, "." in gap or "\uff0e" in gap))
        last = piece.end()
    return groups


def _spans(text: str, groups: List[_Group]) -> List[Tuple[int, int]]:
    """Where each digit of `groups` is written (a JSON escape takes six characters)."""
    spans: List[Tuple[int, int]] = []
    for group in groups:
        if group.end - group.start == len(group.digits):
            spans.extend((position, position + 1) for position in range(group.start, group.end))
        else:
            spans.extend(digit.span() for digit in _ONE_DIGIT.finditer(text, group.start, group.end))
    return spans


def _case_like(groups: List[_Group]) -> bool:
    """A case number as printed or said: unbroken, in fours or eights, or a few digits at a time.
    ("13807971234 12345" also has 16 digits, but an 11-digit group is not how cases are written.)"""
    return _case_like_lengths([len(group.digits) for group in groups], "".join(group.digits for group in groups))


def _classify(digits: str, contiguous: bool) -> Optional[Tuple[NumberKind, int]]:
    """(kind, where the number starts inside `digits`) for a candidate reading, or None."""
    size = len(digits)
    # Unbroken, only the province must be real: a float's 18 decimals ("0.024534567585327245")
    # start with 0, while a resident's mistyped birth date is still somebody's number.
    if size == 18 and IDENTITY.match(digits) and (
            plausible_identity(digits) or contiguous and _PROVINCE.match(digits)):
        return NumberKind.IDENTITY, 0
    if size == 15 and plausible_identity(digits):
        return NumberKind.IDENTITY, 0
    for prefix in ("",) + COUNTRY_PREFIXES:
        if size == len(prefix) + 11 and digits.startswith(prefix) and PHONE.match(digits[len(prefix):]):
            return NumberKind.PHONE, len(prefix)
    return None


def _found(text: str, kind: NumberKind, groups: List[_Group], number: str, offset: int = 0,
           x_span: Optional[Tuple[int, int]] = None) -> FoundNumber:
    spans = _spans(text, groups) + ([x_span] if x_span else [])
    start, body_start = spans[0][0], spans[offset][0]
    if offset and start and text[start - 1] in "+\uff0b":
        start -= 1
    return FoundNumber(kind=kind, start=start, end=spans[-1][1], number=number, body_start=body_start,
                       spoken=any(group.han for group in groups),
                       tail="".join(text[left:right] for left, right in spans[-4:]))


def _scan(text: str, cases: bool = True) -> List[FoundNumber]:
    """Every number in `text`; without case numbers when `cases` is false (masking needs none)."""
    found: List[FoundNumber] = []
    for run in (_RUN_ESCAPED if "\\u" in text else _RUN).finditer(text):
        start, end = run.span()
        if end - start < _SHORTEST_RUN:
            continue
        written = run.group()
        # Decimals of a float ("0.542802501203444", "3215.60 138…") start no number: a log
        # line is full of confidences and timestamps, and their digits are nobody's.
        fraction = start >= 2 and text[start - 1] in ".\uff0e" and text[start - 2] in _ARABIC_DIGITS
        if written.isdigit():  # one unbroken Arabic number, by far the commonest run in a log
            size = len(written)
            if fraction or size not in _SIZES and not (size == 17 and _X_AFTER.match(text, end)) and not (
                    cases and CASE_NUMBER.match(written.translate(_TO_ASCII))):
                continue
        elif _HAN_OR_ESCAPE.search(written) is None and not _may_hold_number(text, written, end, cases):
            continue
        found.extend(_scan_run(text, start, end, cases, fraction))
    return found


def _may_hold_number(text: str, written: str, end: int, cases: bool) -> bool:
    """Whether an Arabic-only run has whole groups adding up to a length some number has.

    The same test `_scan_run` makes, on group lengths alone: most runs in a log line are
    floats, timestamps and dates, and this turns them away without building any groups.
    """
    lengths = [len(part) for part in _NON_ARABIC.split(written)]
    if len(lengths) == 1:
        size = lengths[0]
        return size in _SIZES or (cases and CASE_NUMBER.match(written.translate(_TO_ASCII)) is not None) or (
            size == 17 and _X_AFTER.match(text, end) is not None)
    gaps = _NON_ARABIC.findall(written)
    for first in range(len(lengths)):
        total = 0
        for last in range(first, len(lengths)):
            if last > first and ("." in gaps[last - 1] or "\uff0e" in gaps[last - 1]) and (
                    lengths[last] < 3 or lengths[last - 1] < 3):
                break
            total += lengths[last]
            if total in _SIZES or (total == 17 and last == len(lengths) - 1 and _X_AFTER.match(text, end)):
                return True
            if total > _LONGEST:
                break
    return cases and _case_like_lengths(lengths, "".join(_NON_ARABIC.split(written)).translate(_TO_ASCII))


def _case_like_lengths(lengths: List[int], digits: str) -> bool:
    return bool(CASE_NUMBER.match(digits)) and all(size <= 4 or size % 4 == 0 for size in lengths)


def _scan_run(text: str, start: int, end: int, cases: bool, fraction: bool = False) -> List[FoundNumber]:
    groups = _groups(text, start, end)
    # Groups no number may start with: the decimals of a float, whether the float ended the
    # previous run (plain text) or sits inside this one (escaped text, where dots always join).
    decimals = [index == 0 and fraction or group.dotted and (
        len(group.digits) < 3 or len(groups[index - 1].digits) < 3) for index, group in enumerate(groups)]
    # A check character right after the run belongs to it only as an identity number's last.
    x_after = _X_AFTER.match(text, end)
    x_span = (x_after.end() - 1, x_after.end()) if x_after else None
    if x_span is None and _case_like(groups):  # an X after it makes it an identity number
        return [_found(text, NumberKind.CASE, groups, "".join(group.digits for group in groups))] if cases else []
    found: List[FoundNumber] = []
    covered = [False] * len(groups)
    index = 0
    while index < len(groups):
        if decimals[index] and not groups[index].han:
            index += 1
            continue
        best: Optional[Tuple[int, NumberKind, int, str, bool]] = None
        digits = ""
        for last in range(index, len(groups)):
            group = groups[last]
            if last > index and group.dotted and (len(group.digits) < 3 or len(groups[last - 1].digits) < 3):
                break  # "0.13 0.80 0.79 0.71" is four probabilities, not a phone number
            digits += group.digits
            if len(digits) > _LONGEST:
                break
            if len(digits) < 11:
                continue
            contiguous = last == index and not group.han
            with_x = x_span is not None and last == len(groups) - 1
            reading = _classify(digits + "X", contiguous) if with_x else None
            if reading and reading[0] is NumberKind.IDENTITY:
                best = (last, reading[0], reading[1], digits + "X", True)
            else:
                reading = _classify(digits, contiguous)
                if reading:
                    best = (last, reading[0], reading[1], digits, False)
        if best is None:
            index += 1
            continue
        last, kind, offset, number, uses_x = best
        found.append(_found(text, kind, groups[index:last + 1], number[offset:], offset,
                            x_span if uses_x else None))
        covered[index:last + 1] = [True] * (last + 1 - index)
        index = last + 1
    found.extend(number for number in _spoken_leftovers(text, groups, covered)
                 if cases or number.kind is not NumberKind.CASE)
    found.sort(key=lambda number: number.start)
    return found


def _spoken_leftovers(text: str, groups: List[_Group], covered: List[bool]) -> List[FoundNumber]:
    """Stretches of a run no number claimed, kept private when long and spoken: a recogniser
    that drops or adds one digit of a phone number must not make it readable."""
    leftovers: List[FoundNumber] = []
    index = 0
    while index < len(groups):
        if covered[index]:
            index += 1
            continue
        last = index
        while last + 1 < len(groups) and not covered[last + 1]:
            last += 1
        stretch = groups[index:last + 1]
        digits = "".join(group.digits for group in stretch)
        if any(group.han for group in stretch) and len(digits) >= _SPOKEN_RUN:
            kind = NumberKind.CASE if _case_like(stretch) else NumberKind.SPOKEN
            leftovers.append(_found(text, kind, stretch, digits))
        index = last + 1
    return leftovers
