"""The context rules of Mandarin tones that no dictionary can know, on one phrase's syllables.

Why apart from `pronounce`: that module chooses each word's reading (the reviewed project
list, pypinyin's phrases, a character's default); these rules then change syllables by what
stands around them: 一 and 不 change tone with the next syllable (一样 yi2, 一天 yi4, 不是
bu2, 是不是 bu5, 看不见 bu5), particles lose their tone (的 了 着 过 个 吗 …), and 地/得 after
a word are particles (得 after a pronoun is dei3, "must"). A reading from the reviewed list
is final: no rule touches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

# Particles that always lose their tone when they stand alone as a word (in a dictionary
# word such as 目的 or 了解 the word's own reading stands).
ALWAYS_NEUTRAL = {"的": "de5", "吗": "ma5", "呢": "ne5", "吧": "ba5", "啊": "a5", "呀": "ya5",
                  "嘛": "ma5", "么": "me5", "们": "men5", "着": "zhe5", "了": "le5"}
_PARTICLES = set("的了吗呢吧啊呀嘛着")
_PRONOUNS = set("我你您他她它们")
# What can stand before 一 so that it is a number or an ordinal, said yi1: 十一, 第一, 周一.
_YI_FIRST_AFTER = set("零〇一二三四五六七八九十百千万亿两第周期拜初")
# What can follow 一 so that it is a digit or a date, said yi1: 一二三, 一月, 一日, 一号.
_YI_FIRST_BEFORE = set("零〇一二三四五六七八九十两月日号")
# A verb, 不, then a result or direction: the potential form (看不见, 连不上) has a neutral 不.
_POTENTIAL_VERBS = set("看听说找帮连对约答睡记想买打用办走拿吃做写读认学进出回上下起过交"
                       "收送等来去到搬修查选输填分")
_POTENTIAL_RESULTS = set("见清懂着上下到起动住完开出来去好成及通掉惯够准了")
# Measure words and the like: 一 before them always changes tone, even where a dictionary
# word ends in 一 (大一 "freshman" in 字大一点 is 大 + 一点).
_YI_MEASURES = set("点些下会次遍个步天张项排节声种样件位回趟份句")


@dataclass
class Syllable:
    """One character and the syllable it is said as."""

    char: str
    pinyin: str
    tone: int  # its citation tone (1-5), what 一 and 不 before it react to
    first: bool  # first character of its word
    last: bool  # last character of its word
    single: bool  # the word is this one character
    fixed: bool  # from the reviewed project list: no rule changes it


class ToneRules:
    """The context rules, on one phrase's syllables (spaces between them do not matter)."""

    @staticmethod
    def apply(syllables: List[Syllable]) -> None:
        for i, s in enumerate(syllables):
            if s.fixed:
                continue
            before = syllables[i - 1] if i > 0 else None
            after = syllables[i + 1] if i + 1 < len(syllables) else None
            s.pinyin = ToneRules.one(s, before, after, syllables[i - 2] if i > 1 else None)

    @staticmethod
    def one(s: Syllable, before: Optional[Syllable], after: Optional[Syllable],
            two_before: Optional[Syllable]) -> str:
        ch = s.char
        if ch == "一":
            return ToneRules.yi(s, before, after, two_before)
        if ch == "不":
            return ToneRules.bu(before, after)
        if not (s.single or s.last):
            return s.pinyin
        if ch == "了" and s.single and before is not None and before.char == "不" and two_before is not None:
            return "liao3"  # 办不了, 受不了: the potential form keeps 了 liǎo
        if ch in ALWAYS_NEUTRAL and (s.single or ch in "们么"):
            return ALWAYS_NEUTRAL[ch]
        if ch == "个" and (s.single or s.last):
            return "ge5"  # 一个, 这个, 换个: the measure word is unstressed
        if s.single and before is not None:
            if ch == "地" and after is not None:
                return "de5"  # 一个字一个字地说: adverb marker
            if ch == "得":
                return "dei3" if before.char in _PRONOUNS else "de5"  # 您得带上 (must); 办得好
            if ch == "过" and (after is None or after.char in "的了吗呢"):
                return "guo5"  # 做过了, 反映过的事: aspect
        return s.pinyin

    @staticmethod
    def yi(s: Syllable, before: Optional[Syllable], after: Optional[Syllable],
           two_before: Optional[Syllable]) -> str:
        if (before is not None and after is not None and before.char == after.char
                and (two_before is None or two_before.char != "一")):
            return "yi5"  # 说一说, 看一看 (but 一步一步 is yi2 bu4 yi2 bu4)
        if before is not None and before.char in _YI_FIRST_AFTER:
            return "yi1"
        if after is None or after.char in _YI_FIRST_BEFORE or after.char in _PARTICLES:
            return "yi1"  # 一 ends what is said (唯一的, 万一呢)
        if s.last and not s.first and after.char not in _YI_MEASURES:
            return "yi1"  # 统一, 唯一, 之一: 一 ends the word
        return "yi2" if after.tone == 4 else "yi4"

    @staticmethod
    def bu(before: Optional[Syllable], after: Optional[Syllable]) -> str:
        if after is None:
            return "bu4"
        if before is not None and (before.char == after.char
                                   or (before.char in _POTENTIAL_VERBS and after.char in _POTENTIAL_RESULTS)):
            return "bu5"  # 是不是, 要不要; 看不见, 连不上
        return "bu2" if after.tone == 4 else "bu4"
