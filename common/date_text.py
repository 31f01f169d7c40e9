"""The text under day and clock expressions: folding, Chinese numerals, spans and refusals.

Days (common.dates) and parts of the day and clock times (common.times_of_day) are read from the
same resident's sentence in the same way: the recogniser's spaces taken out, traditional and
full-width characters folded, numerals said in Chinese or typed in digits, and a mention turned
down ("明天不行", "不是上午") set aside. Those shared readings live here once, so that the two
readers cannot drift apart on what "两点" or "不行" means.

Pure, standard library only (it runs inside the Rasa server's NLU components, Python 3.10, as well
as in the action server) and cheap to import: no pattern is compiled until it is first used.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

# One character for one (spans are mapped back through Prepared): full-width digits and colon,
# and the traditional forms a typed answer may use.
_FOLD = str.maketrans(
    "０１２３４５６７８９：禮號後點週臘鐘個這曆陰舊農閏兩晝節陽",
    "0123456789:礼号后点周腊钟个这历阴旧农闰两昼节阳",
)
CN_DIGITS: Dict[str, int] = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                             "六": 6, "七": 7, "八": 8, "九": 9}
CN = "零〇一二两三四五六七八九十廿卅"
NUM = rf"(?:[0-9]{{1,4}}|[{CN}]{{1,4}})"
NOT_AFTER_NUMBER = rf"(?<![0-9{CN}百千万第])"
S = r"\s*"
NEGATED_AFTER = (r"\s*(?:我|就|可能|怕是|恐怕|应该|估计)?\s*(?:不行|不可以|不成|不方便|没空|没有空|没时间|没得空|"
                 r"不得闲|冇空|冇闲|冇时间|去不了|来不了|不去|不来|不要(?!紧)|不合适)")
NEGATED_BEFORE = r"(?:不是|不要|别|除了|除开)\s*$"


@cache
def regex(pattern: str) -> re.Pattern[str]:
    """Patterns are compiled on first use (about 30 ms in all), never at import: Rasa imports these
    modules at start, and most processes that import them never parse a date."""
    return re.compile(pattern)


def words(choices: Sequence[str]) -> str:
    """An alternation of literal words, longest first, so that 大后天 wins over 后天."""
    return "|".join(re.escape(w) for w in sorted(choices, key=len, reverse=True))


def read_number(text: str) -> Optional[int]:
    """'5', '05', '十', '十五', '二十', '二十五', '廿五', '卅一' -> int; None for anything else."""
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text) if len(text) <= 4 else None
    if text[0] in "廿卅":
        rest = text[1:]
        ones = 0 if rest == "" else (CN_DIGITS.get(rest) if len(rest) == 1 else None)
        return None if ones is None else (20 if text[0] == "廿" else 30) + ones
    if "十" in text:
        tens_text, _, ones_text = text.partition("十")
        tens = 1 if tens_text == "" else (CN_DIGITS.get(tens_text) if len(tens_text) == 1 else None)
        ones = 0 if ones_text == "" else (CN_DIGITS.get(ones_text) if len(ones_text) == 1 else None)
        if tens is None or ones is None or tens == 0:
            return None
        return tens * 10 + ones
    return CN_DIGITS.get(text) if len(text) == 1 else None


def read_year(text: str) -> Optional[int]:
    """'2026', '26', '二零二六', '二〇二六' -> 2026; two digits are this century's."""
    digits = text if text.isascii() else "".join(str(CN_DIGITS.get(c, "x")) for c in text if c != "两")
    if len(digits) != len(text) or not digits.isdigit() or len(digits) not in (2, 4):
        return None
    value = int(digits)
    return 2000 + value if len(digits) == 2 else value


def trim(text: str, start: int, end: int) -> Tuple[int, int]:
    """A span neither starts nor ends on white space (optional parts of a pattern leave some)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def negated(folded: str, start: int, end: int) -> bool:
    """'明天不行', '不是上午': whether the resident turned down what folded[start:end] says."""
    return bool(regex(NEGATED_AFTER).match(folded, end) or regex(NEGATED_BEFORE).search(folded, 0, start))


class Prepared(NamedTuple):
    """The resident's text folded, with the white space between words taken out (the recogniser
    writes "下 个 礼拜 三"), and where each of its characters came from, for the spans."""
    text: str
    positions: Optional[List[int]]  # None: character for character the resident's text

    def span(self, start: int, end: int) -> Tuple[int, int]:
        if self.positions is None:
            return start, end
        return self.positions[start], self.positions[end - 1] + 1


def prepare(text: Any) -> Optional[Prepared]:
    """Spaces go, except one between two ASCII letters or digits ("3 5号" is not "35号"); None for
    anything that is not text."""
    if not isinstance(text, str):
        return None
    folded = text.translate(_FOLD)
    if not any(c.isspace() for c in folded):
        return Prepared(folded, None)
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
    return Prepared("".join(chars), positions)


def _is_ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def as_day(today: Any) -> Optional[date]:
    """A datetime is accepted for today (its date is used); anything else is no today at all."""
    if isinstance(today, datetime):
        return today.date()
    return today if isinstance(today, date) else None
