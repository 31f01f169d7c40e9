"""Parts of the day and clock times residents say: 上午/下午 and "HH:MM".

A resident books a morning or an afternoon, sometimes an hour: "上午", "下昼" (Hakka), "吃了中饭",
"下午两点", "两点半", "14:30". The service hall is open 9-12 and 14-17, so a part of the day is
"morning" or "afternoon" and a clock time is read onto the hours the hall keeps. These are apart
from the days themselves (common.dates) because they are answers of their own: the appointment
form asks 上午还是下午 on its own, and a time needs no `today`.

Decisions on ambiguous expressions (the tests pin each one):
- 中午 and 晚上 (and Hakka 当昼, 暗晡) are recognised but give None, so the dialogue asks 上午还是下午;
  中午以后, 午饭后 and 过了中午 are afternoon, 中午以前 is morning.
- A clock time without a part of the day: 7-12 o'clock as said, 1-6 o'clock in the afternoon
  (两点半 is 14:30). A bare Chinese 一点 is "a bit" (慢一点), not one o'clock.

Pure, cheap to import (patterns compile on first use or warm_up()), standard library only: it runs
inside the Rasa server's NLU components (Python 3.10) as well as in the action server.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Dict, NamedTuple, Optional, Tuple

from common.date_text import CN, NEGATED_AFTER, NEGATED_BEFORE, S, negated, prepare, read_number, regex, trim, words

__all__ = ["MORNING", "AFTERNOON", "PartMention", "TimeMention", "find_part_of_day", "find_clock_time", "warm_up"]

MORNING = "morning"
AFTERNOON = "afternoon"


class PartMention(NamedTuple):
    """上午 / 下午 and their kin: `value` is MORNING or AFTERNOON."""
    start: int
    end: int
    text: str
    value: str


class TimeMention(NamedTuple):
    """A clock time: `value` is "HH:MM" on a 24-hour clock. The span includes a part of the day
    said right before it ("下午两点")."""
    start: int
    end: int
    text: str
    value: str


_PART_WORDS: Dict[str, Optional[str]] = {
    # morning
    "上午": MORNING, "早上": MORNING, "早晨": MORNING, "清早": MORNING, "大清早": MORNING, "一早": MORNING,
    "一大早": MORNING, "上昼": MORNING, "上半天": MORNING, "上半日": MORNING, "朝晨": MORNING, "今早": MORNING,
    "明早": MORNING, "早饭后": MORNING, "午前": MORNING, "中午前": MORNING, "中午以前": MORNING,
    "中午之前": MORNING, "晌午前": MORNING,
    # afternoon
    "下午": AFTERNOON, "下昼": AFTERNOON, "下半天": AFTERNOON, "下半日": AFTERNOON, "午后": AFTERNOON,
    "后晌": AFTERNOON, "中午后": AFTERNOON, "中午以后": AFTERNOON, "中午之后": AFTERNOON, "中午过后": AFTERNOON,
    "过了中午": AFTERNOON, "午饭后": AFTERNOON, "吃了中饭": AFTERNOON, "吃过中饭": AFTERNOON,
    "吃完中饭": AFTERNOON, "吃了午饭": AFTERNOON, "吃过午饭": AFTERNOON, "吃完午饭": AFTERNOON,
    "中饭后": AFTERNOON,
    # noon and evening: the hall is closed; recognised so that nothing inside them matches, but None
    "中午": None, "晌午": None, "正午": None, "当昼": None,
    "晚上": None, "傍晚": None, "夜里": None, "夜晚": None, "晚间": None, "夜间": None, "今晚": None,
    "明晚": None, "暗晡": None, "夜晡": None, "晚边": None,
}
# The hours each part of the day allows, and how they map onto a 24-hour clock.
_NOON, _EVENING = "noon", "evening"
_PART_KIND = {word: value or (_NOON if word in ("中午", "晌午", "正午", "当昼") else _EVENING)
              for word, value in _PART_WORDS.items()}
_HOUR = r"(?:[0-9]{1,2}|[零一二两三四五六七八九十]{1,3})"
_MINUTE = r"(?:[0-9]{1,2}|[零〇一二三四五六七八九十]{1,3})"


@cache
def _part_pattern_text() -> str:
    return words(list(_PART_WORDS))


def _part_pattern() -> re.Pattern[str]:
    return regex(_part_pattern_text())


@cache
def _clock_pattern_texts() -> Tuple[str, str]:
    part = rf"(?:(?P<part>{_part_pattern_text()}){S}(?:的{S})?)?"
    spoken = (part + rf"(?<![0-9{CN}])(?P<hour>{_HOUR}){S}(?P<mark>[点时])(?!儿)"
              rf"(?:{S}(?P<minute>半|一刻|三刻|(?:过{S})?(?:零|〇)?{S}{_MINUTE}(?![0-9{CN}]){S}(?P<fen>分)?))?"
              rf"(?:{S}(?P<tail>钟|整|多|左右|前后))?")
    digital = part + r"(?<![0-9])(?P<hour>[0-9]{1,2})\s*:\s*(?P<minute>[0-9]{2})(?![0-9])"
    return spoken, digital


def _clock_patterns() -> Tuple[re.Pattern[str], re.Pattern[str]]:
    spoken, digital = _clock_pattern_texts()
    return regex(spoken), regex(digital)


def warm_up() -> None:
    """Compile the part-of-day and clock patterns now, so that the first resident's sentence does
    not pay for them: for a long-running process's start-up."""
    for pattern in (NEGATED_AFTER, NEGATED_BEFORE, _part_pattern_text(), *_clock_pattern_texts()):
        regex(pattern)


