"""Days older residents name, found in a sentence and turned into dates.

Residents say when they want to come the way they speak, not as a form would ask: "下个礼拜三",
"后天", "12月5号", "腊月初八" (many older residents count in lunar days), in Mandarin, local
Mandarin or Hakka ("天光日" is tomorrow). This module finds those expressions in a sentence and
resolves them against a given `today`, so that the first sentence's day fills the appointment form
and is not asked again. Parts of the day and clock times said with them ("上午", "下午两点") are
common.times_of_day; each way of naming a day is a row of common.day_rules.

It is pure (no I/O, no clock: `today` is always passed in) and cheap to import (no pattern is
compiled until the first sentence, or warm_up()), because it runs inside the Rasa server's NLU
components as well as in the action server; standard library only, Python 3.10 and later. The
lunar calendar is common.lunar, an embedded table of lunar years 2000-2056 (Gregorian 2000-02-05 to
2057-01-23); outside it a lunar expression resolves to None.

The rule everywhere: a day that was said but cannot be known for certain (in the past, impossible
like 2月30号, or ambiguous) is None, never a guess. Nothing here raises, whatever the text.
find_day/find_days report what a sentence says (for an entity extractor); parse_day decides what
a whole answer means, and is stricter: two different days, a stretch of days (5号以前, 周三左右) or
any day it cannot know make the answer None. A day turned down (明天不行, 不是明天) is set aside.

Decisions on ambiguous expressions (the tests pin each one):
- A bare weekday (周三, 礼拜三, 星期三) is the next such day after today, 1-7 days ahead: said on a
  Wednesday it means next week's (today would have been "今天").
- Weeks run Monday to Sunday, as on Chinese calendars. 这周三/本周三/这个礼拜三 is the Wednesday of
  this week (today included; None once it has passed); 下周三/下个礼拜三/下星期三 is the Wednesday of
  next week (so said on a Sunday it is three days ahead); 下下周三 the week after that.
- A bare day of the month (5号, 五号, 5日) is this month's if today or still ahead, else next month's;
  None when that month has no such day (31号 in a 30-day month).
- A month and day without a year (12月5号) is the nearest such date, this year's, next year's or
  last year's, whichever is closest to today; None when the nearest is in the past. So "1月5号" said
  in December is next January, and "11月30号" said on 1 December is yesterday (None), not a booking
  eleven months ahead. Lunar month-days (腊月初八, 正月十五) and festivals (中秋, 重阳) follow the same
  rule: a festival said a few days after it is about the one just past.
- A bare lunar day (初八, or 十五 only with 农历/阴历/老历/旧历 before it) is the next such lunar day,
  today included. A Chinese-numeral month-day with neither 号/日 nor a lunar word, written lunar-style
  (八月十五, 十二月二十), is ambiguous between the calendars: None. 下个月初五 is ambiguous too: None.
- Other words for days: 大后天 (+3), 三天后 (+3), 一个礼拜以后 (+7), 下个礼拜的今天 (+7), 下个月的今天,
  元旦/劳动节/国庆 and the solar terms (冬至, 清明: common.solar_terms) (nearest, as above).
  明后天 (tomorrow or the day after) and 小年 (腊月廿三 in the
  north, 廿四 in the south) are None. 约一下周三 is this coming Wednesday; after 看/查/问/等/帮 (看下周三:
  "look at Wednesday" or "look at next Wednesday") a weekday is None; 下礼拜三点钟 is three o'clock.
- A weekday said beside a date must agree with it: 12月5号星期六 is 5 December, 12月5号星期三 None.
"""

from __future__ import annotations

import re
from datetime import date
from typing import List, NamedTuple, Optional, Tuple

from common import lunar
from common.date_text import NEGATED_AFTER, NEGATED_BEFORE, as_day, negated, prepare, regex, trim
from common.day_rules import DAY_RULES, Found, Resolver

__all__ = ["DayMention", "find_day", "find_days", "parse_day", "warm_up"]

_RANGE_AFTER = r"\s*(?:之前|以前|之后|以后|前后|左右|往后|过后|为止)"
_JOINER = r"[\s,，、()（）是的就]{0,3}"


