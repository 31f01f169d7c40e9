"""Days said on the lunar calendar (腊月初八, 初八, 中秋, 除夕) as common.dates reads them, and the
lunar table under them (common.lunar) against independent sources."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from common.dates import parse_day
from common.lunar import LUNAR_YEARS, lunar_to_solar, lunar_year_of, solar_to_lunar
from tests.common.date_cases import (
    LEAP_MONTH,
    LUNAR_MONTHS,
    MONTHS_IN_CHINESE,
    NEW_YEARS_EVE,
    SPRING_FESTIVAL,
    SWEEP_TODAYS,
    TUESDAY,
    d,
    lunar_day_words,
)


@pytest.mark.parametrize("text, today, day", [
    ("除夕", NEW_YEARS_EVE, "2027-02-05"),
    ("大年三十", NEW_YEARS_EVE, "2027-02-05"),
    ("大年初一", NEW_YEARS_EVE, "2027-02-06"),
    ("春节", NEW_YEARS_EVE, "2027-02-06"),
    ("正月十五", NEW_YEARS_EVE, "2027-02-20"),
    ("元宵节", NEW_YEARS_EVE, "2027-02-20"),
    ("初八", NEW_YEARS_EVE, "2027-02-13"),
    ("腊月初八", NEW_YEARS_EVE, None),           # three weeks ago
    ("明年正月十五", NEW_YEARS_EVE, "2027-02-20"),  # lunar years: tomorrow is next year
    ("除夕", SPRING_FESTIVAL, None),
    ("初一", SPRING_FESTIVAL, "2027-02-06"),
    ("今年腊月初八", SPRING_FESTIVAL, "2028-01-04"),
    ("初八", LEAP_MONTH, "2025-08-01"),          # the leap month's 初八
    ("闰六月初八", LEAP_MONTH, "2025-08-01"),
    ("六月初八", LEAP_MONTH, None),               # the ordinary sixth month's is past
    ("农历八月十五", TUESDAY, None),
    ("农历八月十五", d("2027-09-01"), "2027-09-15"),
    ("中秋节", d("2027-09-01"), "2027-09-15"),
    ("端午", d("2027-05-20"), "2027-06-09"),
    ("重阳节", d("2026-10-01"), "2026-10-18"),
    ("农历12月8号", TUESDAY, "2027-01-15"),
    ("五月初五", d("2027-05-20"), "2027-06-09"),
    ("初八", d("2057-03-01"), None),              # past the table: no guess
])
def test_lunar_days(text, today, day):
    assert parse_day(text, today) == (d(day) if day else None)


# 正月初一 of lunar years 2000-2056 as MMDD, and their leap months, from lunardate 0.3.0 (the Hong
# Kong Observatory's tables), a different source from the one the table was made from.
SPRING_FESTIVALS = re.findall(r"\d{4}", """
0205 0124 0212 0201 0122 0209 0129 0218 0207 0126 0214 0203 0123 0210 0131 0219 0208 0128 0216 0205
0125 0212 0201 0122 0210 0129 0217 0206 0126 0213 0203 0123 0211 0131 0219 0208 0128 0215 0204 0124
0212 0201 0122 0210 0130 0217 0206 0126 0214 0202 0123 0211 0201 0219 0208 0128 0215
""")
LEAP_MONTHS = {2001: 4, 2004: 2, 2006: 7, 2009: 5, 2012: 4, 2014: 9, 2017: 6, 2020: 4, 2023: 2, 2025: 6,
               2028: 5, 2031: 3, 2033: 11, 2036: 6, 2039: 5, 2042: 2, 2044: 7, 2047: 5, 2050: 3, 2052: 8,
               2055: 6}


def test_lunar_table_new_years_and_leap_months():
    assert list(LUNAR_YEARS) == list(range(2000, 2057))
    for year, mmdd in zip(LUNAR_YEARS, SPRING_FESTIVALS, strict=True):
        assert lunar_to_solar(year, 1, 1) == date(year, int(mmdd[:2]), int(mmdd[2:])), year
        leap = LEAP_MONTHS.get(year)
        for month in range(1, 13):
            assert (lunar_to_solar(year, month, 1, leap=True) is not None) == (month == leap), (year, month)


def test_lunar_table_is_continuous_and_round_trips():
    day, end = lunar_to_solar(2000, 1, 1), lunar_to_solar(2056, 12, 1)
    previous = None
    while day <= end:
        year, month, lunar_day, leap = solar_to_lunar(day)
        assert lunar_to_solar(year, month, lunar_day, leap) == day
        if previous is not None:
            assert lunar_day == 1 or lunar_day == previous[2] + 1
        previous = (year, month, lunar_day)
        day += timedelta(days=1)
    assert solar_to_lunar(date(2000, 2, 4)) is None
    assert solar_to_lunar(date(2060, 1, 1)) is None
    assert lunar_to_solar(2026, 12, 30) is None and lunar_to_solar(2026, 12, 29) == NEW_YEARS_EVE
    assert lunar_year_of(NEW_YEARS_EVE) == 2026 and lunar_year_of(SPRING_FESTIVAL) == 2027


def _every_day_against(convert):
    """Compare solar_to_lunar with a library's answer for each day the table covers."""
    day = lunar_to_solar(2000, 1, 1)
    while solar_to_lunar(day) is not None:
        assert solar_to_lunar(day) == convert(day), day
        day += timedelta(days=1)


def test_lunar_table_matches_lunar_python_month_by_month():
    """Every month's 初一, length and leap flag (which fix every day) against lunar-python's
    astronomical computation, the source of the table."""
    lunar_python = pytest.importorskip("lunar_python")
    for year in LUNAR_YEARS:
        for month in lunar_python.LunarYear.fromYear(year).getMonthsInYear():
            number, leap = abs(month.getMonth()), month.getMonth() < 0
            first = lunar_python.Solar.fromJulianDay(month.getFirstJulianDay())
            assert lunar_to_solar(year, number, 1, leap) == date(first.getYear(), first.getMonth(), first.getDay())
            assert lunar_to_solar(year, number, month.getDayCount(), leap) is not None
            assert lunar_to_solar(year, number, month.getDayCount() + 1, leap) is None


def test_lunar_table_matches_lunardate_every_day():
    """Day by day against lunardate, which reads the Hong Kong Observatory's tables."""
    lunardate = pytest.importorskip("lunardate")

    def convert(day):
        lunar = lunardate.LunarDate.from_solar_date(day.year, day.month, day.day)
        return lunar.year, lunar.month, lunar.day, bool(lunar.isLeapMonth)
    _every_day_against(convert)


@pytest.mark.parametrize("today", SWEEP_TODAYS)
def test_every_day_said_in_lunar_terms(today):
    for ahead in range(401):
        day = today + timedelta(days=ahead)
        year, month, lunar_day, leap = solar_to_lunar(day)
        words = ("闰" if leap else "") + LUNAR_MONTHS[month] + "月" + lunar_day_words(lunar_day)
        marked = "农历" + ("闰" if leap else "") + MONTHS_IN_CHINESE[month] + "月" + lunar_day_words(lunar_day)
        if ahead <= 170:
            assert parse_day(marked, today) == day, marked
            plain_is_lunar = leap or month in (1, 11, 12) or lunar_day <= 10 or 21 <= lunar_day <= 29
            assert parse_day(words, today) == (day if plain_is_lunar else None), words
        if ahead <= 28 and lunar_day <= 10:
            next_one = parse_day(lunar_day_words(lunar_day), today)  # the next 初X: this one or sooner
            assert next_one is not None and today <= next_one <= day
            assert solar_to_lunar(next_one)[2] == lunar_day

