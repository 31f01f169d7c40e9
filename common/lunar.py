"""The Chinese lunar calendar for residents who count in lunar days (腊月初八, 正月十五, 初八).

An embedded table rather than a dependency: it costs nothing to import (decoded on first use, about
a millisecond), needs no pin beside Rasa's in the Python 3.10 environment nor in the newer one, and
carries no licence question (the maintained pure-Python libraries are GPL-3.0, lunardate and zhdate,
or MIT but 0.9 MB and some 20 ms to import, lunar-python). It covers lunar years 2000-2056, i.e.
Gregorian 2000-02-05 to 2057-01-23: the tests check every year's 正月初一 and leap month always, and
every day against lunar-python and lunardate where those are installed. Outside it everything here
answers None, never a guess.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from functools import lru_cache
from typing import Dict, List, NamedTuple, Optional, Tuple

__all__ = ["LUNAR_YEARS", "lunar_to_solar", "solar_to_lunar", "lunar_year_of", "next_lunar_day",
           "nearest_lunar", "warm_up"]

# One token per lunar year from LUNAR_YEARS[0]: (days from 1 January to 正月初一) << 17 |
# (one bit per month in order, leap month included at its place, set for a 30-day month) << 4 |
# the leap month (0 for none). Made from lunar-python 1.4.8 (astronomical computation) and checked
# day by day against it and lunardate 0.3.0 (the Hong Kong Observatory's tables) in the tests; the
# two agree on every day up to 2057-09-27 and differ on the month after, so the table stops there.
_LUNAR_TABLE = """
466930 2f52b4 5452b0 3ea5b0 2b55a2 4e56a0 39b557 60ba40 4ab490 33a935
58a950 4252d0 2caad4 50ab50 3d5aa9 625d20 4cda50 37d4a6 5cd4a0 46c950
3152e4 545560 3eab50 2b5b22 506d20 38ea56 5e7250 4864b0 32c975 56cab0
4255a0 2cad63 52b690 3d752b 62b520 4cb250 37a4b6 5aa4b0 444ab0 2e55b5
545ad0 3eb6a0 2bb522 50d920 3bd257 5ed250 48a550 334ad5 584b60 405b50
2cdaa3 52ec90 3fe928 62e920 4cd260 36a566 5aa570
"""
_LUNAR_FIRST_YEAR = 2000
LUNAR_YEARS = range(_LUNAR_FIRST_YEAR, _LUNAR_FIRST_YEAR + len(_LUNAR_TABLE.split()))


class _LunarMonth(NamedTuple):
    year: int
    month: int
    leap: bool
    first: int  # ordinal of its 初一
    length: int


class _LunarCalendar(NamedTuple):
    months: Tuple[_LunarMonth, ...]
    firsts: Tuple[int, ...]
    index: Dict[Tuple[int, int, bool], int]
    end: int  # ordinal of the first day after the table


@lru_cache(maxsize=1)
def _calendar() -> _LunarCalendar:
    """Decoded on first use (about a millisecond), so importing the module costs nothing."""
    months: List[_LunarMonth] = []
    ordinal = 0
    for offset, token in enumerate(_LUNAR_TABLE.split()):
        year, value = _LUNAR_FIRST_YEAR + offset, int(token, 16)
        leap, lengths = value & 0xF, (value >> 4) & 0x1FFF
        ordinal = date(year, 1, 1).toordinal() + (value >> 17)
        order = [(m, False) for m in range(1, 13)]
        if leap:
            order.insert(leap, (leap, True))
        for position, (month, is_leap) in enumerate(order):
            length = 30 if lengths >> position & 1 else 29
            months.append(_LunarMonth(year, month, is_leap, ordinal, length))
            ordinal += length
    return _LunarCalendar(tuple(months), tuple(m.first for m in months),
                          {(m.year, m.month, m.leap): i for i, m in enumerate(months)}, ordinal)


def _position(day: date) -> Optional[Tuple[int, int]]:
    """(index of the lunar month holding `day`, its lunar day), or None outside the table."""
    calendar, ordinal = _calendar(), day.toordinal()
    i = bisect_right(calendar.firsts, ordinal) - 1
    if i < 0 or ordinal >= calendar.end:
        return None
    return i, ordinal - calendar.firsts[i] + 1


def solar_to_lunar(day: date) -> Optional[Tuple[int, int, int, bool]]:
    """(lunar year, month, day, is leap month) of a Gregorian day; None outside LUNAR_YEARS."""
    position = _position(day)
    if position is None:
        return None
    month = _calendar().months[position[0]]
    return month.year, month.month, position[1], month.leap


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> Optional[date]:
    """The Gregorian day of a lunar date; None if there is no such day or it is outside the table."""
    calendar = _calendar()
    i = calendar.index.get((year, month, leap))
    if i is None or not 1 <= day <= calendar.months[i].length:
        return None
    return date.fromordinal(calendar.months[i].first + day - 1)


def next_lunar_day(today: date, lunar_day: int) -> Optional[date]:
    """The next lunar `lunar_day` (today included); None if the month it falls in has no such day."""
    position = _position(today)
    if position is None or not 1 <= lunar_day <= 30:
        return None
    calendar = _calendar()
    for i in (position[0], position[0] + 1):
        if i >= len(calendar.months) or lunar_day > calendar.months[i].length:
            return None
        ordinal = calendar.months[i].first + lunar_day - 1
        if ordinal >= today.toordinal() and ordinal < calendar.end:
            return date.fromordinal(ordinal)
    return None


def nearest_lunar(today: date, month: int, lunar_day: Optional[int], leap: bool,
                  year_offset: Optional[int]) -> Optional[date]:
    """Lunar month and day (腊月初八): the occurrence nearest today, or that of the lunar year
    `year_offset` from today's (明年 is 1); None if it is past or has no such day. Nearest, because a
    festival named a few days after it is about the one just past, not next year's. lunar_day None
    means the month's last day (除夕)."""
    position = _position(today)
    if position is None or not 1 <= month <= 12:
        return None
    calendar, today_ordinal = _calendar(), today.toordinal()
    this_year = calendar.months[position[0]].year
    years = [this_year + year_offset] if year_offset is not None else [this_year - 1, this_year, this_year + 1]
    best: Optional[_LunarMonth] = None
    best_distance: Tuple[int, int] = (0, 0)
    for year in years:
        i = calendar.index.get((year, month, leap))
        if i is None:
            continue
        candidate = calendar.months[i]
        approx = candidate.first + min(lunar_day or candidate.length, candidate.length) - 1
        distance = (abs(approx - today_ordinal), 0 if approx >= today_ordinal else 1)
        if best is None or distance < best_distance:
            best, best_distance = candidate, distance
    if best is None:
        return None
    wanted = best.length if lunar_day is None else lunar_day
    if not 1 <= wanted <= best.length:
        return None
    ordinal = best.first + wanted - 1
    return date.fromordinal(ordinal) if ordinal >= today_ordinal else None


def lunar_year_of(day: date) -> Optional[int]:
    """The lunar year a Gregorian day falls in (2027-02-05, 除夕, is still 2026); None outside the table."""
    position = _position(day)
    return None if position is None else _calendar().months[position[0]].year


def warm_up() -> None:
    """Decode the table now rather than on the first lunar expression."""
    _calendar()

