"""Screen text -> the words a person would say aloud.

espeak-ng reads "3,215.60 元" digit by digit and masked numbers as a string of stars. Older
listeners understand amounts, dates and numbers the way people say them:
3,215.60 元 -> 三千二百一十五元六角; 11月15日 -> 十一月十五日; a masked number ->
尾号一二三四; a case number -> its digits one by one.
"""

from __future__ import annotations

import re

DIGITS = "零一二三四五六七八九"
_UNITS = ["", "十", "百", "千"]
_SECTIONS = ["", "万", "亿"]

_MASKED = re.compile(r"[\dXx]{0,6}[ ]?\*[\* ]*[ ]?([\dXx]{4})")
_AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*元")
_DATE_PART = re.compile(r"(\d{1,2})(月|日|号|点|时|分)")
_YEAR = re.compile(r"(\d{4})年")
_LONG_DIGITS = re.compile(r"\d{5,}")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_GROUPED_DIGITS = re.compile(r"\d{3,}(?: \d{3,})+")  # case numbers, references: group by group
_NUMBER = re.compile(r"\d+")


def _four_digits(number: int) -> str:
    """0 < number < 10000, with 零 for inner gaps (1005 -> 一千零五)."""
    out, zero = [], False
    for position in range(3, -1, -1):
        digit = number // 10 ** position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[digit] + _UNITS[position])
    return "".join(out)


def cardinal(number: int) -> str:
    """12 -> 十二, 215 -> 二百一十五, 30500 -> 三万零五百."""
    if number == 0:
        return "零"
    sections, section = [], 0
    while number:
        number, part = divmod(number, 10000)
        sections.append((section, part))
        section += 1
    out, need_zero = [], False
    for index, part in reversed(sections):
        if part == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or part < 1000):
            out.append("零")
        words = _four_digits(part)
        if not out and 10 <= part < 20:
            words = words[1:]  # a leading 一十 is said 十 (十万, not 一十万)
        out.append(words + _SECTIONS[index])
        need_zero = False
    return "".join(out)


def digit_by_digit(digits: str) -> str:
    return "".join(DIGITS[int(d)] if d.isdigit() else "叉" for d in digits)


def _amount(match: re.Match) -> str:
    whole = int(match.group(1).replace(",", ""))
    fraction = (match.group(2) or "").ljust(2, "0")
    jiao, fen = int(fraction[0]), int(fraction[1])
    spoken = cardinal(whole) + "元" if whole or not (jiao or fen) else ""
    if jiao:
        spoken += DIGITS[jiao] + "角"
    if fen:
        spoken += ("零" if spoken and not jiao else "") + DIGITS[fen] + "分"
    return spoken


def _clock(match: re.Match) -> str:
    hour, minute = int(match.group(1)), int(match.group(2))
    spoken = ("两" if hour == 2 else cardinal(hour)) + "点"
    if minute == 30:
        return spoken + "半"
    return spoken + (f"{cardinal(minute)}分" if minute else "")


def verbalize(text: str) -> str:
    text = _MASKED.sub(lambda m: "尾号" + digit_by_digit(m.group(1)), text)
    text = _AMOUNT.sub(_amount, text)
    text = _CLOCK.sub(_clock, text)
    text = _GROUPED_DIGITS.sub(lambda m: "，".join(digit_by_digit(g) for g in m.group(0).split()), text)
    text = _YEAR.sub(lambda m: digit_by_digit(m.group(1)) + "年", text)
    text = _DATE_PART.sub(lambda m: cardinal(int(m.group(1))) + m.group(2), text)
    text = _LONG_DIGITS.sub(lambda m: digit_by_digit(m.group(0)), text)
    return _NUMBER.sub(lambda m: cardinal(int(m.group(0))), text)
