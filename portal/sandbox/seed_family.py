"""Fictional households and yearly contributions for the sandbox: who lives with whom, and
what each resident owes for the urban-rural residents' medical insurance (城乡居民医保) and
pension insurance (城乡居民养老保险).

Why these records: paying for oneself, for a family member or for anyone else, and acting
for an elder (代办), all need relatives the portal knows and dues that are open or paid.
The demo residents' relatives are fixed (docs, lessons and tests name them); the dues of the
random residents are random but the same for a given day. None of these people exist.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import List, Tuple

from common import idnumber
from portal.sandbox.seed import Resident

# Everyone's medical insurance for a year costs the same; the pension insurance has grades
# (档次) the insured chooses. Cents.
MEDICAL_CENTS = {2025: 38000, 2026: 38000, 2027: 40000}
PENSION_GRADES = [30000, 50000, 100000, 200000]
PENSION_UNTIL_AGE = 60  # from 60 the insured draw their pension and pay no more
PAYEE = "国家税务总局赣州市税务局"
KINDS = {"medical": "城乡居民医保", "pension": "城乡居民养老保险"}


@dataclass(frozen=True)
class Relative:
    """A demo resident's relative: (name, area, born, sequence, phone) of a new resident, and
    who they are to the demo resident (女儿: the relative is the demo resident's daughter)."""

    of_demo: int
    name: str
    area: str
    born: date
    sequence: int
    phone: str
    relation: str  # the relative, as the demo resident calls them
    inverse: str  # the demo resident, as the relative calls them

    @property
    def id_number(self) -> str:
        return idnumber.make(self.area, self.born, self.sequence)


# 张桂英's daughter and grandson, 李德明's son. Area 360730: they sort in the middle of the
# residents, so tests that count residents from either end still find the ones they expect.
RELATIVES = [
    Relative(0, "陈冬梅", "360730", date(1976, 5, 8), 162, "13907971188", "女儿", "母亲"),
    Relative(0, "陈浩", "360730", date(2014, 9, 1), 171, "13907971188", "外孙", "外婆"),
    Relative(1, "李志强", "360730", date(1972, 3, 15), 233, "15979761212", "儿子", "父亲"),
]


def collection_year(today: date) -> int:
    """The year whose contributions are collected now: from September, next year's."""
    return today.year + 1 if today.month >= 9 else today.year


def due_by(year: int, today: date) -> date:
    """Next year's contributions are due by the end of February; a late one by the year's end."""
    deadline = date(year, 2, 28)
    return deadline if deadline >= today else date(today.year, 12, 31)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def dues_for(number: str, rng: random.Random, today: date, demo_index: int = -1) -> List[Tuple]:
    """(due_id, id_number, kind, year, cents, due_by, paid_on or '') for one resident: this
    collection's medical insurance, last year's (paid), and the pension insurance while under 60."""
    year = collection_year(today)
    born = idnumber.birth_date(number) or date(1950, 1, 1)
    out = [(_ref("D", rng), number, "medical", year - 1, MEDICAL_CENTS.get(year - 1, 38000),
            date(year - 1, 2, 28).isoformat(), date(year - 2, 12, 1 + rng.randrange(20)).isoformat())]
    # The demo residents: 李德明 (1) has paid this year's already; the others have not.
    paid_now = demo_index == 1 or (demo_index < 0 and rng.random() < 0.2)
    paid_on = date(today.year, today.month, 1).isoformat() if paid_now else ""
    out.append((_ref("D", rng), number, "medical", year, MEDICAL_CENTS.get(year, 40000),
                due_by(year, today).isoformat(), paid_on))
    if _age(born, today) < PENSION_UNTIL_AGE and _age(born, today) >= 16:
        grade = PENSION_GRADES[1] if demo_index >= 0 else rng.choice(PENSION_GRADES)
        out.append((_ref("D", rng), number, "pension", today.year, grade,
                    date(today.year, 12, 31).isoformat(), ""))
    return out


def _ref(prefix: str, rng: random.Random) -> str:
    """An opaque id (a due, a household member): random, so one cannot be guessed from another."""
    return f"{prefix}{rng.getrandbits(48):012X}"


def relatives_as_residents() -> List[Resident]:
    return [Resident(r.id_number, r.name, r.phone, r.area, 0) for r in RELATIVES]


def into(connection, residents: List[Resident], today: date) -> None:
    """Write the relatives (as residents), the households and everyone's dues (inside the
    caller's transaction). `residents` are the seeded ones, the demo residents first."""
    rng = random.Random(f"dues-{today.isoformat()}")
    for relative in RELATIVES:
        connection.execute("INSERT INTO residents VALUES (?, ?, ?, ?, 0)",
                           (relative.id_number, relative.name, relative.phone, relative.area))
        elder = residents[relative.of_demo].id_number
        connection.executemany("INSERT INTO family_members VALUES (?, ?, ?, ?)", [
            (elder, relative.id_number, relative.relation, _ref("M", rng)),
            (relative.id_number, elder, relative.inverse, _ref("M", rng))])
    siblings = [r for r in RELATIVES if r.of_demo == 0]
    connection.executemany("INSERT INTO family_members VALUES (?, ?, ?, ?)", [
        (siblings[0].id_number, siblings[1].id_number, "儿子", _ref("M", rng)),
        (siblings[1].id_number, siblings[0].id_number, "母亲", _ref("M", rng))])
    demo_count = 4
    for index, resident in enumerate(residents):
        connection.executemany("INSERT INTO contribution_dues VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                               dues_for(resident.id_number, rng, today, index if index < demo_count else -1))
    for relative in RELATIVES:
        connection.executemany("INSERT INTO contribution_dues VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                               dues_for(relative.id_number, rng, today, 9))