def find_part_of_day(text: str) -> Optional[PartMention]:
    """The first 上午/下午-like word that names a part of the day the hall is open and is not turned
    down ("上午不行，下午吧" -> afternoon); None when there is none (中午 and 晚上 alone give None: the
    hall is closed then, so the dialogue asks)."""
    prepared = prepare(text)
    if prepared is None:
        return None
    for match in _part_pattern().finditer(prepared.text):
        value = _PART_WORDS[match.group(0)]
        if value is not None and not negated(prepared.text, match.start(), match.end()):
            start, end = prepared.span(match.start(), match.end())
            return PartMention(start, end, text[start:end], value)
    return None


def _hour_on_clock(hour: int, kind: Optional[str]) -> Optional[int]:
    """An hour as said, with the part of the day said with it, on a 24-hour clock (None if they clash)."""
    if not 0 <= hour <= 24:
        return None
    if kind == MORNING:
        return hour if hour <= 12 else None
    if kind == AFTERNOON:
        return hour + 12 if 1 <= hour <= 6 else (hour if 12 <= hour <= 18 else None)
    if kind == _NOON:
        return hour if hour in (11, 12, 13, 14) else (hour + 12 if hour in (1, 2) else None)
    if kind == _EVENING:
        return hour + 12 if 5 <= hour <= 11 else (hour if 17 <= hour <= 23 else None)
    if hour == 24:
        return None
    return hour + 12 if 1 <= hour <= 6 else hour


def _minutes(text: Optional[str]) -> Optional[int]:
    if not text:
        return 0
    if text == "半":
        return 30
    if text in ("一刻", "三刻"):
        return 15 if text == "一刻" else 45
    text = re.sub(r"[\s过零〇分]", "", text)
    return read_number(text)


def find_clock_time(text: str) -> Optional[TimeMention]:
    """The first clock time: 九点, 9点半, 十点钟, 下午两点, 两点半, 14:30 -> "HH:MM". A part of the day said
    right before it, or else anywhere in the sentence, decides the 12-hour ambiguity."""
    prepared = prepare(text)
    if prepared is None:
        return None
    folded = prepared.text
    spoken, digital = _clock_patterns()
    matches = sorted(list(spoken.finditer(folded)) + list(digital.finditer(folded)),
                     key=lambda m: (m.start("hour"), -(m.end() - m.start())))
    sentence_kind = next((_PART_KIND[m.group(0)] for m in _part_pattern().finditer(folded)
                          if not negated(folded, m.start(), m.end())), None)
    for match in matches:
        hour_text, minute_text = match.group("hour"), match.group("minute")
        part_word = match.group("part")
        is_spoken = match.re is spoken
        if is_spoken and hour_text == "一" and not (part_word or minute_text or match.group("tail")):
            continue  # 慢一点, 早一点: "a bit", not one o'clock
        if is_spoken and minute_text and not match.group("fen") and re.fullmatch(r"[一二三四五六七八九]|[0-9]",
                                                                               minute_text.strip()):
            continue  # 九点五: 9:05 or 9:50? Not a time we can be sure of.
        hour = read_number(hour_text)
        minute = _minutes(minute_text) if is_spoken else int(minute_text)
        if is_spoken and match.group("mark") == "时" and not (hour_text.isascii() or match.group("fen")):
            continue  # 一时半会: 时 after a Chinese numeral is a clock only with 分 (十四时三十分)
        kind = _PART_KIND[part_word] if part_word else sentence_kind
        on_clock = None if hour is None else _hour_on_clock(hour, kind)
        if on_clock is None or minute is None or not 0 <= minute <= 59:
            continue
        start, end = trim(folded, match.start() if part_word else match.start("hour"), match.end())
        if negated(folded, start, end):
            continue
        start, end = prepared.span(start, end)
        return TimeMention(start, end, text[start:end], f"{on_clock:02d}:{minute:02d}")
    return None
