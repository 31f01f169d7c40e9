"""What the reader found on a resident's ID card, and the only forms of it fit to show.

Card text is personal data: the kiosk needs the full number and name for one thing, the
portal's verify call. Everything else (screens, speech, logs, events) uses the masked forms,
and the card's repr shows only those, so a stray log line or traceback cannot leak it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from common.masking import mask_id_number
from common.names import mask_name


@dataclass(frozen=True, repr=False)
class IdCard:
    """The base text of a second-generation resident ID card, decoded.

    `sex` and `nation` are the printed words (男 / 女, 汉 …), not the card's codes.
    `valid_until` is None for a card valid for life (长期).
    """

    name: str
    sex: str
    nation: str
    birth_date: date
    address: str
    id_number: str
    authority: str
    valid_from: date
    valid_until: Optional[date]

    def valid_on(self, day: date) -> bool:
        """True when the card may be used on `day` (both printed dates count as valid)."""
        if day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until

    @property
    def lifelong(self) -> bool:
        return self.valid_until is None

    @property
    def masked_number(self) -> str:
        """'3607 ********** 1234'."""
        return mask_id_number(self.id_number)

    @property
    def masked_name(self) -> str:
        """'张*英'."""
        return mask_name(self.name)

    def __repr__(self) -> str:
        # Never the full number, name, address or birth date (the birth date would give away
        # the middle of the number): only what the screen may show.
        until = "长期" if self.valid_until is None else self.valid_until.isoformat()
        return f"IdCard(name={self.masked_name!r}, id_number={self.masked_number!r}, valid_until={until!r})"

    __str__ = __repr__
