"""The table of day expressions: for each way residents name a day, its pattern and resolver.

Residents name a day in a dozen ways (明天, 下个礼拜三, 12月5号, 腊月初八, 中秋, 冬至, 三天后,
下个月的今天), each with its own words and its own way to a date. Each way is one row here: a
pattern over the folded text (common.date_text) and a resolver that turns its match into a day
against `today`, or None when the day cannot be known for certain. common.dates scans a sentence
with every row and decides what the sentence as a whole says; the decisions on ambiguous
expressions are listed in its docstring. The calendars underneath are common.gregorian,
common.lunar and common.solar_terms.

Patterns are strings, compiled on first use by common.date_text.regex, never at import (Rasa
imports this at start). Standard library only, Python 3.10 and later.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Callable, Dict, NamedTuple, Optional, Tuple

from common import lunar, solar_terms
from common.date_text import CN, NOT_AFTER_NUMBER, NUM, S, read_number, read_year, words
from common.gregorian import day_of_month, nearest_month_day, not_past, safe_date, shift

__all__ = ["Found", "Resolver", "DAY_RULES"]


class Found(NamedTuple):
    """What one row found: folded-text span and day (None: said, but not knowable)."""
    start: int
    end: int
    day: Optional[date]
    weekday: Optional[int] = None  # a bare weekday: a date said beside it must fall on it
    is_weekday: bool = False


Resolver = Callable[["re.Match[str]", date], Found]

_RELATIVE_WORDS: Dict[str, Optional[int]] = {
    "明后天": None, "明后两天": None, "明后日": None,  # tomorrow or the day after: ask
    "大大后天": 4, "大后天": 3, "大后日": 3, "后天": 2, "后日": 2, "后儿个": 2, "后儿": 2,
    "明天": 1, "明日": 1, "明朝": 1, "明儿个": 1, "明儿": 1, "明早": 1, "明晚": 1, "天光日": 1,
    "今天": 0, "今日": 0, "今朝": 0, "今儿个": 0, "今儿": 0, "今早": 0, "今晚": 0, "今晡日": 0,
    "昨天": -1, "昨日": -1, "昨儿": -1, "昨晚": -1, "昨晡日": -1, "前天": -2, "前日": -2, "大前天": -3,
}
_WEEKDAY_NUMBERS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
                    "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_WEEK_PREFIX = {"这个": 0, "这一个": 0, "这": 0, "本": 0, "今个": 0, "下个": 1, "下一个": 1, "下一": 1, "下": 1,
                "下下个": 2, "下下": 2, "上个": -1, "上一个": -1, "上": -1, "上上个": -2, "上上": -2}
# 约一下周三 is "book, Wednesday"; after these verbs 下 alone may be 一下 too (看下周三: "look at
# Wednesday" or "look at next Wednesday"), so the day is asked. 约下周三 is next Wednesday.
_LOOK_VERBS = "看查问等弄搞试帮瞧找"
_WEEK_PREFIX_PATTERN = ("(?P<prefix>每个|每|下下个|下下|下一个|下个|下一|(?<![一" + _LOOK_VERBS + "])下"
                        "|这一个|这个|这|本|今个|上上个|上上|上一个|上个|(?<![早晚马])上)?")
_LUNAR_MONTH_NAMES = {"正": 1, "冬": 11, "腊": 12}
_FESTIVALS: Dict[str, Tuple[int, Optional[int]]] = {
    "春节": (1, 1), "元宵": (1, 15), "端午": (5, 5), "七夕": (7, 7), "中元": (7, 15), "中秋": (8, 15),
    "重阳": (9, 9), "腊八": (12, 8), "除夕": (12, None), "大年三十": (12, None),
}
# Public holidays on the Gregorian calendar (the hall is closed, but the day is still that day).
_HOLIDAYS: Dict[str, Tuple[int, int]] = {"元旦": (1, 1), "元旦节": (1, 1), "劳动节": (5, 1), "五一节": (5, 1),
                                         "国庆": (10, 1), "国庆节": (10, 1)}
# Solar terms (冬至, 清明): a few are also everyday words (下大雪, 雨水多), so those are days only
# when said as one (大雪那天, 小雪节气).
_PLAIN_TERMS = [name for name, _month, _day in solar_terms.TERMS if name not in ("雨水", "谷雨", "小满", "白露",
                                                                                "小雪", "大雪")]
_WORDY_TERMS = ["雨水", "谷雨", "小满", "白露", "小雪", "大雪"]
_YEAR_WORDS = {"今年": 0, "明年": 1, "后年": 2, "去年": -1, "前年": -2}
_YEAR_WORD_PATTERN = "今年|明年|后年|去年|前年"

_LUNAR_DAY = (r"初" + S + r"(?:10|[1-9]|十|[一二三四五六七八九])(?![0-9一二三四五六七八九十])"
              r"|廿" + S + r"[一二三四五六七八九]?|卅一?|三十一?|[一二]?十" + S + r"[一二三四五六七八九]?")
_MONTH = r"(?:[0-9]{1,2}|十[一二]?|[一二三四五六七八九]|正|冬|腊)"
_DAY = rf"(?:{_LUNAR_DAY}|[0-9]{{1,2}}|[一二三四五六七八九])"
_YEAR = r"(?:[0-9]{4}|[0-9]{2}|[零〇一二三四五六七八九]{4}|[零〇一二三四五六七八九]{2})"


def _resolve_relative(match: re.Match[str], today: date) -> Found:
    offset = _RELATIVE_WORDS[match.group("word")]
    day = shift(today, offset) if offset is not None and offset >= 0 else None
    return Found(match.start(), match.end(), day)


def _resolve_after_days(match: re.Match[str], today: date) -> Found:
    count = read_number(match.group("count"))
    days = 0 if count is None else count * (1 if match.group("unit") == "天" else 7)
    return Found(match.start(), match.end(), shift(today, days) if 1 <= days <= 366 else None)


def _resolve_weekday(match: re.Match[str], today: date) -> Found:
    weekday = _WEEKDAY_NUMBERS[match.group("wd")]
    prefix = match.group("prefix")
    before = match.string[max(0, match.start() - 2):match.start()]
    if prefix is None and len(before) == 2 and before[1] == "下" and before[0] in _LOOK_VERBS:
        return Found(match.start(), match.end(), None, is_weekday=True)  # 看下周三: "look at" or "next"?
    if prefix is None:
        ahead = (weekday - today.weekday()) % 7 or 7
        return Found(match.start(), match.end(), shift(today, ahead), weekday=weekday, is_weekday=True)
    if prefix.startswith("每"):
        return Found(match.start(), match.end(), None, is_weekday=True)
    weeks = _WEEK_PREFIX[prefix]
    day = shift(today, 7 * weeks + weekday - today.weekday())
    return Found(match.start(), match.end(), not_past(day, today), is_weekday=True)


def _resolve_month_day(match: re.Match[str], today: date) -> Found:
    """One rule for every month-and-day: which calendar it is decides from the words said."""
    found = lambda day: Found(match.start(), match.end(), day)  # noqa: E731
    month_text, day_text = match.group("month"), re.sub(r"\s", "", match.group("day"))
    year_text, year_word, suffix = match.group("year"), match.group("yword"), match.group("suffix")
    is_lunar = bool(match.group("marker") or match.group("leap")) or month_text in _LUNAR_MONTH_NAMES \
        or day_text[0] in "初廿卅"
    month = _LUNAR_MONTH_NAMES.get(month_text) or read_number(month_text) or 0
    day_number = read_number(day_text[1:] if day_text.startswith("初") else day_text)
    if day_number is None:
        return found(None)
    if is_lunar:
        year_offset: Optional[int] = None
        if year_text is not None:
            explicit, this_year = read_year(year_text), lunar.lunar_year_of(today)
            if explicit is None or this_year is None:
                return found(None)
            year_offset = explicit - this_year
        elif year_word is not None:
            year_offset = _YEAR_WORDS[year_word]
        return found(lunar.nearest_lunar(today, month, day_number, bool(match.group("leap")), year_offset))
    lunar_style = any(c in day_text for c in "十廿卅")
    if suffix is None and lunar_style:
        return found(None)  # 八月十五, 十二月二十: the lunar or the Gregorian day? Ask.
    if year_text is not None:
        year = read_year(year_text)
        return found(not_past(safe_date(year, month, day_number), today) if year else None)
    if year_word is not None:
        return found(not_past(safe_date(today.year + _YEAR_WORDS[year_word], month, day_number), today))
    return found(nearest_month_day(today, month, day_number))


def _resolve_iso(match: re.Match[str], today: date) -> Found:
    day = safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return Found(match.start(), match.end(), not_past(day, today))


def _resolve_this_month(match: re.Match[str], today: date) -> Found:
    day_text = re.sub(r"\s", "", match.group("day"))
    number = read_number(day_text)
    if day_text.startswith("初") or number is None:
        return Found(match.start(), match.end(), None)  # 下个月初五: lunar or "early next month"? Ask.
    which = match.group("which")
    if which[0] in "上每":
        return Found(match.start(), match.end(), None)  # last month's, or every month's
    if which.startswith("下"):
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    else:
        year, month = today.year, today.month
    return Found(match.start(), match.end(), not_past(safe_date(year, month, number), today))


def _resolve_day_of_month(match: re.Match[str], today: date) -> Found:
    number = read_number(match.group("day") or match.group("day2"))
    return Found(match.start(), match.end(), day_of_month(today, number) if number else None)


def _resolve_lunar_day(match: re.Match[str], today: date) -> Found:
    day_text = re.sub(r"\s", "", match.group("day") or match.group("mday"))
    number = read_number(day_text[1:] if day_text.startswith("初") else day_text)
    return Found(match.start(), match.end(), lunar.next_lunar_day(today, number) if number else None)


def _resolve_festival(match: re.Match[str], today: date) -> Found:
    name = match.group("name")
    year_word = match.group("yword")
    year_offset = _YEAR_WORDS[year_word] if year_word else None
    term = name.removesuffix("节")
    if term in _PLAIN_TERMS or term in _WORDY_TERMS:
        return Found(match.start(), match.end(), solar_terms.nearest_term(today, term, year_offset))
    holiday = _HOLIDAYS.get(name)
    if holiday is not None:
        if year_offset is None:
            return Found(match.start(), match.end(), nearest_month_day(today, *holiday))
        day_of = safe_date(today.year + year_offset, *holiday)
        return Found(match.start(), match.end(), not_past(day_of, today))
    if name.startswith("大年初"):
        month, day = 1, read_number(name[3:])
    elif name == "小年":
        return Found(match.start(), match.end(), None)  # 腊月廿三 in the north, 廿四 in the south
    else:
        month, day = _FESTIVALS[name[:2] if name[:2] in _FESTIVALS else name]
    return Found(match.start(), match.end(), lunar.nearest_lunar(today, month, day, False, year_offset))


def _resolve_same_day(match: re.Match[str], today: date) -> Found:
    found = lambda day: Found(match.start(), match.end(), day)  # noqa: E731
    which, unit, year_word = match.group("which"), match.group("unit"), match.group("yword")
    if year_word is not None:
        offset = _YEAR_WORDS[year_word]
        return found(not_past(safe_date(today.year + offset, today.month, today.day), today))
    steps = 2 if which.startswith("下下") else (1 if which.startswith("下") else -1)
    if steps < 0:
        return found(None)
    if unit != "月":
        return found(shift(today, 7 * steps))
    months = today.year * 12 + today.month - 1 + steps
    return found(safe_date(months // 12, months % 12 + 1, today.day))


_YEAR_PART = rf"(?:(?P<year>{_YEAR}){S}年|(?P<yword>{_YEAR_WORD_PATTERN}))?{S}"
DAY_RULES: Tuple[Tuple[str, Resolver], ...] = (
    (r"(?<![0-9])([0-9]{4})\s*[-/.]\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{1,2})(?![0-9])", _resolve_iso),
    (NOT_AFTER_NUMBER + _YEAR_PART + rf"(?P<marker>农历|阴历|老历|旧历)?{S}(?P<leap>闰)?{S}"
     rf"(?P<month>{_MONTH}){S}月(?:份)?{S}(?P<day>{_DAY})(?![0-9{CN}]){S}(?P<suffix>号|日)?",
     _resolve_month_day),
    (rf"(?P<which>这个|这一个|本|下个|下一个|下|上个|上一个|上|每个|每){S}月(?:份)?{S}(?P<day>初{S}[{CN}0-9]{{1,2}}|{NUM})"
     rf"{S}(?:号|日)?", _resolve_this_month),
    (_WEEK_PREFIX_PATTERN + S + r"(?<![0-9一二两三四五六七八九十])"
     r"(?:星期|礼拜|周)(?:" + S + r"的" + S + r"(?:星期|礼拜|周))?" + S +
     r"(?P<wd>[一二三四五六日天七1-7])(?![次遍回趟点时:])", _resolve_weekday),  # 下礼拜三点钟: 3 o'clock
    # 下个礼拜的今天, 明年的今天: the same day a week, a month or a year on.
    (r"(?:(?P<which>下下个|下下|下一个|下个|下|上上个|上个|上)" + S + r"(?P<unit>星期|礼拜|周|月)|(?P<yword>"
     + _YEAR_WORD_PATTERN + r"))" + S + r"的?" + S + r"(?:今天|今日|这天|这一天|同一天)", _resolve_same_day),
    # 以后天天, 然后天黑: 后天 inside other words is not the day after tomorrow.
    (r"(?P<word>" + words([w for w in _RELATIVE_WORDS if not w.startswith("后")])
     + r"|(?<![以之然最落往今日午随背向身前先过])(?:" + words([w for w in _RELATIVE_WORDS if w.startswith("后")])
     + "))", _resolve_relative),
    (rf"{NOT_AFTER_NUMBER}(?P<count>{NUM}){S}(?:个{S})?(?P<unit>天|星期|礼拜|周){S}(?:以|之)?后",
     _resolve_after_days),
    (rf"{NOT_AFTER_NUMBER}(?<![路街巷道弄村栋楼室门牌#])(?P<day>{NUM}){S}号"
     r"(?![楼线码窗口门房院床柜台桌车位栋室机厅馆库头子人])"
     rf"|{NOT_AFTER_NUMBER}(?P<day2>[0-9]{{1,2}}){S}日", _resolve_day_of_month),
    (r"(?:(?P<marker>农历|阴历|老历|旧历)" + S + rf"(?P<mday>{_DAY})(?![0-9{CN}])|(?<![月读上念考])(?P<day>初" + S +
     r"(?:10|[1-9]|十|[一二三四五六七八九])(?![0-9一二三四五六七八九十]|中|学生|年级|班|步|次|稿|心|衷|期|级)))"
     + S + r"(?:号|日)?", _resolve_lunar_day),
    (r"(?:(?P<yword>" + _YEAR_WORD_PATTERN + r")" + S + r")?(?P<name>大年初[一二三四五六七八九十]|大年三十|除夕|小年"
     r"|春节|元宵节?|端午节?|七夕节?|中元节?|中秋节?|重阳节?|腊八节?|" + words(list(_HOLIDAYS))
     + "|(?:" + words(_PLAIN_TERMS) + ")节?|(?:" + words(_WORDY_TERMS) + r")(?=那天|那日|节气|当天|那一天))",
     _resolve_festival),
)
