"""Gregorian arithmetic for days said without all their parts, which never raises.

A resident says "5号" or "12月5号" and leaves the month or the year to the listener; which month
or year is meant is a decision (the nearest one, never one in the past), and so is what happens
at the calendar's edges (2月30号, a today of date.max). Those decisions are made here, apart from
the patterns that find the words (common.day_rules), and every helper answers None rather than
raising. Pure, standard library only: it runs in the Rasa server (Python 3.10) too.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Optional, Tuple


def safe_date(year: int, month: int, day: int) -> Optional[date]:
    """date(year, month, day), or None when there is no such day."""
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def shift(day: date, days: int) -> Optional[date]:
    """`days` after `day`, or None past the calendar's ends."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def month_length(year: int, month: int) -> int:
    """Days in the month (0 when the month cannot be known, at the calendar's end)."""
    if month == 12:
        return 31
    first, following = safe_date(year, month, 1), safe_date(year, month + 1, 1)
    return (following - first).days if first and following else 0


def not_past(day: Optional[date], today: date) -> Optional[date]:
    """A day in the past is no day to book: None."""
    return day if day is not None and day >= today else None


def nearest_month_day(today: date, month: int, day: int) -> Optional[date]:
    """12月5号 without a year: the nearest one (ties go ahead); None if it is past or impossible."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    best: Optional[Tuple[Tuple[int, int], int]] = None
    for year in (today.year - 1, today.year, today.year + 1):
        length = month_length(year, month)
        approx = safe_date(year, month, min(day, length)) if length else None
        if approx is None:
            continue
        delta = (approx - today).days
        key = (abs(delta), 0 if delta >= 0 else 1)
        if best is None or key < best[0]:
            best = (key, year)
    if best is None:
        return None
    found = safe_date(best[1], month, day)
    return found if found is not None and found >= today else None


def day_of_month(today: date, day: int) -> Optional[date]:
    """5号: this month's if today or ahead, else next month's; None if that month lacks the day."""
    if not 1 <= day <= 31:
        return None
    if day >= today.day:
        return safe_date(today.year, today.month, day)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return safe_date(year, month, day)
