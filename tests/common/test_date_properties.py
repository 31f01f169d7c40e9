"""Properties over any text on any day: day and time readers (common.dates, common.times_of_day)
never raise, their spans slice back to the resident's words, and no answer is in the past."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.dates import find_day, find_days, parse_day
from common.times_of_day import AFTERNOON, MORNING, find_clock_time, find_part_of_day
from tests.common.date_cases import TUESDAY, d, todays

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
    assert parse_day("明天", datetime(2026, 12, 1, 15, 30)) == d("2026-12-02")
