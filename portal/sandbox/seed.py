"""Fictional residents for the sandbox, the same every time for a given seed.

The numbers are in the real format (Ganzhou area codes, real birth dates, correct check
digits) so the kiosk's own checks treat them exactly as they would treat real ones. None
of these people exist.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import List

from common import idnumber

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高钟曾谢邱温廖赖肖曹彭"
GIVEN_FEMALE = ["桂英", "秀兰", "玉华", "春梅", "冬梅", "秀英", "凤英", "金花", "月娥", "淑珍", "玉兰",
                "香莲"]
GIVEN_MALE = ["建国", "国华", "德明", "振华", "长生", "水生", "福生", "志强", "永福", "明华", "家福", "荣生"]


@dataclass(frozen=True)
class Payment:
    month: str  # YYYY-MM
    amount_cents: int
    paid_on: str  # ISO date, or "" when not yet paid
    status: str  # "paid" | "scheduled"


@dataclass(frozen=True)
class Resident:
    id_number: str
    name: str
    phone: str
    district_code: str
    monthly_pension_cents: int
    payments: List[Payment] = field(default_factory=list)


# Residents that docs, demos and lessons can name. Their data is fixed; the rest is random.
DEMO_RESIDENTS = [
    ("张桂英", "360702", date(1950, 3, 12), 122, "13807971234", 321560),
    ("李德明", "360731", date(1948, 11, 2), 215, "13979765432", 287000),
    ("刘秀兰", "360781", date(1956, 6, 30), 408, "15170701357", 195380),
    # Holds an expired ID card (portal/sandbox/cards.py: EXPIRED_CARD_RESIDENT).
    ("曾水生", "360703", date(1962, 9, 18), 317, "13907975566", 246820),
]

PAYDAY = 15


def _months_back(today: date, count: int) -> List[date]:
    """The first day of this month and the count-1 months before it, newest first."""
    year, month = today.year, today.month
    firsts = []
    for _ in range(count):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts


def payments_for(monthly_cents: int, today: date) -> List[Payment]:
    """Twelve months of pension: paid on the 15th, this month's scheduled until then.

    Pensions are raised each July, so months before the latest July are about 2 % lower.
    """
    adjusted_from = date(today.year if today.month >= 7 else today.year - 1, 7, 1)
    payments = []
    for first in _months_back(today, 12):
        cents = monthly_cents if first >= adjusted_from else int(round(monthly_cents / 1.02))
        paid_day = date(first.year, first.month, PAYDAY)
        if paid_day <= today:
            payments.append(Payment(f"{first:%Y-%m}", cents, paid_day.isoformat(), "paid"))
        else:
            payments.append(Payment(f"{first:%Y-%m}", cents, "", "scheduled"))
    return payments


def _phone(rng: random.Random) -> str:
    prefix = rng.choice(["138", "139", "150", "151", "158", "170", "177", "180", "187", "199"])
    return prefix + "".join(rng.choice("0123456789") for _ in range(8))


def generate(count: int, seed: int, today: date) -> List[Resident]:
    """The demo residents first, then `count` random ones with unique identity numbers."""
    rng = random.Random(seed)
    residents: List[Resident] = []
    used = set()
    for name, area, born, sequence, phone, cents in DEMO_RESIDENTS:
        number = idnumber.make(area, born, sequence)
        used.add(number)
        residents.append(Resident(number, name, phone, area, cents, payments_for(cents, today)))
    areas = sorted(idnumber.GANZHOU_DISTRICTS)
    while len(residents) < count + len(DEMO_RESIDENTS):
        born = date(rng.randint(1930, 1965), rng.randint(1, 12), rng.randint(1, 28))
        female = rng.random() < 0.55
        # Odd 17th digit for men, even for women, as on real cards.
        sequence = rng.randrange(0, 500) * 2 + (0 if female else 1)
        area = rng.choice(areas)
        number = idnumber.make(area, born, sequence)
        if number in used:
            continue
        used.add(number)
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        name = rng.choice(SURNAMES) + given
        cents = rng.randrange(120000, 520000, 10)
        residents.append(Resident(number, name, _phone(rng), area, cents, payments_for(cents, today)))
    return residents
