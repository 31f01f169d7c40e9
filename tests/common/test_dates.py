"""Days as residents say them (common.dates): the decisions on weekdays, months and years, every
day of the coming year said by month and day, properties over any today, and the cost of import."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.dates import parse_day
from tests.common.date_cases import (
    FEB_END,
    JAN_END,
    LEAP_DAY,
    SUNDAY,
    SWEEP_TODAYS,
    TUESDAY,
    WEEKDAY_WORDS,
    YEAR_END,
    chinese,
    d,
    gregorian_forms,
    monday,
    todays,
)

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


# -- every day of the coming year -----------------------------------------------------------


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
def test_every_day_of_the_month_ahead(today):
    for ahead in range(28):
        day = today + timedelta(days=ahead)
        for text in (f"{day.day}号", f"{chinese(day.day)}号", f"{day.day}日"):
            assert parse_day(text, today) == day, text


# -- properties -----------------------------------------------------------------------------

weekdays = st.integers(min_value=0, max_value=6)


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


# -- cost -----------------------------------------------------------------------------------

def test_importing_compiles_nothing():
    """Rasa imports these at start: no pattern is compiled and the lunar table is not decoded until
    a sentence is parsed (or warm_up is called), and each module's warm_up compiles its own."""
    code = ("import re\ncalls = []\noriginal = re._compile\n"
            "re._compile = lambda *a, **k: calls.append(a) or original(*a, **k)\n"
            "import common.dates as dates\nimport common.times_of_day as times_of_day\n"
            "import common.day_rules, common.date_text, common.gregorian\n"
            "assert not calls, calls\n"
            "import common.lunar as lunar\n"
            "assert lunar._calendar.cache_info().currsize == 0\n"
            "dates.warm_up()\nassert calls\nafter_days = len(calls)\n"
            "assert lunar._calendar.cache_info().currsize == 1\n"
            "times_of_day.warm_up()\nassert len(calls) > after_days\n")
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=60)
