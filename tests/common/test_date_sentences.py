"""Whole sentences as residents say them: the day (common.dates), the part of the day and the
clock time (common.times_of_day) each finds, the sentences that name no day, and the days that
are said but cannot be booked (past, impossible, ambiguous)."""

from __future__ import annotations

import pytest

from common.dates import find_day, find_days, parse_day
from common.times_of_day import AFTERNOON, MORNING, find_clock_time, find_part_of_day
from tests.common.date_cases import JAN_END, LEAP_DAY, TUESDAY, d

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

