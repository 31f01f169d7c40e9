"""Screen text -> the words a person would say aloud.

espeak-ng reads "3,215.60 元" digit by digit and masked numbers as a string of stars. Older
listeners understand amounts, dates and numbers the way people say them:
3,215.60 元 -> 三千二百一十五元六角; 11月15日 -> 十一月十五日; a masked number ->
尾号幺二三四; a case number -> its digits one by one.

A number read digit by digit (a phone, case, registration or hotline number, a masked
tail) says 1 as 幺, as service lines and residents do: 一 and 七 sound alike on a kiosk's
loudspeaker, and "幺二三四五" is how the 12345 hotline says its own name. Years keep 一
(二零二一年), as amounts and dates do (十一月, 二百一十五元).
"""

from __future__ import annotations

import re

DIGITS = "零一二三四五六七八九"
READ_OUT_DIGITS = "零幺二三四五六七八九"  # digit by digit: 1 is 幺
_UNITS = ["", "十", "百", "千"]
_SECTIONS = ["", "万", "亿"]

_MASKED = re.compile(r"[\dXx]{0,6}[ ]?\*[\* ]*[ ]?([\dXx]{4}|[零一幺二三四五六七八九叉]{4})")
_TAIL = re.compile(r"尾号\s*([\dXx]+)")
_NAME_STARS = re.compile(r"(?<=[\u4e00-\u9fff])\*+")  # 张*英: a masked name
_STARS = re.compile(r"\*+")
# Emergency and service lines said digit by digit (幺幺零), unless a unit makes them a quantity.
_SERVICE_NUMBER = re.compile(r"(?<![\d.,])(110|119|120|122)(?![\d.,]|\s*[元角分岁个位号年月日天次人件块份张%])")
_PHONE = re.compile(r"(?<!\d)(0\d{2,3})-(\d{7,8})(?!\d)")
_LEADING_ZERO = re.compile(r"(?<![\d.,])0\d+")
_CLOCK_RANGE = re.compile(r"(\d{1,2}:\d{2})\s*[-–—~～至]\s*(\d{1,2}:\d{2})")
_AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*元")
_DATE_PART = re.compile(r"(\d{1,2})(月|日|号|点|时|分)")
_YEAR = re.compile(r"(\d{4})年")
_LONG_DIGITS = re.compile(r"\d{5,}")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_GROUPED_DIGITS = re.compile(r"\d{3,}(?: [\dXx]{2,})+")  # case numbers, references: group by group
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


def digit_by_digit(digits: str, names: str = READ_OUT_DIGITS) -> str:
    """'12345' -> 幺二三四五; with names=DIGITS (years) -> 一二三四五. X (in an ID) is 叉."""
    return "".join(names[int(d)] if d.isdigit() else "叉" for d in digits)


def _masked(match: re.Match) -> str:
    tail = match.group(1)
    if tail.isascii():
        return "尾号" + digit_by_digit(tail)
    return "尾号" + tail.replace("一", "幺")


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


def _digit_groups(groups) -> str:
    """Group by group with a pause between (，), as people read a long number back."""
    return "，".join(digit_by_digit(group) for group in groups)


def verbalize(text: str) -> str:
    """Digits and masks in `text` -> words; everything else unchanged."""
    text = _MASKED.sub(_masked, text)
    text = _TAIL.sub(lambda m: "尾号" + digit_by_digit(m.group(1)), text)
    text = _NAME_STARS.sub("某", text)  # 张某英, as a masked name is said; espeak-ng says "asterisk"
    text = _STARS.sub("", text)
    text = _AMOUNT.sub(_amount, text)
    text = _PHONE.sub(lambda m: _digit_groups(m.groups()), text)
    text = _SERVICE_NUMBER.sub(lambda m: digit_by_digit(m.group(1)), text)
    text = _CLOCK_RANGE.sub(lambda m: f"{m.group(1)}到{m.group(2)}", text)
    text = _CLOCK.sub(_clock, text)
    text = _GROUPED_DIGITS.sub(lambda m: _digit_groups(m.group(0).split()), text)
    text = _YEAR.sub(lambda m: digit_by_digit(m.group(1), DIGITS) + "年", text)
    text = _DATE_PART.sub(lambda m: cardinal(int(m.group(1))) + m.group(2), text)
    text = _LONG_DIGITS.sub(lambda m: digit_by_digit(m.group(0)), text)
    text = _LEADING_ZERO.sub(lambda m: digit_by_digit(m.group(0)), text)
    return _NUMBER.sub(lambda m: cardinal(int(m.group(0))), text)
