"""Numbers, amounts, dates and masked numbers are read the way people say them."""

from __future__ import annotations

import pytest

from kiosk.speech.verbalize import cardinal, verbalize


@pytest.mark.parametrize("text, spoken", [
    ("3,215.60 元", "三千二百一十五元六角"),
    ("0.05 元", "五分"),
    ("3,215.60\u00a0元", "三千二百一十五元六角"),
    ("3.05 元", "三元零五分"),
    ("1005 元", "一千零五元"),
    ("10月15日", "十月十五日"),
    ("2026年3月1日", "二零二六年三月一日"),
    ("身份证号 3607 ********** 1226", "身份证号 尾号一二二六"),
    ("138 **** 5678", "尾号五六七八"),
    ("案件号 2026112400017", "案件号 二零二六一一二四零零零一七"),
    ("办件编号是 2026 1124 0000 0151。", "办件编号是 二零二六，一一二四，零零零零，零一五一。"),
    ("登记号 123 456", "登记号 一二三，四五六"),
    ("上午9:30", "上午九点半"), ("下午2:00", "下午两点"), ("上午10:15", "上午十点十五分"),
])
def test_spoken_forms(text, spoken):
    assert verbalize(text) == spoken


@pytest.mark.parametrize("number, spoken", [
    (0, "零"), (10, "十"), (15, "十五"), (20, "二十"), (101, "一百零一"), (110, "一百一十"),
    (30500, "三万零五百"), (100000, "十万"), (1000010, "一百万零一十"), (120000000, "一亿二千万"),
])
def test_cardinal(number, spoken):
    assert cardinal(number) == spoken
