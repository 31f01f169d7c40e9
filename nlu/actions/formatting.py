"""How amounts and dates are written for residents: 3,215.60 元, 11月15日."""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def yuan(amount: Decimal) -> str:
    """A no-break space keeps the amount and 元 on one line on screen."""
    return f"{amount:,.2f}\u00a0元"


def month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def month(month_text: str) -> str:
    """'2026-11' -> '11月'."""
    return f"{int(month_text[5:7])}月"
