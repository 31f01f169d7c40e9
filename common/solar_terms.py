"""The 24 solar terms (节气) residents name days by: 冬至, 清明, 立春 …

Older residents say "冬至那天去" as readily as a date. A term falls on one of two or three days
of its month, decided by the sun, so the days are an embedded table for 2000-2057 rather than a
dependency (as common.lunar, and for the same reasons): made from lunar-python 1.4.8's
astronomical computation; tests/common/test_solar_terms.py checks it against dates published
for the terms. Outside the table everything answers None, never a guess. Pure Python, both
environments.
"""

from __future__ import annotations

from datetime import date
from typing import Dict, Optional, Tuple

__all__ = ["TERMS", "FIRST_YEAR", "LAST_YEAR", "term_day", "nearest_term"]

# In calendar order, with the month each falls in and its earliest day in the table's years.
TERMS: Tuple[Tuple[str, int, int], ...] = (
    ("小寒", 1, 5), ("大寒", 1, 19), ("立春", 2, 3), ("雨水", 2, 18), ("惊蛰", 3, 5), ("春分", 3, 20),
    ("清明", 4, 4), ("谷雨", 4, 19), ("立夏", 5, 5), ("小满", 5, 20), ("芒种", 6, 5), ("夏至", 6, 20),
    ("小暑", 7, 6), ("大暑", 7, 22), ("立秋", 8, 7), ("处暑", 8, 22), ("白露", 9, 7), ("秋分", 9, 22),
    ("寒露", 10, 7), ("霜降", 10, 23), ("立冬", 11, 7), ("小雪", 11, 21), ("大雪", 12, 6), ("冬至", 12, 21),
)
FIRST_YEAR = 2000
# One token per year from FIRST_YEAR: for each term in TERMS' order, the days after its earliest day.
_TABLE = """
121100010101100101100110 011000110101110101100111 011111111111111111100111 111111111112111111211211
121100010101100101100110 011000110101110101100111 011111110111110111100111 111111111112111111211211
121100010101100100100110 011000010101110101100111 011111110111110111100111 111111111112111111111211
121100010001100100100110 011000010101100101100111 011111110111110111100111 111111111112111111111111
111100000001100100100110 010000010101100101100111 011101110111110111100111 011111111111111111111111
111100000001000000100110 010000010101100101100110 011100110111110101100111 011111111111111111111111
111100000001000000100100 010000010101100101100110 011000110101110101100111 011111111111111111100111
111100000001000000100100 010000010101100101100110 011000110101110101100111 011111111111111111100111
111100000001000000100100 010000010101100101100110 011000110101110101100111 011111110111110111100111
111100000001000000100100 010000010101100101100110 011000110101110101100111 011111110111110111100111
111100000001000000100100 010000010001100100100110 011000010101110101100111 011111110111110111100111
111100000001000000000100 010000000001100100100110 011000010101100101100111 011111110111110111100111
111100000000000000000000 000000000001000000100110 010000010101100101100111 011100110111110101100111
011100000000000000000000 000000000001000000100110 010000010101100101100111 011100110101110101100111
011100000000000000000000 000000000001000000100100
"""
_ROWS = _TABLE.split()
LAST_YEAR = FIRST_YEAR + len(_ROWS) - 1
_INDEX: Dict[str, int] = {name: index for index, (name, _month, _day) in enumerate(TERMS)}


def term_day(name: str, year: int) -> Optional[date]:
    """The day of the named term in a Gregorian year; None outside the table or for no term."""
    index = _INDEX.get(name)
    if index is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    _name, month, earliest = TERMS[index]
    return date(year, month, earliest + int(_ROWS[year - FIRST_YEAR][index]))


def nearest_term(today: date, name: str, year_offset: Optional[int] = None) -> Optional[date]:
    """冬至 without a year: the nearest one, this year's, next year's or last year's (ties ahead);
    None when that is past (said a few days after it, it is about the one just gone). With a
    year word (明年冬至) that year's, None if past."""
    if year_offset is not None:
        day = term_day(name, today.year + year_offset)
        return day if day is not None and day >= today else None
    days = [day for day in (term_day(name, today.year + step) for step in (-1, 0, 1)) if day is not None]
    if not days:
        return None
    best = min(days, key=lambda day: (abs((day - today).days), day < today))
    return best if best >= today else None
