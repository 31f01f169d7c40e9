"""Day and time expressions older residents use, turned into dates and "HH:MM" times.

Residents say when they want to come the way they speak, not as a form would ask: "下个礼拜三上午",
"后天", "12月5号下午两点", "腊月初八" (many older residents count in lunar days), in Mandarin, local
Mandarin or Hakka ("天光日" is tomorrow, "上昼"/"下昼" morning and afternoon). This module finds those
expressions in a sentence and resolves them against a given `today`, so that the first sentence's
day fills the appointment form and is not asked again.

It is pure (no I/O, no clock: `today` is always passed in) and cheap to import (no pattern is
compiled until the first sentence, or warm_up()), because it runs inside the Rasa server's NLU
components as well as in the action server; standard library only, Python 3.10 and later. The
lunar calendar is common.lunar, an embedded table of lunar years 2000-2056 (Gregorian 2000-02-05 to
2057-01-23); outside it a lunar expression resolves to None.

The rule everywhere: a day that was said but cannot be known for certain (in the past, impossible
like 2月30号, or ambiguous) is None, never a guess. Nothing here raises, whatever the text.
find_day/find_days report what a sentence says (for an entity extractor); parse_day decides what
a whole answer means, and is stricter: two different days, a stretch of days (5号以前, 周三左右) or
any day it cannot know make the answer None. A day turned down (明天不行, 不是明天) is set aside.

Decisions on ambiguous expressions (the tests pin each one):
- A bare weekday (周三, 礼拜三, 星期三) is the next such day after today, 1-7 days ahead: said on a
  Wednesday it means next week's (today would have been "今天").
- Weeks run Monday to Sunday, as on Chinese calendars. 这周三/本周三/这个礼拜三 is the Wednesday of
  this week (today included; None once it has passed); 下周三/下个礼拜三/下星期三 is the Wednesday of
  next week (so said on a Sunday it is three days ahead); 下下周三 the week after that.
- A bare day of the month (5号, 五号, 5日) is this month's if today or still ahead, else next month's;
  None when that month has no such day (31号 in a 30-day month).
- A month and day without a year (12月5号) is the nearest such date, this year's, next year's or
  last year's, whichever is closest to today; None when the nearest is in the past. So "1月5号" said
  in December is next January, and "11月30号" said on 1 December is yesterday (None), not a booking
  eleven months ahead. Lunar month-days (腊月初八, 正月十五) and festivals (中秋, 重阳) follow the same
  rule: a festival said a few days after it is about the one just past.
- A bare lunar day (初八, or 十五 only with 农历/阴历/老历/旧历 before it) is the next such lunar day,
  today included. A Chinese-numeral month-day with neither 号/日 nor a lunar word, written lunar-style
  (八月十五, 十二月二十), is ambiguous between the calendars: None. 下个月初五 is ambiguous too: None.
- Other words for days: 大后天 (+3), 三天后 (+3), 一个礼拜以后 (+7), 下个礼拜的今天 (+7), 下个月的今天,
  元旦/劳动节/国庆 (nearest, as above). 明后天 (tomorrow or the day after) and 小年 (腊月廿三 in the
  north, 廿四 in the south) are None. 约一下周三 is this coming Wednesday; after 看/查/问/等/帮 (看下周三:
  "look at Wednesday" or "look at next Wednesday") a weekday is None; 下礼拜三点钟 is three o'clock.
- A weekday said beside a date must agree with it: 12月5号星期六 is 5 December, 12月5号星期三 None.
- Parts of the day are for a service hall open 9-12 and 14-17: "morning" or "afternoon". 中午 and
  晚上 (and Hakka 当昼, 暗晡) are recognised but give None, so the dialogue asks 上午还是下午; 中午以后,
  午饭后 and 过了中午 are afternoon, 中午以前 is morning.
- A clock time without a part of the day: 7-12 o'clock as said, 1-6 o'clock in the afternoon
  (两点半 is 14:30). A bare Chinese 一点 is "a bit" (慢一点), not one o'clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from common import lunar

__all__ = [
    "MORNING", "AFTERNOON", "DayMention", "PartMention", "TimeMention",
    "find_day", "find_days", "parse_day", "find_part_of_day", "find_clock_time", "warm_up",
]

MORNING = "morning"
AFTERNOON = "afternoon"


class DayMention(NamedTuple):
    """A day expression in a sentence: text[start:end] == text, resolved to `day`.
    `negated` is set when the resident turned it down ("明天不行")."""
    start: int
    end: int
    text: str
    day: date
    negated: bool = False


class PartMention(NamedTuple):
    """上午 / 下午 and their kin: `value` is MORNING or AFTERNOON."""
    start: int
    end: int
    text: str
    value: str


class TimeMention(NamedTuple):
    """A clock time: `value` is "HH:MM" on a 24-hour clock. The span includes a part of the day
    said right before it ("下午两点")."""
    start: int
    end: int
    text: str
    value: str


# -- text folding -----------------------------------------------------------------------------
# One character for one (spans are mapped back through _Prepared): full-width digits and colon,
# and the traditional forms a typed answer may use.
_FOLD = str.maketrans(
    "０１２３４５６７８９：禮號後點週臘鐘個這曆陰舊農閏兩晝節陽",
    "0123456789:礼号后点周腊钟个这历阴旧农闰两昼节阳",
)
_CN_DIGITS: Dict[str, int] = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                              "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "零〇一二两三四五六七八九十廿卅"
_NUM = rf"(?:[0-9]{{1,4}}|[{_CN}]{{1,4}})"
_NOT_AFTER_NUMBER = rf"(?<![0-9{_CN}百千万第])"
_S = r"\s*"


def _number(text: str) -> Optional[int]:
    """'5', '05', '十', '十五', '二十', '二十五', '廿五', '卅一' -> int; None for anything else."""
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text) if len(text) <= 4 else None
    if text[0] in "廿卅":
        rest = text[1:]
        ones = 0 if rest == "" else (_CN_DIGITS.get(rest) if len(rest) == 1 else None)
        return None if ones is None else (20 if text[0] == "廿" else 30) + ones
    if "十" in text:
        tens_text, _, ones_text = text.partition("十")
        tens = 1 if tens_text == "" else (_CN_DIGITS.get(tens_text) if len(tens_text) == 1 else None)
        ones = 0 if ones_text == "" else (_CN_DIGITS.get(ones_text) if len(ones_text) == 1 else None)
        if tens is None or ones is None or tens == 0:
            return None
        return tens * 10 + ones
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def _year(text: str) -> Optional[int]:
    """'2026', '26', '二零二六', '二〇二六' -> 2026; two digits are this century's."""
    digits = text if text.isascii() else "".join(str(_CN_DIGITS.get(c, "x")) for c in text if c != "两")
    if len(digits) != len(text) or not digits.isdigit() or len(digits) not in (2, 4):
        return None
    value = int(digits)
    return 2000 + value if len(digits) == 2 else value


