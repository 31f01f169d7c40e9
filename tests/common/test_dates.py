"""Day and time expressions as residents say them (common.dates) and the lunar table under them
(common.lunar): real sentences, the decisions on ambiguous ones, the table against independent
sources, and properties over every day of the coming year and over any text."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.dates import (
    AFTERNOON,
    MORNING,
    find_clock_time,
    find_day,
    find_days,
    find_part_of_day,
    parse_day,
    warm_up,
)
from common.lunar import LUNAR_YEARS, lunar_to_solar, lunar_year_of, solar_to_lunar

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


# -- whole sentences ------------------------------------------------------------------------

@pytest.mark.parametrize("text, today, day, part, clock", [
    ("我想明天上午去", TUESDAY, "2026-12-02", MORNING, None),
    ("下个礼拜三上午去章贡区办老年证我先预约", TUESDAY, "2026-12-09", MORNING, None),
    ("明天上午去章贡区办老年证我先预约", TUESDAY, "2026-12-02", MORNING, None),
    ("帮我约一下后天去南康区办医保业务", TUESDAY, "2026-12-03", None, None),
    ("后天上午想去办户籍", TUESDAY, "2026-12-03", MORNING, None),
    ("腊月初八那天", TUESDAY, "2027-01-15", None, None),
    ("12月5号下午两点", TUESDAY, "2026-12-05", AFTERNOON, "14:00"),
    ("后天去办医保", TUESDAY, "2026-12-03", None, None),
    ("这个礼拜五行不行", TUESDAY, "2026-12-04", None, None),
    ("大后天去可以吗", TUESDAY, "2026-12-04", None, None),
    ("今天下午还能办吗", TUESDAY, "2026-12-01", AFTERNOON, None),
    ("今朝上昼得唔得", TUESDAY, "2026-12-01", MORNING, None),
    ("天光日下昼三点我去", TUESDAY, "2026-12-02", AFTERNOON, "15:00"),
    ("明朝早上九点半", TUESDAY, "2026-12-02", MORNING, "09:30"),
    ("明早九点", TUESDAY, "2026-12-02", MORNING, "09:00"),
    ("下星期一上午十点钟", TUESDAY, "2026-12-07", MORNING, "10:00"),
    ("下下周一", TUESDAY, "2026-12-14", None, None),
    ("星期天上午", TUESDAY, "2026-12-06", MORNING, None),
    ("本周日", TUESDAY, "2026-12-06", None, None),
    ("我要预约十二月五号的医保业务", TUESDAY, "2026-12-05", None, None),
    ("五号下午", TUESDAY, "2026-12-05", AFTERNOON, None),
    ("2026年12月5日上午9:30", TUESDAY, "2026-12-05", MORNING, "09:30"),
    ("二零二六年十二月五号", TUESDAY, "2026-12-05", None, None),
    ("明年1月5号", TUESDAY, "2027-01-05", None, None),
    ("初八那天去办老年证", TUESDAY, "2026-12-16", None, None),
    ("农历十五", TUESDAY, "2026-12-23", None, None),
    ("正月十五过完再去", TUESDAY, "2027-02-20", None, None),
    ("冬月二十上午", TUESDAY, "2026-12-28", MORNING, None),
    ("阴历冬月初一", TUESDAY, "2026-12-09", None, None),
    ("除夕那天开门吗", TUESDAY, "2027-02-05", None, None),
    ("大年初二", TUESDAY, "2027-02-07", None, None),
    ("三天后", TUESDAY, "2026-12-04", None, None),
    ("一个礼拜以后", TUESDAY, "2026-12-08", None, None),
    ("下 个 礼拜 三", TUESDAY, "2026-12-09", None, None),        # the recogniser's spaces
    ("12 月 5 号", TUESDAY, "2026-12-05", None, None),
    ("下禮拜三", TUESDAY, "2026-12-09", None, None),             # typed in traditional characters
    ("後天下晝", TUESDAY, "2026-12-03", AFTERNOON, None),
    ("１２月５号", TUESDAY, "2026-12-05", None, None),           # full-width digits
    ("2026-12-05", TUESDAY, "2026-12-05", None, None),          # a button's payload
    ("明天 12月2日 星期三", TUESDAY, "2026-12-02", None, None),  # the kiosk's own day label said back
    ("12月5号星期六", TUESDAY, "2026-12-05", None, None),
    ("明天不行，后天吧", TUESDAY, "2026-12-03", None, None),
    ("不是明天，是后天", TUESDAY, "2026-12-03", None, None),
    ("上午不行，下午三点吧", TUESDAY, None, AFTERNOON, "15:00"),
    ("帮我约一下周三", TUESDAY, "2026-12-02", None, None),       # 约一下 + 周三, not 下周三
    ("我想约下周四下午三点半", TUESDAY, "2026-12-10", AFTERNOON, "15:30"),
    ("下礼拜三点钟去", TUESDAY, None, None, "15:00"),             # next week, at three
    ("下个礼拜的今天", TUESDAY, "2026-12-08", None, None),
    ("下个月的今天", TUESDAY, "2027-01-01", None, None),
    ("明年的今天", TUESDAY, "2027-12-01", None, None),
    ("元旦那天", TUESDAY, "2027-01-01", None, None),
    ("劳动节", TUESDAY, "2027-05-01", None, None),
])
def test_sentences(text, today, day, part, clock):
    assert parse_day(text, today) == (d(day) if day else None)
    found = find_part_of_day(text)
    assert (found.value if found else None) == part
    time = find_clock_time(text)
    assert (time.value if time else None) == clock


@pytest.mark.parametrize("text, today", [
    ("幸福小区5号楼门口的路灯坏了", TUESDAY),
    ("我住在红旗大道28号", TUESDAY),
    ("请到3号窗口", TUESDAY),
    ("坐5号线过去", TUESDAY),
    ("我今年七十八岁", TUESDAY),
    ("今年三十岁", TUESDAY),
    ("一日三餐", TUESDAY),
    ("每周三都去", TUESDAY),
    ("一周三次", TUESDAY),
    ("以后天天去锻炼", TUESDAY),
    ("然后天就黑了", TUESDAY),
    ("几天后", TUESDAY),
    ("第12345号", TUESDAY),
    ("打12345反映问题", TUESDAY),
    ("我孙子读初三", TUESDAY),
    ("我要办养老金", TUESDAY),
    ("看下周三有没有号", TUESDAY),  # 看下 + 周三 or 看 + 下周三: ask
    ("帮我查下周四", TUESDAY),
    ("明后天", TUESDAY),
    ("这两天", TUESDAY),
    ("周末去", TUESDAY),
    ("下周", TUESDAY),
    ("这个月底", TUESDAY),
    ("", TUESDAY),
])
def test_sentences_without_a_day(text, today):
    assert parse_day(text, today) is None
    assert find_day(text, today) is None


@pytest.mark.parametrize("text, today", [
    ("昨天", TUESDAY), ("前天去过了", TUESDAY), ("上个礼拜三", TUESDAY), ("上周五", TUESDAY),
    ("这周一", TUESDAY), ("2025年12月5日", TUESDAY), ("11月30号", TUESDAY), ("2026-11-30", TUESDAY),
    ("十月初八", TUESDAY), ("中秋节", TUESDAY), ("上个月5号", TUESDAY), ("去年12月5号", TUESDAY),
    ("上周的今天", TUESDAY), ("国庆节", TUESDAY), ("我1950年3月12号出生", TUESDAY),
])
def test_past_days_are_none(text, today):
    assert parse_day(text, today) is None


@pytest.mark.parametrize("text, today", [
    ("2月30号", TUESDAY), ("11月31号", TUESDAY), ("13月5号", TUESDAY), ("12月32号", TUESDAY),
    ("2月29号", TUESDAY),     # the nearest February, 2027's, has 28 days
    ("腊月三十", TUESDAY),    # lunar 2026's 腊月 has 29 days: 除夕 is 廿九
    ("30号", JAN_END),        # February has no 30th
    ("30号", LEAP_DAY),
    ("2027年2月29日", TUESDAY),
    ("下个月的今天", JAN_END),  # no 31 February
])
def test_impossible_days_are_none(text, today):
    assert parse_day(text, today) is None


@pytest.mark.parametrize("text", [
    "明天或者后天", "周一到周五都开门吗", "12月5号星期三", "明天星期五", "八月十五", "十二月二十",
    "下个月初五", "小年", "2月30号或者明天", "5号以前", "周三左右", "明天以后再说", "初八初九都行",
])
def test_ambiguous_answers_are_none(text):
    assert parse_day(text, TUESDAY) is None


def test_find_day_takes_the_first_day_not_turned_down():
    assert find_day("明天或者后天", TUESDAY).day == d("2026-12-02")
    assert find_day("明天不行，后天吧", TUESDAY).day == d("2026-12-03")
    assert find_day("昨天去过了，明天再去", TUESDAY).day == d("2026-12-02")
    mentions = find_days("明天不行，后天吧", TUESDAY)
    assert [(m.text, m.negated) for m in mentions] == [("明天", True), ("后天", False)]
    assert find_day("明天不要紧", TUESDAY).day == d("2026-12-02")
    assert find_day("5号以前", TUESDAY).day == d("2026-12-05")  # said, though the answer is a stretch


def test_spans():
    text = "嗯，下个礼拜三上午去章贡区办老年证"
    mention = find_day(text, TUESDAY)
    assert (mention.start, mention.end, mention.text) == (2, 7, "下个礼拜三")
    part = find_part_of_day(text)
    assert (part.start, part.end, part.text) == (7, 9, "上午")
    time = find_clock_time("12月5号下午两点去")
    assert (time.start, time.end, time.text) == (5, 9, "下午两点")
    assert find_day("下禮拜三", TUESDAY).text == "下禮拜三"  # the resident's characters, not folded ones
    assert find_day("初八 那天", TUESDAY).text == "初八"


# -- decisions on weekdays ------------------------------------------------------------------

@pytest.mark.parametrize("text, today, day", [
    ("周三", TUESDAY, "2026-12-02"),
    ("礼拜二", TUESDAY, "2026-12-08"),     # said on a Tuesday: next week's
    ("星期三", d("2026-12-02"), "2026-12-09"),
    ("这周二", TUESDAY, "2026-12-01"),     # this week's includes today
    ("这个礼拜五", TUESDAY, "2026-12-04"),
    ("本周五", TUESDAY, "2026-12-04"),
    ("这星期天", TUESDAY, "2026-12-06"),
    ("下周三", TUESDAY, "2026-12-09"),
    ("下星期三", TUESDAY, "2026-12-09"),
    ("下个星期三", TUESDAY, "2026-12-09"),
    ("下一个礼拜一", TUESDAY, "2026-12-07"),
    ("下下个礼拜一", TUESDAY, "2026-12-14"),
    ("下周三", SUNDAY, "2026-12-09"),      # weeks run Monday to Sunday: three days ahead
    ("周三", SUNDAY, "2026-12-09"),
    ("这周三", SUNDAY, None),
    ("这个礼拜天", SUNDAY, "2026-12-06"),
    ("下个礼拜天", SUNDAY, "2026-12-13"),
    ("下周三", JAN_END, "2027-02-03"),
    ("下周一", YEAR_END, "2027-01-04"),
    ("周3", TUESDAY, "2026-12-02"),
    ("下周的周三", TUESDAY, "2026-12-09"),
])
def test_weekdays(text, today, day):
    assert parse_day(text, today) == (d(day) if day else None)


# -- decisions on months and years ----------------------------------------------------------

@pytest.mark.parametrize("text, today, day", [
    ("5号", TUESDAY, "2026-12-05"),
    ("1号", TUESDAY, "2026-12-01"),      # today
    ("1号", d("2026-12-02"), "2027-01-01"),
    ("31号", TUESDAY, "2026-12-31"),
    ("5号", YEAR_END, "2027-01-05"),
    ("31号", JAN_END, "2027-01-31"),
    ("28号", JAN_END, "2027-02-28"),
    ("1号", FEB_END, "2027-03-01"),
    ("29号", LEAP_DAY, "2028-02-29"),
    ("5日", TUESDAY, "2026-12-05"),
    ("十五号", TUESDAY, "2026-12-15"),
    ("1月5号", TUESDAY, "2027-01-05"),     # nearest: next January
    ("6月1号", TUESDAY, "2027-06-01"),     # 182 days ahead, 183 behind
    ("8月1号", TUESDAY, None),             # nearer last August, which is past
    ("12月31号", YEAR_END, "2026-12-31"),
    ("1月1号", YEAR_END, "2027-01-01"),
    ("12月30号", YEAR_END, None),
    ("2月29号", LEAP_DAY, "2028-02-29"),
    ("2月29号", d("2027-12-01"), "2028-02-29"),
    ("2月29号", FEB_END, None),
    ("今年12月5号", TUESDAY, "2026-12-05"),
    ("明年12月5号", TUESDAY, "2027-12-05"),
    ("2027年3月1日", TUESDAY, "2027-03-01"),
    ("27年3月1日", TUESDAY, "2027-03-01"),
    ("这个月5号", TUESDAY, "2026-12-05"),
    ("下个月5号", TUESDAY, "2027-01-05"),
    ("下个月十五", TUESDAY, "2027-01-15"),
    ("12月15", TUESDAY, "2026-12-15"),      # digits without 号: Gregorian
    ("十二月五", TUESDAY, "2026-12-05"),    # not a lunar-style day
    ("明天", YEAR_END, "2027-01-01"),
    ("明天", LEAP_DAY, "2028-03-01"),
    ("后天", d("2027-02-27"), "2027-03-01"),
])
def test_month_days(text, today, day):
    assert parse_day(text, today) == (d(day) if day else None)


# -- the lunar calendar ---------------------------------------------------------------------

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


# -- parts of the day and clock times -------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("上午", MORNING), ("早上", MORNING), ("早晨", MORNING), ("上昼", MORNING), ("清早", MORNING),
    ("一大早就去", MORNING), ("明早", MORNING), ("中午以前", MORNING), ("朝晨", MORNING),
    ("下午", AFTERNOON), ("下昼", AFTERNOON), ("午后", AFTERNOON), ("中午后", AFTERNOON),
    ("中午以后", AFTERNOON), ("过了中午", AFTERNOON), ("吃了中饭再去", AFTERNOON), ("下半天", AFTERNOON),
    ("上午不行，下午吧", AFTERNOON),
    ("中午", None), ("当昼", None), ("晚上", None), ("傍晚", None), ("今晚", None), ("暗晡", None),
    ("早一点去", None), ("马上就来", None), ("我要办养老金", None),
])
def test_parts_of_the_day(text, value):
    found = find_part_of_day(text)
    assert (found.value if found else None) == value


@pytest.mark.parametrize("text, value", [
    ("九点", "09:00"), ("9点半", "09:30"), ("十点钟", "10:00"), ("下午两点", "14:00"), ("两点半", "14:30"),
    ("14:30", "14:30"), ("14：30", "14:30"), ("下午2:30", "14:30"), ("上午十点半", "10:30"),
    ("早上8点", "08:00"), ("下午3点一刻", "15:15"), ("九点三刻", "09:45"), ("十点十五分", "10:15"),
    ("9点05", "09:05"), ("九点零五", "09:05"), ("九点二十", "09:20"), ("十四点", "14:00"),
    ("十二点", "12:00"), ("中午十二点", "12:00"), ("中午一点", "13:00"), ("晚上七点", "19:00"),
    ("下昼三点", "15:00"), ("十一点", "11:00"), ("10点整", "10:00"), ("九点多", "09:00"),
    ("14时30分", "14:30"), ("十四时三十分", "14:30"), ("一点半", "13:30"), ("下午一点", "13:00"),
    ("下午去，大概三点", "15:00"), ("上午吧，十点", "10:00"), ("两点不行，三点吧", "15:00"),
    ("说慢一点", None), ("早一点去", None), ("九点五", None), ("下午九点", None), ("九点六十分", None),
    ("25点", None), ("一时半会儿", None), ("几点开门", None), ("一点儿", None),
])
def test_clock_times(text, value):
    found = find_clock_time(text)
    assert (found.value if found else None) == value


# -- every day of the coming year -----------------------------------------------------------

SWEEP_TODAYS = [TUESDAY, SUNDAY, YEAR_END, JAN_END, FEB_END, LEAP_DAY, NEW_YEARS_EVE, LEAP_MONTH]


def gregorian_forms(day: date, with_year: bool) -> list:
    m, n = day.month, day.day
    spoken = f"{MONTHS_IN_CHINESE[m]}月{chinese(n)}"
    forms = [f"{m}月{n}号", f"{m}月{n}日", f"{spoken}号", f"{spoken}日"]
    if with_year:
        forms = [f"{day.year}年{f}" for f in forms] + [day.isoformat()]
    return forms


@pytest.mark.parametrize("today", SWEEP_TODAYS)
def test_every_day_said_by_month_and_day(today):
    for ahead in range(401):
        day = today + timedelta(days=ahead)
        for text in gregorian_forms(day, with_year=True):
            assert parse_day(text, today) == day, text
        # Without the year: the nearest such date. 183 days ahead is a tie or not depending on leap
        # years, and from 365 days on the same month and day is also this year's, nearer.
        if ahead == 183 or ahead >= 365:
            continue
        expected: Optional[date] = day if ahead <= 182 else None
        for text in gregorian_forms(day, with_year=False):
            assert parse_day(text, today) == expected, (text, ahead)


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


@pytest.mark.parametrize("today", SWEEP_TODAYS)
def test_every_day_of_the_month_ahead(today):
    for ahead in range(28):
        day = today + timedelta(days=ahead)
        for text in (f"{day.day}号", f"{chinese(day.day)}号", f"{day.day}日"):
            assert parse_day(text, today) == day, text


# -- properties -----------------------------------------------------------------------------

todays = st.dates(min_value=date(2001, 1, 1), max_value=date(2055, 12, 31))
weekdays = st.integers(min_value=0, max_value=6)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@given(today=todays, weekday=weekdays, word=st.sampled_from(["星期", "礼拜", "周"]))
def test_a_bare_weekday_is_the_next_one(today, weekday, word):
    day = parse_day(word + WEEKDAY_WORDS[weekday], today)
    assert day.weekday() == weekday and 1 <= (day - today).days <= 7


@given(today=todays, weekday=weekdays,
       prefix=st.sampled_from(["下个星期", "下周", "下星期", "下个礼拜", "下礼拜", "下一个星期", "下个周"]))
def test_next_weeks_day_is_in_the_week_after_this_one(today, weekday, prefix):
    day = parse_day(prefix + WEEKDAY_WORDS[weekday], today)
    assert day.weekday() == weekday and monday(day) == monday(today) + timedelta(days=7)
    assert 1 <= (day - today).days <= 13
    if today.weekday() == 0:
        assert 7 <= (day - today).days <= 13


@given(today=todays, weekday=weekdays, prefix=st.sampled_from(["这周", "本周", "这个礼拜", "这个星期", "这星期"]))
def test_this_weeks_day_or_none_once_past(today, weekday, prefix):
    expected = monday(today) + timedelta(days=weekday)
    assert parse_day(prefix + WEEKDAY_WORDS[weekday], today) == (expected if expected >= today else None)


@given(today=todays, weekday=weekdays)
def test_the_week_after_next_and_last_week(today, weekday):
    assert parse_day("下下周" + WEEKDAY_WORDS[weekday], today) == monday(today) + timedelta(days=14 + weekday)
    assert parse_day("上个礼拜" + WEEKDAY_WORDS[weekday], today) is None


@given(today=todays, ahead=st.integers(min_value=0, max_value=400))
def test_a_date_with_its_year_parses_back(today, ahead):
    day = today + timedelta(days=ahead)
    for text in gregorian_forms(day, with_year=True):
        assert parse_day(text, today) == day


@given(today=todays, ahead=st.integers(min_value=0, max_value=182))
def test_a_date_without_its_year_parses_back_within_half_a_year(today, ahead):
    day = today + timedelta(days=ahead)
    for text in gregorian_forms(day, with_year=False):
        assert parse_day(text, today) == day


@given(today=todays, ahead=st.integers(min_value=1, max_value=366))
def test_a_past_date_is_none(today, ahead):
    day = today - timedelta(days=ahead)
    assert parse_day(f"{day.year}年{day.month}月{day.day}日", today) is None
    assert parse_day(day.isoformat(), today) is None


RELATIVE = {0: ["今天", "今日", "今朝", "今儿", "今晡日"], 1: ["明天", "明日", "明朝", "明儿", "天光日"],
            2: ["后天", "后日", "后儿"], 3: ["大后天"], 4: ["大大后天"]}


@given(today=todays, offset=st.sampled_from(sorted(RELATIVE)), days=st.integers(1, 31))
def test_relative_days(today, offset, days):
    for text in RELATIVE[offset]:
        assert parse_day(text, today) == today + timedelta(days=offset)
    later = today + timedelta(days=days)
    assert parse_day(f"{days}天后", today) == later
    assert parse_day(f"{chinese(days)}天以后", today) == later
    for text in ("昨天", "前天", "大前天"):
        assert parse_day(text, today) is None


characters = list("0123456789零〇一二两三四五六七八九十廿卅年月日号初闰正冬腊农历阴星期礼拜周下上这本个天今明后大昨前"
                  "午早晚中点分半刻钟时:：-/. ，不行是的每以过节除夕春宵秋")
date_like_text = st.text(alphabet=st.sampled_from(characters), max_size=24)


def check_mentions(text: str, today: date) -> None:
    for mention in find_days(text, today):
        assert text[mention.start:mention.end] == mention.text and mention.text.strip() == mention.text
        assert mention.day >= today
    day = parse_day(text, today)
    assert day is None or day >= today
    first = find_day(text, today)
    assert first is None or first.day >= today
    part = find_part_of_day(text)
    assert part is None or (text[part.start:part.end] == part.text and part.value in (MORNING, AFTERNOON))
    time = find_clock_time(text)
    if time is not None:
        assert text[time.start:time.end] == time.text
        hours, minutes = time.value.split(":")
        assert re.fullmatch(r"\d\d:\d\d", time.value) and int(hours) < 24 and int(minutes) < 60


@settings(max_examples=400)
@given(text=date_like_text, today=todays)
def test_date_like_text_never_raises_and_slices_back(text, today):
    check_mentions(text, today)


@settings(max_examples=300)
@given(text=st.text(max_size=40), today=st.dates())
def test_any_text_on_any_day_never_raises(text, today):
    check_mentions(text, today)


@settings(max_examples=200)
@given(text=date_like_text, today=st.sampled_from([date.min, date.max, date(9999, 12, 1), date(1, 1, 31)]))
def test_the_ends_of_the_calendar_never_raise(text, today):
    check_mentions(text, today)


@pytest.mark.parametrize("value", [None, 5, b"\xe6\x98\x8e\xe5\xa4\xa9", ["明天"]])
def test_what_is_not_text_is_no_day(value):
    assert parse_day(value, TUESDAY) is None and find_day(value, TUESDAY) is None  # type: ignore[arg-type]
    assert find_part_of_day(value) is None and find_clock_time(value) is None  # type: ignore[arg-type]
    assert parse_day("明天", "2026-12-01") is None  # type: ignore[arg-type]


def test_a_datetime_is_taken_for_its_day():
    from datetime import datetime
    assert parse_day("明天", datetime(2026, 12, 1, 15, 30)) == d("2026-12-02")


# -- cost -----------------------------------------------------------------------------------

def test_importing_compiles_nothing():
    """Rasa imports this at start: no pattern is compiled and the lunar table is not decoded until
    a sentence is parsed (or warm_up is called)."""
    code = ("import re\ncalls = []\noriginal = re._compile\n"
            "re._compile = lambda *a, **k: calls.append(a) or original(*a, **k)\n"
            "import common.dates as dates\n"
            "assert not calls, calls\n"
            "import common.lunar as lunar\n"
            "assert lunar._calendar.cache_info().currsize == 0\n"
            "dates.warm_up()\nassert calls\n")
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=60)


def test_a_sentence_takes_well_under_a_millisecond():
    import time
    warm_up()
    text = "下个礼拜三上午去章贡区办老年证我先预约"
    start = time.perf_counter()
    for _ in range(200):
        parse_day(text, TUESDAY)
        find_part_of_day(text)
        find_clock_time(text)
    assert (time.perf_counter() - start) / 200 < 0.002  # generous: a loaded 2-core machine
