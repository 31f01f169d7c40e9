"""Parts of the day and clock times as residents say them (common.times_of_day): 上午/下午 and
their kin, and "HH:MM" read onto the hours the hall keeps."""

from __future__ import annotations

import pytest

from common.times_of_day import AFTERNOON, MORNING, find_clock_time, find_part_of_day


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

