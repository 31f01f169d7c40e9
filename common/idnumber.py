"""Resident identity numbers (GB 11643-1999) and the Ganzhou districts they start with.

The kiosk checks the check digit before a number is ever sent, so a mistyped digit is
caught on the keypad with a kind word rather than as a refusal from the portal.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Dict, Optional

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")

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
    """Strip spaces and make a trailing x upper case, as residents and keypads produce both."""
    return re.sub(r"\s+", "", raw or "").upper()


def birth_date(number: str) -> Optional[date]:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_valid(raw: str) -> bool:
    """Right shape, a real birth date, and the right check character."""
    number = normalise(raw)
    if not _SHAPE.match(number):
        return False
    born = birth_date(number)
    if born is None or not date(1900, 1, 1) <= born <= date.today():
        return False
    return number[17] == check_char(number[:17])


def make(area: str, born: date, sequence: int) -> str:
    """A valid-format number, used by the sandbox to seed fictional residents."""
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
