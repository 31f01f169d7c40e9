"""Numbers, amounts, dates and masked numbers are read the way people say them.

Numbers read digit by digit (phone, case, registration and hotline numbers, masked tails)
say 1 as 幺, as the 12345 line and residents do; amounts, dates and years keep 一."""

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
    ("身份证号 3607 ********** 1226", "身份证号 尾号幺二二六"),
    ("138 **** 5678", "尾号五六七八"),
    ("案件号 2026112400017", "案件号 二零二六幺幺二四零零零幺七"),
    ("办件编号是 2026 1124 0000 0151。", "办件编号是 二零二六，幺幺二四，零零零零，零幺五幺。"),
    ("登记号 123 456", "登记号 幺二三，四五六"),
    ("向12345反映", "向幺二三四五反映"), ("打110、12345问一问", "打幺幺零、幺二三四五问一问"),
    ("120 元", "一百二十元"), ("110岁", "一百一十岁"),
    ("电话：0797-8012345。", "电话：零七九七，八零幺二三四五。"),
    ("联系电话尾号5671。", "联系电话尾号五六七幺。"), ("编号尾号0151的事", "编号尾号零幺五幺的事"),
    ("*******五六一八", "尾号五六幺八"), ("张*英，您好。", "张某英，您好。"), ("王*，您好", "王某，您好"),
    ("2021年", "二零二一年"), ("11位", "十一位"), ("年满80周岁", "年满八十周岁"),
    ("周一至周五 上午9:00-12:00，下午2:00-5:00", "周一至周五 上午九点到十二点，下午两点到五点"),
    ("3607 0219 5003 1212 3X", "三六零七，零二幺九，五零零三，幺二幺二，三叉"),
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
