"""一 and 不 change tone with what follows them (kiosk/speech/tone_rules.py), as the voice says them."""

from __future__ import annotations

import pytest

from tests.kiosk.test_pronounce import said

# -- 3. 一 and 不 -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, pinyin", [
    ("一", "yi1"), ("第一", "di4 yi1"), ("第一步", "di4 yi1 bu4"), ("统一", "tong3 yi1"),
    ("十一", "shi2 yi1"), ("星期一", "xing1 qi1 yi1"), ("周一至周五", "zhou1 yi1 zhi4 zhou1 wu3"),
    ("一二三四五六日", "yi1 er4 san1 si4 wu3 liu4 ri4"), ("一月一日", "yi1 yue4 yi1 ri4"),
    ("一下", "yi2 xia4"), ("一次", "yi2 ci4"), ("一个", "yi2 ge5"), ("一共", "yi2 gong4"),
    ("一定", "yi2 ding4"), ("一样", "yi2 yang4"), ("一遍", "yi2 bian4"), ("一会儿", "yi2 hui4 er5"),
    ("一天", "yi4 tian1"), ("一般", "yi4 ban1"), ("一些", "yi4 xie1"), ("一年", "yi4 nian2"),
    ("一直", "yi4 zhi2"), ("一点", "yi4 dian3"), ("一起", "yi4 qi3"), ("一百", "yi4 bai3"),
    ("一千", "yi4 qian1"), ("一万", "yi2 wan4"), ("说一说", "shuo1 yi5 shuo1"), ("问一问", "wen4 yi5 wen4"),
    ("看一看", "kan4 yi5 kan4"), ("一个字一个字地说", "yi2 ge5 zi4 yi2 ge5 zi4 de5 shuo1"),
    ("十一点", "shi2 yi1 dian3"), ("下午一点", "xia4 wu3 yi4 dian3"),
    ("不", "bu4"), ("不是", "bu2 shi4"), ("不对", "bu2 dui4"), ("不用", "bu2 yong4"), ("不会", "bu2 hui4"),
    ("不要", "bu2 yao4"), ("不客气", "bu2 ke4 qi5"), ("不能", "bu4 neng2"), ("不想", "bu4 xiang3"),
    ("不满意", "bu4 man3 yi4"), ("不清楚", "bu4 qing1 chu5"), ("不通", "bu4 tong1"), ("先不办了", "xian1 bu2 ban4 le5"),
    ("是不是", "shi4 bu5 shi4"), ("要不要", "yao4 bu5 yao4"), ("好不好", "hao3 bu5 hao3"),
    ("看不见", "kan4 bu5 jian4"), ("连不上", "lian2 bu5 shang4"), ("对不起", "dui4 bu5 qi3"),
    ("办不了", "ban4 bu5 liao3"), ("今天不上班", "jin1 tian1 bu2 shang4 ban1"),
    ("不一定", "bu4 yi2 ding4"), ("一不小心", "yi2 bu4 xiao3 xin1"),
])
def test_yi_and_bu(text, pinyin):
    assert said(text) == pinyin
