"""Where digits are written in running text: runs, and the groups a run splits into.

Why apart: `common.number_finder` decides which numbers a text holds; before that, something
must say where the digits are, however people, recognisers and logs wrote them, and turn away
fast the stretches that cannot hold a number (most runs in a log line are floats, timestamps
and dates). That tokenising, with its regexes, is this module.

A *run* is a stretch of digits (ASCII, full-width, Chinese digit words, or their JSON
escapes) joined by short separators: 1-3 blanks, one dash or "+", "%20", or a dot between two
groups of three or more digits (so "0.93" and "1731234567.89" stay floats). A run splits
into *groups* at each separator and wherever the script changes between Arabic and Chinese
digits. A number is then a sequence of whole groups, so it is found however it was spaced,
yet never starts or ends in the middle of a longer digit string.

Pure Python, standard library only: the Rasa server (Python 3.10) imports it too.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Tuple

from common.numbers import (
    CASE_NUMBER,
    DIGIT_ESCAPES,
    FULL_WIDTH_DIGITS,
    HAN_DIGITS,
    TO_ASCII,
    X_FORMS,
    unescape_digits,
)

_HAN = HAN_DIGITS
# One digit as written, including the JSON escape of a Chinese or full-width digit.
_DIGIT = rf"(?:[0-9\uff10-\uff19{_HAN}]|\\u(?i:{DIGIT_ESCAPES}))"
_BLANK = r"[ \t\u00a0\u3000]"
_SEP = rf"(?:{_BLANK}{{1,3}}|{_BLANK}?[-\u2010-\u2015\u2212\uff0d.\uff0e+]{_BLANK}?|%20)"
# Runs in text with JSON escapes in it (`scan_run` in number_finder applies the dot rule there,
# since a lookbehind cannot count escaped digits) ...
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
_ARABIC_DIGITS = frozenset("0123456789" + FULL_WIDTH_DIGITS)
_NON_ARABIC = re.compile(r"[^0-9\uff10-\uff19]+")
_SIZES = frozenset({11, 13, 15, 18})  # phone; +86 or 0086 and phone, or a 15-digit card; 18 characters
# The X of an identity number, right after its last digit or one separator away ("… 2 2 6 叉").
X_AFTER = re.compile(rf"(?:{_SEP})?[{X_FORMS}]")

_SHORTEST_RUN = 7  # characters: shorter runs hold neither a number nor a long spoken run
LONGEST = 18  # digits in the longest number read (an identity number, or 0086 + a phone's 11)


class Group:
    """Digits written together: no separator inside and one script (Arabic or Chinese)."""

    __slots__ = ("start", "end", "digits", "han", "dotted")

    def __init__(self, start: int, end: int, digits: str, han: bool, dotted: bool) -> None:
        self.start, self.end, self.digits = start, end, digits
        self.han = han
        self.dotted = dotted  # joined to the previous group by a dot


def runs(text: str, cases: bool) -> Iterator[Tuple[int, int, bool]]:
    """(start, end, fraction) of every run that may hold a number (a case number only when
    `cases`); `fraction`: the run follows a float's decimal point, so its first group starts
    no number."""
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
            if fraction or size not in _SIZES and not (size == 17 and X_AFTER.match(text, end)) and not (
                    cases and CASE_NUMBER.match(written.translate(TO_ASCII))):
                continue
        elif _HAN_OR_ESCAPE.search(written) is None and not _may_hold_number(text, written, end, cases):
            continue
        yield start, end, fraction


def _may_hold_number(text: str, written: str, end: int, cases: bool) -> bool:
    """Whether an Arabic-only run has whole groups adding up to a length some number has.

    The same test `number_finder` makes, on group lengths alone: most runs in a log line are
    floats, timestamps and dates, and this turns them away without building any groups.
    """
    lengths = [len(part) for part in _NON_ARABIC.split(written)]
    if len(lengths) == 1:
        size = lengths[0]
        return size in _SIZES or (cases and CASE_NUMBER.match(written.translate(TO_ASCII)) is not None) or (
            size == 17 and X_AFTER.match(text, end) is not None)
    gaps = _NON_ARABIC.findall(written)
    for first in range(len(lengths)):
        total = 0
        for last in range(first, len(lengths)):
            if last > first and ("." in gaps[last - 1] or "\uff0e" in gaps[last - 1]) and (
                    lengths[last] < 3 or lengths[last - 1] < 3):
                break
            total += lengths[last]
            if total in _SIZES or (total == 17 and last == len(lengths) - 1 and X_AFTER.match(text, end)):
                return True
            if total > LONGEST:
                break
    return cases and case_like_lengths(lengths, "".join(_NON_ARABIC.split(written)).translate(TO_ASCII))


def case_like_lengths(lengths: List[int], digits: str) -> bool:
    """A case number as printed or said: 16 digits, unbroken, in fours or eights, or a few
    digits at a time ("13807971234 12345" also has 16, but no case is written 11 + 5)."""
    return bool(CASE_NUMBER.match(digits)) and all(size <= 4 or size % 4 == 0 for size in lengths)


def _ascii(written: str) -> str:
    if "\\" in written:
        written = unescape_digits(written)
    return written.translate(TO_ASCII)


def groups(text: str, start: int, end: int) -> List[Group]:
    """The groups of the run text[start:end]."""
    found: List[Group] = []
    last = start
    for piece in _PIECE.finditer(text, start, end):
        if piece.group(1):  # "%20" is a separator, whatever its digits
            continue
        han = piece.group(3) is not None
        digits = _ascii(piece.group())
        if found and piece.start() == last and found[-1].han == han:  # "１２" then "\uff13"
            found[-1].end, found[-1].digits = piece.end(), found[-1].digits + digits
        else:
            gap = text[last:piece.start()]
            found.append(Group(piece.start(), piece.end(), digits, han, "." in gap or "\uff0e" in gap))
        last = piece.end()
    return found


def spans(text: str, run_groups: List[Group]) -> List[Tuple[int, int]]:
    """Where each digit of `run_groups` is written (a JSON escape takes six characters)."""
    out: List[Tuple[int, int]] = []
    for group in run_groups:
        if group.end - group.start == len(group.digits):
            out.extend((position, position + 1) for position in range(group.start, group.end))
        else:
            out.extend(digit.span() for digit in _ONE_DIGIT.finditer(text, group.start, group.end))
    return out
