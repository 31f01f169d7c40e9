"""Resident identity numbers (GB 11643-1999) and the Ganzhou districts they start with.

The kiosk checks the check digit before a number is ever sent, so a mistyped digit is
caught on the keypad with a kind word rather than as a refusal from the portal. How a number
may be written (spaces, full-width digits, said in words) is `common.number_finder`'s business;
this module only judges the canonical form.

Older residents may still quote the 15-digit number of a first-generation card: it has no
check digit and a two-digit birth year (always 19YY); `upgrade` gives the 18-digit number
the portal knows them by.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Dict, Optional

from common import number_finder, numbers

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"

# Administrative division codes of Ganzhou's 18 counties, districts and county-level cities.
GANZHOU_DISTRICTS: Dict[str, str] = {
    "360702": "章贡区",
    "360703": "南康区",
    "360704": "赣县区",
    "360781": "瑞金市",
    "360783": "龙南市",
    "360722": "信丰县",
    "360723": "大余县",
    "360724": "上犹县",
    "360725": "崇义县",
    "360726": "安远县",
    "360728": "定南县",
    "360729": "全南县",
    "360730": "宁都县",
    "360731": "于都县",
    "360732": "兴国县",
    "360733": "会昌县",
    "360734": "寻乌县",
    "360735": "石城县",
}


def check_char(first17: str) -> str:
    """The 18th character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise(raw: str) -> str:
    """The canonical form of a number however it was written ("3607 0219 …", full-width digits,
    a lower-case x, digits said in words); anything else without spaces and in upper case, so
    `is_valid` can refuse it."""
    return number_finder.identity_number(raw or "") or re.sub(r"\s+", "", raw or "").upper()


def birth_date(number: str) -> Optional[date]:
    """The birth date in an 18-digit number, or in a 15-digit one (born 19YY); None if unreal."""
    try:
        if len(number) == 15:
            return date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def _born_plausibly(number: str) -> bool:
    born = birth_date(number)
    return born is not None and date(1900, 1, 1) <= born <= date.today()


def is_valid(raw: str) -> bool:
    """Right shape (18 characters), a real birth date, and the right check character."""
    number = normalise(raw)
    if not numbers.IDENTITY.match(number) or not _born_plausibly(number):
        return False
    return number[17] == check_char(number[:17])


def is_valid_first_generation(raw: str) -> bool:
    """A 15-digit first-generation number: right shape, a real province and a real birth date
    (there is no check digit to test)."""
    number = normalise(raw)
    return bool(numbers.IDENTITY_15.match(number)) and numbers.plausible_identity(number) \
        and _born_plausibly(number)


def upgrade(raw: str) -> Optional[str]:
    """The 18-digit number for a valid 15-digit one (19 inserted before the year, check
    character added, as the public security bureau did), else None."""
    if not is_valid_first_generation(raw):
        return None
    number = normalise(raw)
    first17 = f"{number[:6]}19{number[6:]}"
    return first17 + check_char(first17)


def make(area: str, born: date, sequence: int) -> str:
    """A valid-format number, used by the sandbox to seed fictional residents."""
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