class DayMention(NamedTuple):
    """A day expression in a sentence: text[start:end] == text, resolved to `day`.
    `negated` is set when the resident turned it down ("明天不行")."""
    start: int
    end: int
    text: str
    day: date
    negated: bool = False


def warm_up() -> None:
    """Compile every day pattern and decode the lunar table now (some 40 ms), so that the first
    resident's sentence does not pay for it: for a long-running process's start-up. Parts of the
    day and clock times warm up with common.times_of_day.warm_up."""
    for pattern, _ in DAY_RULES:
        regex(pattern)
    for pattern in (NEGATED_AFTER, NEGATED_BEFORE, _RANGE_AFTER, _JOINER):
        regex(pattern)
    lunar.warm_up()


def _scan_days(folded: str, today: date) -> List[Found]:
    """Every day expression, leftmost-longest and not overlapping, with neighbours merged."""
    candidates: List[Tuple[int, int, int, re.Match[str], Resolver]] = []
    for order, (pattern, resolver) in enumerate(DAY_RULES):
        for match in regex(pattern).finditer(folded):
            if match.end() > match.start():
                candidates.append((match.start(), -(match.end() - match.start()), order, match, resolver))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    found: List[Found] = []
    taken_until = 0
    for start, _, _, match, resolver in candidates:
        if start < taken_until:
            continue
        item = resolver(match, today)
        start, end = trim(folded, item.start, item.end)
        found.append(Found(start, end, item.day, item.weekday, item.is_weekday))
        taken_until = match.end()
    return _merge(folded, found)


def _merge(folded: str, found: List[Found]) -> List[Found]:
    """'12月5号星期六', '明天（周三）': one mention; None when the two parts disagree."""
    merged: List[Found] = []
    for item in found:
        if merged:
            last = merged[-1]
            gap = folded[last.end:item.start]
            joined = _join(last, item) if regex(_JOINER).fullmatch(gap) else None
            if joined is not None:
                merged[-1] = joined
                continue
        merged.append(item)
    return merged


def _join(a: Found, b: Found) -> Optional[Found]:
    if a.is_weekday != b.is_weekday:
        week, other = (a, b) if a.is_weekday else (b, a)
        if week.weekday is not None:
            ok = other.day is not None and other.day.weekday() == week.weekday
        else:
            ok = week.day is not None and week.day == other.day
        return Found(a.start, b.end, other.day if ok else None)
    if not a.is_weekday and a.day is not None and a.day == b.day:
        return Found(a.start, b.end, a.day)
    return None


def find_days(text: str, today: date) -> List[DayMention]:
    """Every day expression in `text` that resolves to a day, in order. Expressions that do not
    (昨天, 2月30号, 八月十五) are left out; a mention the resident turned down is kept, marked."""
    prepared, day = prepare(text), as_day(today)
    if prepared is None or day is None:
        return []
    mentions = []
    for item in _scan_days(prepared.text, day):
        if item.day is not None:
            start, end = prepared.span(item.start, item.end)
            mentions.append(DayMention(start, end, text[start:end], item.day,
                                       negated(prepared.text, item.start, item.end)))
    return mentions


def find_day(text: str, today: date) -> Optional[DayMention]:
    """The first day a sentence names and does not turn down: the first-sentence extractor's answer
    ("下个礼拜三上午去章贡区办老年证" -> next week's Wednesday, with its span)."""
    return next((m for m in find_days(text, today) if not m.negated), None)


def parse_day(text: str, today: date) -> Optional[date]:
    """The day a whole answer means, or None. Stricter than find_day: an answer naming two different
    days ("明天或者后天"), a stretch of days ("5号以前"), or a day that cannot be known (昨天, 2月30号)
    gives None; a day turned down is set aside ("明天不行，后天吧" -> 后天). ISO dates (button payloads)
    are understood too."""
    prepared, day = prepare(text), as_day(today)
    if prepared is None or day is None:
        return None
    meant = [item for item in _scan_days(prepared.text, day) if not negated(prepared.text, item.start, item.end)]
    if not meant or any(item.day is None for item in meant):
        return None
    if any(regex(_RANGE_AFTER).match(prepared.text, item.end) for item in meant):
        return None  # 5号以前, 周三左右: a stretch of days, not one
    days = {item.day for item in meant}
    return days.pop() if len(days) == 1 else None