def _safe_date(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _shift(day: date, days: int) -> Optional[date]:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def _month_length(year: int, month: int) -> int:
    if month == 12:
        return 31
    first, following = _safe_date(year, month, 1), _safe_date(year, month + 1, 1)
    return (following - first).days if first and following else 0


# -- Gregorian resolution ---------------------------------------------------------------------

def _nearest_month_day(today: date, month: int, day: int) -> Optional[date]:
    """12月5号 without a year: the nearest one (ties go ahead); None if it is past or impossible."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    best: Optional[Tuple[Tuple[int, int], int]] = None
    for year in (today.year - 1, today.year, today.year + 1):
        length = _month_length(year, month)
        approx = _safe_date(year, month, min(day, length)) if length else None
        if approx is None:
            continue
        delta = (approx - today).days
        key = (abs(delta), 0 if delta >= 0 else 1)
        if best is None or key < best[0]:
            best = (key, year)
    if best is None:
        return None
    found = _safe_date(best[1], month, day)
    return found if found is not None and found >= today else None


def _day_of_month(today: date, day: int) -> Optional[date]:
    """5号: this month's if today or ahead, else next month's; None if that month lacks the day."""
    if not 1 <= day <= 31:
        return None
    if day >= today.day:
        return _safe_date(today.year, today.month, day)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return _safe_date(year, month, day)


def _not_past(day: Optional[date], today: date) -> Optional[date]:
    return day if day is not None and day >= today else None


# -- day rules: a table from pattern to resolver ----------------------------------------------

class _Found(NamedTuple):
    start: int
    end: int
    day: Optional[date]
    weekday: Optional[int] = None  # a bare weekday: a date said beside it must fall on it
    is_weekday: bool = False


_Resolver = Callable[["re.Match[str]", date], _Found]

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
_YEAR_WORDS = {"今年": 0, "明年": 1, "后年": 2, "去年": -1, "前年": -2}
_YEAR_WORD_PATTERN = "今年|明年|后年|去年|前年"

_LUNAR_DAY = (r"初" + _S + r"(?:10|[1-9]|十|[一二三四五六七八九])(?![0-9一二三四五六七八九十])"
              r"|廿" + _S + r"[一二三四五六七八九]?|卅一?|三十一?|[一二]?十" + _S + r"[一二三四五六七八九]?")
_MONTH = r"(?:[0-9]{1,2}|十[一二]?|[一二三四五六七八九]|正|冬|腊)"
_DAY = rf"(?:{_LUNAR_DAY}|[0-9]{{1,2}}|[一二三四五六七八九])"
_YEAR = r"(?:[0-9]{4}|[0-9]{2}|[零〇一二三四五六七八九]{4}|[零〇一二三四五六七八九]{2})"
_NEGATED_AFTER = (r"\s*(?:我|就|可能|怕是|恐怕|应该|估计)?\s*(?:不行|不可以|不成|不方便|没空|没有空|没时间|没得空|"
                  r"不得闲|冇空|冇闲|冇时间|去不了|来不了|不去|不来|不要(?!紧)|不合适)")
_NEGATED_BEFORE = r"(?:不是|不要|别|除了|除开)\s*$"
_RANGE_AFTER = r"\s*(?:之前|以前|之后|以后|前后|左右|往后|过后|为止)"
_JOINER = r"[\s,，、()（）是的就]{0,3}"


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """Patterns are compiled on first use (about 30 ms in all), never at import: Rasa imports this
    module at start, and most processes that import it never parse a date."""
    return re.compile(pattern)


def _resolve_relative(match: re.Match[str], today: date) -> _Found:
    offset = _RELATIVE_WORDS[match.group("word")]
    day = _shift(today, offset) if offset is not None and offset >= 0 else None
    return _Found(match.start(), match.end(), day)


def _resolve_after_days(match: re.Match[str], today: date) -> _Found:
    count = _number(match.group("count"))
    days = 0 if count is None else count * (1 if match.group("unit") == "天" else 7)
    return _Found(match.start(), match.end(), _shift(today, days) if 1 <= days <= 366 else None)


def _resolve_weekday(match: re.Match[str], today: date) -> _Found:
    weekday = _WEEKDAY_NUMBERS[match.group("wd")]
    prefix = match.group("prefix")
    before = match.string[max(0, match.start() - 2):match.start()]
    if prefix is None and len(before) == 2 and before[1] == "下" and before[0] in _LOOK_VERBS:
        return _Found(match.start(), match.end(), None, is_weekday=True)  # 看下周三: "look at" or "next"?
    if prefix is None:
        ahead = (weekday - today.weekday()) % 7 or 7
        return _Found(match.start(), match.end(), _shift(today, ahead), weekday=weekday, is_weekday=True)
    if prefix.startswith("每"):
        return _Found(match.start(), match.end(), None, is_weekday=True)
    weeks = _WEEK_PREFIX[prefix]
    day = _shift(today, 7 * weeks + weekday - today.weekday())
    return _Found(match.start(), match.end(), _not_past(day, today), is_weekday=True)


def _resolve_month_day(match: re.Match[str], today: date) -> _Found:
    """One rule for every month-and-day: which calendar it is decides from the words said."""
    found = lambda day: _Found(match.start(), match.end(), day)  # noqa: E731
    month_text, day_text = match.group("month"), re.sub(r"\s", "", match.group("day"))
    year_text, year_word, suffix = match.group("year"), match.group("yword"), match.group("suffix")
    is_lunar = bool(match.group("marker") or match.group("leap")) or month_text in _LUNAR_MONTH_NAMES \
        or day_text[0] in "初廿卅"
    month = _LUNAR_MONTH_NAMES.get(month_text) or _number(month_text) or 0
    day_number = _number(day_text[1:] if day_text.startswith("初") else day_text)
    if day_number is None:
        return found(None)
    if is_lunar:
        year_offset: Optional[int] = None
        if year_text is not None:
            explicit, this_year = _year(year_text), lunar.lunar_year_of(today)
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
        year = _year(year_text)
        return found(_not_past(_safe_date(year, month, day_number), today) if year else None)
    if year_word is not None:
        return found(_not_past(_safe_date(today.year + _YEAR_WORDS[year_word], month, day_number), today))
    return found(_nearest_month_day(today, month, day_number))


def _resolve_iso(match: re.Match[str], today: date) -> _Found:
    day = _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return _Found(match.start(), match.end(), _not_past(day, today))


def _resolve_this_month(match: re.Match[str], today: date) -> _Found:
    day_text = re.sub(r"\s", "", match.group("day"))
    number = _number(day_text)
    if day_text.startswith("初") or number is None:
        return _Found(match.start(), match.end(), None)  # 下个月初五: lunar or "early next month"? Ask.
    which = match.group("which")
    if which[0] in "上每":
        return _Found(match.start(), match.end(), None)  # last month's, or every month's
    if which.startswith("下"):
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    else:
        year, month = today.year, today.month
    return _Found(match.start(), match.end(), _not_past(_safe_date(year, month, number), today))


def _resolve_day_of_month(match: re.Match[str], today: date) -> _Found:
    number = _number(match.group("day") or match.group("day2"))
    return _Found(match.start(), match.end(), _day_of_month(today, number) if number else None)


def _resolve_lunar_day(match: re.Match[str], today: date) -> _Found:
    day_text = re.sub(r"\s", "", match.group("day") or match.group("mday"))
    number = _number(day_text[1:] if day_text.startswith("初") else day_text)
    return _Found(match.start(), match.end(), lunar.next_lunar_day(today, number) if number else None)


def _resolve_festival(match: re.Match[str], today: date) -> _Found:
    name = match.group("name")
    year_word = match.group("yword")
    year_offset = _YEAR_WORDS[year_word] if year_word else None
    holiday = _HOLIDAYS.get(name)
    if holiday is not None:
        if year_offset is None:
            return _Found(match.start(), match.end(), _nearest_month_day(today, *holiday))
        day_of = _safe_date(today.year + year_offset, *holiday)
        return _Found(match.start(), match.end(), _not_past(day_of, today))
    if name.startswith("大年初"):
        month, day = 1, _number(name[3:])
    elif name == "小年":
        return _Found(match.start(), match.end(), None)  # 腊月廿三 in the north, 廿四 in the south
    else:
        month, day = _FESTIVALS[name[:2] if name[:2] in _FESTIVALS else name]
    return _Found(match.start(), match.end(), lunar.nearest_lunar(today, month, day, False, year_offset))


def _resolve_same_day(match: re.Match[str], today: date) -> _Found:
    found = lambda day: _Found(match.start(), match.end(), day)  # noqa: E731
    which, unit, year_word = match.group("which"), match.group("unit"), match.group("yword")
    if year_word is not None:
        offset = _YEAR_WORDS[year_word]
        return found(_not_past(_safe_date(today.year + offset, today.month, today.day), today))
    steps = 2 if which.startswith("下下") else (1 if which.startswith("下") else -1)
    if steps < 0:
        return found(None)
    if unit != "月":
        return found(_shift(today, 7 * steps))
    months = today.year * 12 + today.month - 1 + steps
    return found(_safe_date(months // 12, months % 12 + 1, today.day))


def _words(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_YEAR_PART = rf"(?:(?P<year>{_YEAR}){_S}年|(?P<yword>{_YEAR_WORD_PATTERN}))?{_S}"
_DAY_RULES: Tuple[Tuple[str, _Resolver], ...] = (
    (r"(?<![0-9])([0-9]{4})\s*[-/.]\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{1,2})(?![0-9])", _resolve_iso),
    (_NOT_AFTER_NUMBER + _YEAR_PART + rf"(?P<marker>农历|阴历|老历|旧历)?{_S}(?P<leap>闰)?{_S}"
     rf"(?P<month>{_MONTH}){_S}月(?:份)?{_S}(?P<day>{_DAY})(?![0-9{_CN}]){_S}(?P<suffix>号|日)?",
     _resolve_month_day),
    (rf"(?P<which>这个|这一个|本|下个|下一个|下|上个|上一个|上|每个|每){_S}月(?:份)?{_S}(?P<day>初{_S}[{_CN}0-9]{{1,2}}|{_NUM})"
     rf"{_S}(?:号|日)?", _resolve_this_month),
    (_WEEK_PREFIX_PATTERN + _S + r"(?<![0-9一二两三四五六七八九十])"
     r"(?:星期|礼拜|周)(?:" + _S + r"的" + _S + r"(?:星期|礼拜|周))?" + _S +
     r"(?P<wd>[一二三四五六日天七1-7])(?![次遍回趟点时:])", _resolve_weekday),  # 下礼拜三点钟: 3 o'clock
    # 下个礼拜的今天, 明年的今天: the same day a week, a month or a year on.
    (r"(?:(?P<which>下下个|下下|下一个|下个|下|上上个|上个|上)" + _S + r"(?P<unit>星期|礼拜|周|月)|(?P<yword>"
     + _YEAR_WORD_PATTERN + r"))" + _S + r"的?" + _S + r"(?:今天|今日|这天|这一天|同一天)", _resolve_same_day),
    # 以后天天, 然后天黑: 后天 inside other words is not the day after tomorrow.
    (r"(?P<word>" + _words([w for w in _RELATIVE_WORDS if not w.startswith("后")])
     + r"|(?<![以之然最落往今日午随背向身前先过])(?:" + _words([w for w in _RELATIVE_WORDS if w.startswith("后")])
     + "))", _resolve_relative),
    (rf"{_NOT_AFTER_NUMBER}(?P<count>{_NUM}){_S}(?:个{_S})?(?P<unit>天|星期|礼拜|周){_S}(?:以|之)?后",
     _resolve_after_days),
    (rf"{_NOT_AFTER_NUMBER}(?<![路街巷道弄村栋楼室门牌#])(?P<day>{_NUM}){_S}号"
     r"(?![楼线码窗口门房院床柜台桌车位栋室机厅馆库头子人])"
     rf"|{_NOT_AFTER_NUMBER}(?P<day2>[0-9]{{1,2}}){_S}日", _resolve_day_of_month),
    (r"(?:(?P<marker>农历|阴历|老历|旧历)" + _S + rf"(?P<mday>{_DAY})(?![0-9{_CN}])|(?<![月读上念考])(?P<day>初" + _S +
     r"(?:10|[1-9]|十|[一二三四五六七八九])(?![0-9一二三四五六七八九十]|中|学生|年级|班|步|次|稿|心|衷|期|级)))"
     + _S + r"(?:号|日)?", _resolve_lunar_day),
    (r"(?:(?P<yword>" + _YEAR_WORD_PATTERN + r")" + _S + r")?(?P<name>大年初[一二三四五六七八九十]|大年三十|除夕|小年"
     r"|春节|元宵节?|端午节?|七夕节?|中元节?|中秋节?|重阳节?|腊八节?|" + _words(list(_HOLIDAYS)) + ")",
     _resolve_festival),
)


def warm_up() -> None:
    """Compile every pattern and decode the lunar table now (some 40 ms), so that the first
    resident's sentence does not pay for it: for a long-running process's start-up."""
    for pattern, _ in _DAY_RULES:
        _regex(pattern)
    for pattern in (_NEGATED_AFTER, _NEGATED_BEFORE, _RANGE_AFTER, _JOINER, _part_pattern_text(),
                    *_clock_pattern_texts()):
        _regex(pattern)
    lunar.warm_up()


def _scan_days(folded: str, today: date) -> List[_Found]:
    """Every day expression, leftmost-longest and not overlapping, with neighbours merged."""
    candidates: List[Tuple[int, int, int, re.Match[str], _Resolver]] = []
    for order, (pattern, resolver) in enumerate(_DAY_RULES):
        for match in _regex(pattern).finditer(folded):
            if match.end() > match.start():
                candidates.append((match.start(), -(match.end() - match.start()), order, match, resolver))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    found: List[_Found] = []
    taken_until = 0
    for start, _, _, match, resolver in candidates:
        if start < taken_until:
            continue
        item = resolver(match, today)
        start, end = _trim(folded, item.start, item.end)
        found.append(_Found(start, end, item.day, item.weekday, item.is_weekday))
        taken_until = match.end()
    return _merge(folded, found)


def _trim(text: str, start: int, end: int) -> Tuple[int, int]:
    """A span neither starts nor ends on white space (optional parts of a pattern leave some)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _merge(folded: str, found: List[_Found]) -> List[_Found]:
    """'12月5号星期六', '明天（周三）': one mention; None when the two parts disagree."""
    merged: List[_Found] = []
    for item in found:
        if merged:
            last = merged[-1]
            gap = folded[last.end:item.start]
            joined = _join(last, item) if _regex(_JOINER).fullmatch(gap) else None
            if joined is not None:
                merged[-1] = joined
                continue
        merged.append(item)
    return merged


def _join(a: _Found, b: _Found) -> Optional[_Found]:
    if a.is_weekday != b.is_weekday:
        week, other = (a, b) if a.is_weekday else (b, a)
        if week.weekday is not None:
            ok = other.day is not None and other.day.weekday() == week.weekday
        else:
            ok = week.day is not None and week.day == other.day
        return _Found(a.start, b.end, other.day if ok else None)
    if not a.is_weekday and a.day is not None and a.day == b.day:
        return _Found(a.start, b.end, a.day)
    return None


def _negated(folded: str, item: Any) -> bool:
    """'明天不行', '不是上午': what the resident turned down (anything with start and end)."""
    return bool(_regex(_NEGATED_AFTER).match(folded, item.end) or _regex(_NEGATED_BEFORE).search(folded, 0, item.start))


class _Prepared(NamedTuple):
    """The resident's text folded, with the white space between words taken out (the recogniser
    writes "下 个 礼拜 三"), and where each of its characters came from, for the spans."""
    text: str
    positions: Optional[List[int]]  # None: character for character the resident's text

    def span(self, start: int, end: int) -> Tuple[int, int]:
        if self.positions is None:
            return start, end
        return self.positions[start], self.positions[end - 1] + 1


def _prepare(text: Any) -> Optional[_Prepared]:
    """Spaces go, except one between two ASCII letters or digits ("3 5号" is not "35号")."""
    if not isinstance(text, str):
        return None
    folded = text.translate(_FOLD)
    if not any(c.isspace() for c in folded):
        return _Prepared(folded, None)
    following = [""] * len(folded)
    nearest = ""
    for i in range(len(folded) - 1, -1, -1):
        following[i] = nearest
        if not folded[i].isspace():
            nearest = folded[i]
    chars: List[str] = []
    positions: List[int] = []
    for i, char in enumerate(folded):
        if char.isspace():
            before, after = (chars[-1] if chars else ""), following[i]
            if before != " " and _is_ascii_word(before) and _is_ascii_word(after):
                chars.append(" ")
                positions.append(i)
            continue
        chars.append(char)
        positions.append(i)
    return _Prepared("".join(chars), positions)


def _is_ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _as_day(today: Any) -> Optional[date]:
    """A datetime is accepted for today (its date is used); anything else is no today at all."""
    if isinstance(today, datetime):
        return today.date()
    return today if isinstance(today, date) else None


def find_days(text: str, today: date) -> List[DayMention]:
    """Every day expression in `text` that resolves to a day, in order. Expressions that do not
    (昨天, 2月30号, 八月十五) are left out; a mention the resident turned down is kept, marked."""
    prepared, day = _prepare(text), _as_day(today)
    if prepared is None or day is None:
        return []
    mentions = []
    for item in _scan_days(prepared.text, day):
        if item.day is not None:
            start, end = prepared.span(item.start, item.end)
            mentions.append(DayMention(start, end, text[start:end], item.day, _negated(prepared.text, item)))
    return mentions


def find_day(text: str, today: date) -> Optional[DayMention]:
    """The first day a sentence names and does not turn down: the first-sentence extractor's answer
    ("下个礼拜三上午去章贡区办老年证" -> next week's Wednesday, with its span)."""
    return next((m for m in find_days(text, today) if not m.negated), None)


def parse_day(text: str, today: date) -> Optional[date]:
    """The day a whole answer means, or None. Stricter than find_day: an answer naming two different
    days ("明天或者后天"), a stretch of days ("5号以前"), or a day that cannot be known (昨天, 2月30号)
    gives None; a day turned down is set aside ("明天不行，后天吧" -> 后天). ISO dates (button payloads)
    are understood too."""
    prepared, day = _prepare(text), _as_day(today)
    if prepared is None or day is None:
        return None
    meant = [item for item in _scan_days(prepared.text, day) if not _negated(prepared.text, item)]
    if not meant or any(item.day is None for item in meant):
        return None
    if any(_regex(_RANGE_AFTER).match(prepared.text, item.end) for item in meant):
        return None  # 5号以前, 周三左右: a stretch of days, not one
    days = {item.day for item in meant}
    return days.pop() if len(days) == 1 else None


# -- parts of the day and clock times ---------------------------------------------------------

_PART_WORDS: Dict[str, Optional[str]] = {
    # morning
    "上午": MORNING, "早上": MORNING, "早晨": MORNING, "清早": MORNING, "大清早": MORNING, "一早": MORNING,
    "一大早": MORNING, "上昼": MORNING, "上半天": MORNING, "上半日": MORNING, "朝晨": MORNING, "今早": MORNING,
    "明早": MORNING, "早饭后": MORNING, "午前": MORNING, "中午前": MORNING, "中午以前": MORNING,
    "中午之前": MORNING, "晌午前": MORNING,
    # afternoon
    "下午": AFTERNOON, "下昼": AFTERNOON, "下半天": AFTERNOON, "下半日": AFTERNOON, "午后": AFTERNOON,
    "后晌": AFTERNOON, "中午后": AFTERNOON, "中午以后": AFTERNOON, "中午之后": AFTERNOON, "中午过后": AFTERNOON,
    "过了中午": AFTERNOON, "午饭后": AFTERNOON, "吃了中饭": AFTERNOON, "吃过中饭": AFTERNOON,
    "吃完中饭": AFTERNOON, "吃了午饭": AFTERNOON, "吃过午饭": AFTERNOON, "吃完午饭": AFTERNOON,
    "中饭后": AFTERNOON,
    # noon and evening: the hall is closed; recognised so that nothing inside them matches, but None
    "中午": None, "晌午": None, "正午": None, "当昼": None,
    "晚上": None, "傍晚": None, "夜里": None, "夜晚": None, "晚间": None, "夜间": None, "今晚": None,
    "明晚": None, "暗晡": None, "夜晡": None, "晚边": None,
}
# The hours each part of the day allows, and how they map onto a 24-hour clock.
_NOON, _EVENING = "noon", "evening"
_PART_KIND = {word: value or (_NOON if word in ("中午", "晌午", "正午", "当昼") else _EVENING)
              for word, value in _PART_WORDS.items()}
_HOUR = r"(?:[0-9]{1,2}|[零一二两三四五六七八九十]{1,3})"
_MINUTE = r"(?:[0-9]{1,2}|[零〇一二三四五六七八九十]{1,3})"


@cache
def _part_pattern_text() -> str:
    return _words(list(_PART_WORDS))


def _part_pattern() -> re.Pattern[str]:
    return _regex(_part_pattern_text())


@cache
def _clock_pattern_texts() -> Tuple[str, str]:
    part = rf"(?:(?P<part>{_part_pattern_text()}){_S}(?:的{_S})?)?"
    spoken = (part + rf"(?<![0-9{_CN}])(?P<hour>{_HOUR}){_S}(?P<mark>[点时])(?!儿)"
              rf"(?:{_S}(?P<minute>半|一刻|三刻|(?:过{_S})?(?:零|〇)?{_S}{_MINUTE}(?![0-9{_CN}]){_S}(?P<fen>分)?))?"
              rf"(?:{_S}(?P<tail>钟|整|多|左右|前后))?")
    digital = part + r"(?<![0-9])(?P<hour>[0-9]{1,2})\s*:\s*(?P<minute>[0-9]{2})(?![0-9])"
    return spoken, digital


def _clock_patterns() -> Tuple[re.Pattern[str], re.Pattern[str]]:
    spoken, digital = _clock_pattern_texts()
    return _regex(spoken), _regex(digital)


def find_part_of_day(text: str) -> Optional[PartMention]:
    """The first 上午/下午-like word that names a part of the day the hall is open and is not turned
    down ("上午不行，下午吧" -> afternoon); None when there is none (中午 and 晚上 alone give None: the
    hall is closed then, so the dialogue asks)."""
    prepared = _prepare(text)
    if prepared is None:
        return None
    for match in _part_pattern().finditer(prepared.text):
        value = _PART_WORDS[match.group(0)]
        if value is not None and not _negated(prepared.text, _Found(match.start(), match.end(), None)):
            start, end = prepared.span(match.start(), match.end())
            return PartMention(start, end, text[start:end], value)
    return None


def _hour_on_clock(hour: int, kind: Optional[str]) -> Optional[int]:
    """An hour as said, with the part of the day said with it, on a 24-hour clock (None if they clash)."""
    if not 0 <= hour <= 24:
        return None
    if kind == MORNING:
        return hour if hour <= 12 else None
    if kind == AFTERNOON:
        return hour + 12 if 1 <= hour <= 6 else (hour if 12 <= hour <= 18 else None)
    if kind == _NOON:
        return hour if hour in (11, 12, 13, 14) else (hour + 12 if hour in (1, 2) else None)
    if kind == _EVENING:
        return hour + 12 if 5 <= hour <= 11 else (hour if 17 <= hour <= 23 else None)
    if hour == 24:
        return None
    return hour + 12 if 1 <= hour <= 6 else hour


def _minutes(text: Optional[str]) -> Optional[int]:
    if not text:
        return 0
    if text == "半":
        return 30
    if text in ("一刻", "三刻"):
        return 15 if text == "一刻" else 45
    text = re.sub(r"[\s过零〇分]", "", text)
    return _number(text)


def find_clock_time(text: str) -> Optional[TimeMention]:
    """The first clock time: 九点, 9点半, 十点钟, 下午两点, 两点半, 14:30 -> "HH:MM". A part of the day said
    right before it, or else anywhere in the sentence, decides the 12-hour ambiguity."""
    prepared = _prepare(text)
    if prepared is None:
        return None
    folded = prepared.text
    spoken, digital = _clock_patterns()
    matches = sorted(list(spoken.finditer(folded)) + list(digital.finditer(folded)),
                     key=lambda m: (m.start("hour"), -(m.end() - m.start())))
    sentence_kind = next((_PART_KIND[m.group(0)] for m in _part_pattern().finditer(folded)
                          if not _negated(folded, _Found(m.start(), m.end(), None))), None)
    for match in matches:
        hour_text, minute_text = match.group("hour"), match.group("minute")
        part_word = match.group("part")
        is_spoken = match.re is spoken
        if is_spoken and hour_text == "一" and not (part_word or minute_text or match.group("tail")):
            continue  # 慢一点, 早一点: "a bit", not one o'clock
        if is_spoken and minute_text and not match.group("fen") and re.fullmatch(r"[一二三四五六七八九]|[0-9]",
                                                                               minute_text.strip()):
            continue  # 九点五: 9:05 or 9:50? Not a time we can be sure of.
        hour = _number(hour_text)
        minute = _minutes(minute_text) if is_spoken else int(minute_text)
        if is_spoken and match.group("mark") == "时" and not (hour_text.isascii() or match.group("fen")):
            continue  # 一时半会: 时 after a Chinese numeral is a clock only with 分 (十四时三十分)
        kind = _PART_KIND[part_word] if part_word else sentence_kind
        on_clock = None if hour is None else _hour_on_clock(hour, kind)
        if on_clock is None or minute is None or not 0 <= minute <= 59:
            continue
        start, end = _trim(folded, match.start() if part_word else match.start("hour"), match.end())
        if _negated(folded, _Found(start, end, None)):
            continue
        start, end = prepared.span(start, end)
        return TimeMention(start, end, text[start:end], f"{on_clock:02d}:{minute:02d}")
    return None
