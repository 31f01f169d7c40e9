"""The fictional residents' ID cards, for the simulated card reader (tests, demos, lessons).

Built from the same seed as the sandbox's residents, so a card placed on the simulated reader
names a resident the sandbox knows. Each card follows the real rules: sex from the 17th digit
(odd for men), a validity set by the holder's age when it was issued (5, 10 or 20 years, for
life from 46), renewed on the day it ran out. One demo resident's card was never renewed
(EXPIRED_CARD_RESIDENT), for the kiosk's "your card has expired" path.
"""

from __future__ import annotations

import random
from datetime import date
from typing import List, Optional

from common import idnumber
from kiosk.devices.id_card import IdCard
from portal.sandbox import seed
from portal.sandbox.seed_services import ROADS

# Index in seed.DEMO_RESIDENTS of the resident whose card expired (and was not renewed).
EXPIRED_CARD_RESIDENT = 3
_EXPIRED_CARD_ISSUED = date(2004, 9, 20)  # at 41: a 20-year card, ran out on 2024-09-20

_FIRST_ISSUE_FROM, _FIRST_ISSUE_TO = date(2006, 1, 1), date(2024, 12, 31)


def validity_years(age_at_issue: int) -> Optional[int]:
    """How long a card issued at this age is valid; None for life (长期)."""
    if age_at_issue < 16:
        return 5
    if age_at_issue <= 25:
        return 10
    if age_at_issue <= 45:
        return 20
    return None


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _authority(district: str) -> str:
    """赣州市公安局章贡分局 for a district of the city; 信丰县公安局, 瑞金市公安局 otherwise."""
    if district.endswith("区"):
        return f"赣州市公安局{district[:-1]}分局"
    return f"{district}公安局"


def _address(district: str, rng: random.Random) -> str:
    prefix = "江西省" if district.endswith("市") else "江西省赣州市"
    return (f"{prefix}{district}{rng.choice(ROADS)}{rng.randint(1, 299)}号"
            f"{rng.randint(1, 12)}栋{rng.randint(1, 6)}0{rng.randint(1, 4)}室")


def _expired_number() -> str:
    _name, area, born, sequence, _phone, _cents = seed.DEMO_RESIDENTS[EXPIRED_CARD_RESIDENT]
    return idnumber.make(area, born, sequence)


def card_for(resident: seed.Resident, today: date) -> IdCard:
    """The card the resident holds on `today` (the same card every time for the same day)."""
    number = resident.id_number
    born = idnumber.birth_date(number)
    assert born is not None, "seeded numbers carry real birth dates"
    rng = random.Random(f"card-{number}")
    if number == _expired_number():
        issued = _EXPIRED_CARD_ISSUED
        years = validity_years(_age_on(born, issued))
        until: Optional[date] = _years_later(issued, years) if years else None
    else:
        span = (_FIRST_ISSUE_TO - _FIRST_ISSUE_FROM).days
        issued = date.fromordinal(_FIRST_ISSUE_FROM.toordinal() + rng.randrange(span))
        while True:
            years = validity_years(_age_on(born, issued))
            until = _years_later(issued, years) if years else None
            if until is None or until >= today:
                break
            issued = until  # renewed the day it ran out
    district = idnumber.GANZHOU_DISTRICTS[resident.district_code]
    return IdCard(
        name=resident.name, sex="男" if int(number[16]) % 2 else "女", nation="汉", birth_date=born,
        address=_address(district, rng), id_number=number, authority=_authority(district),
        valid_from=issued, valid_until=until,
    )


def sandbox_cards(today: Optional[date] = None) -> List[IdCard]:
    """Every sandbox resident's card, in the sandbox's order (the demo residents first)."""
    from portal.sandbox.db import RESIDENT_COUNT, SEED

    today = today or date.today()
    return [card_for(resident, today) for resident in seed.generate(RESIDENT_COUNT, SEED, today)]


def demo_card(index: int, today: Optional[date] = None) -> IdCard:
    """The card of seed.DEMO_RESIDENTS[index] (EXPIRED_CARD_RESIDENT's has run out)."""
    today = today or date.today()
    name, area, born, sequence, phone, cents = seed.DEMO_RESIDENTS[index]
    resident = seed.Resident(idnumber.make(area, born, sequence), name, phone, area, cents)
    return card_for(resident, today)
