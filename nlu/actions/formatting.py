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


def grouped(digits: str, size: int) -> str:
    """'2026112400000151' -> '2026 1124 0000 0151': easier to read, and read out in groups."""
    return " ".join(digits[i:i + size] for i in range(0, len(digits), size))


WEEKDAYS = "一二三四五六日"


def day_label(day: date, today: date) -> str:
    """'明天 11月25日 星期三'."""
    names = {0: "今天", 1: "明天", 2: "后天"}
    prefix = names.get((day - today).days, "")
    return f"{prefix} {month_day(day)} 星期{WEEKDAYS[day.weekday()]}".strip()


def time_label(start: str) -> str:
    """'09:00' -> '上午9:00', '14:30' -> '下午2:30'."""
    hour, minute = (int(part) for part in start.split(":"))
    if hour < 12:
        return f"上午{hour}:{minute:02d}"
    return f"下午{hour - 12 if hour > 12 else hour}:{minute:02d}"
