"""Days and words the day and time tests share: the todays that test each edge of the
calendars, and the way a resident says a number, a month or a lunar day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import List

from hypothesis import strategies as st

TUESDAY = date(2026, 12, 1)     # the day this was written: lunar 2026-10-23
SUNDAY = date(2026, 12, 6)
YEAR_END = date(2026, 12, 31)   # a Thursday
JAN_END = date(2027, 1, 31)     # a Sunday at a month's end
FEB_END = date(2027, 2, 28)     # a Sunday, February of a common year
LEAP_DAY = date(2028, 2, 29)
NEW_YEARS_EVE = date(2027, 2, 5)  # 除夕: lunar 2026-12-29 (that 腊月 has 29 days)
SPRING_FESTIVAL = date(2027, 2, 6)
LEAP_MONTH = date(2025, 7, 25)  # 闰六月初一 of lunar 2025

WEEKDAY_WORDS = "一二三四五六日"
MONTHS_IN_CHINESE = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
LUNAR_MONTHS = ["", "正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"]


def chinese(n: int) -> str:
    """1..31 the way it is said: 五, 十, 十五, 二十, 二十五, 三十一."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else MONTHS_IN_CHINESE[tens] + "十")
    return head + (MONTHS_IN_CHINESE[ones] if ones else "")


def lunar_day_words(n: int) -> str:
    """初一..初十, 十一..十九, 二十, 廿一..廿九, 三十."""
    if n <= 10:
        return "初" + chinese(n)
    if 21 <= n <= 29:
        return "廿" + chinese(n - 20)
    return chinese(n)


def d(text: str) -> date:
    return date.fromisoformat(text)


SWEEP_TODAYS = [TUESDAY, SUNDAY, YEAR_END, JAN_END, FEB_END, LEAP_DAY, NEW_YEARS_EVE, LEAP_MONTH]
todays = st.dates(min_value=date(2001, 1, 1), max_value=date(2055, 12, 31))


def gregorian_forms(day: date, with_year: bool) -> List[str]:
    m, n = day.month, day.day
    spoken = f"{MONTHS_IN_CHINESE[m]}月{chinese(n)}"
    forms = [f"{m}月{n}号", f"{m}月{n}日", f"{spoken}号", f"{spoken}日"]
    if with_year:
        forms = [f"{day.year}年{f}" for f in forms] + [day.isoformat()]
    return forms


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
