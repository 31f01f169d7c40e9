"""Which identity, mobile and case numbers a text holds, as people and machines write them.

Why: a resident says 幺三八 洞七九七…; the recogniser writes "138 0797 1234" or one digit at a
time; a relative types +86 138-0797-1234; a pasted form has full-width digits; a JSON log
escapes Chinese digits as \\u4e09. All of these are the same number: they must be accepted as
an answer (`phone_number`, `identity_number`, `case_number` read a whole answer) and hidden
before anything is written (`find_numbers`, for `common.masking`). The shapes themselves are
`common.numbers`'; where the digits are written, `common.number_runs`'.

How a run of groups is read. A number is a sequence of whole groups that never starts in a
float's decimals. The longest reading wins at each group (an 18-digit identity number over the
phone number its first 11 digits may look like). A run that reads as a case number (16 digits,
grouped as case numbers are printed or said) is a case number as a whole: it is public and
stays readable. A long spoken run that makes no known number (a recogniser lost a digit) is
still private. An identity number split across groups must look real (province code, birth
date) before it counts, because a row of small numbers could otherwise add up to 18 digits; an
unbroken run of 17 digits and a check character needs only a real province, since a mistyped
birth date is still somebody's number.

Pure Python, standard library only: the Rasa server (Python 3.10) imports it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import List, Optional, Tuple

from common import number_runs
from common.number_runs import LONGEST, X_AFTER, Group
from common.numbers import (
    CASE_NUMBER,
    COUNTRY_PREFIXES,
    HAN_DIGITS,
    IDENTITY,
    IDENTITY_15,
    PHONE,
    PROVINCE,
    normalise_digits,
    plausible_identity,
)

# A country code a whole answer may carry outside the number itself: "(+86) 138 0797 1234".
_PREFIX_BEFORE = re.compile(r"[(（]?[+＋]?(?:0086|86)[)）]?[ \t\u3000-]*\Z")
# Digits left outside a found number make a whole answer ambiguous ("2026年 138…"); one or two
# Chinese digit words are ordinary speech ("查一下", "两个") and do not.
_OTHER_DIGITS = re.compile(rf"[0-9\uff10-\uff19]|[{HAN_DIGITS}]{{3,}}")
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


def _case_like(groups: List[Group]) -> bool:
    return number_runs.case_like_lengths([len(group.digits) for group in groups],
                                         "".join(group.digits for group in groups))


def _classify(digits: str, contiguous: bool) -> Optional[Tuple[NumberKind, int]]:
    """(kind, where the number starts inside `digits`) for a candidate reading, or None."""
    size = len(digits)
    # Unbroken, only the province must be real: a float's 18 decimals ("0.024534567585327245")
    # start with 0, while a resident's mistyped birth date is still somebody's number.
    if size == 18 and IDENTITY.match(digits) and (
            plausible_identity(digits) or contiguous and PROVINCE.match(digits)):
        return NumberKind.IDENTITY, 0
    if size == 15 and plausible_identity(digits):
        return NumberKind.IDENTITY, 0
    for prefix in ("",) + COUNTRY_PREFIXES:
        if size == len(prefix) + 11 and digits.startswith(prefix) and PHONE.match(digits[len(prefix):]):
            return NumberKind.PHONE, len(prefix)
    return None


def _found(text: str, kind: NumberKind, groups: List[Group], number: str, offset: int = 0,
           x_span: Optional[Tuple[int, int]] = None) -> FoundNumber:
    spans = number_runs.spans(text, groups) + ([x_span] if x_span else [])
    start, body_start = spans[0][0], spans[offset][0]
    if offset and start and text[start - 1] in "+\uff0b":
        start -= 1
    return FoundNumber(kind=kind, start=start, end=spans[-1][1], number=number, body_start=body_start,
                       spoken=any(group.han for group in groups),
                       tail="".join(text[left:right] for left, right in spans[-4:]))


def _scan(text: str, cases: bool = True) -> List[FoundNumber]:
    """Every number in `text`; without case numbers when `cases` is false (masking needs none)."""
    found: List[FoundNumber] = []
    for start, end, fraction in number_runs.runs(text, cases):
        found.extend(_scan_run(text, start, end, cases, fraction))
    return found


def _scan_run(text: str, start: int, end: int, cases: bool, fraction: bool = False) -> List[FoundNumber]:
    groups = number_runs.groups(text, start, end)
    # Groups no number may start with: the decimals of a float, whether the float ended the
    # previous run (plain text) or sits inside this one (escaped text, where dots always join).
    decimals = [index == 0 and fraction or group.dotted and (
        len(group.digits) < 3 or len(groups[index - 1].digits) < 3) for index, group in enumerate(groups)]
    # A check character right after the run belongs to it only as an identity number's last.
    x_after = X_AFTER.match(text, end)
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
            if len(digits) > LONGEST:
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


def _spoken_leftovers(text: str, groups: List[Group], covered: List[bool]) -> List[FoundNumber]:
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
