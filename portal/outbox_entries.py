"""What the 12345 outbox hands out: a submission's fate for the dialogue, a parked entry for
staff, and the retry budget that decides when a passing failure becomes staff's business.

Kept apart from the outbox's storage so the staff routes and their tests can use the types
without reading SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Optional

from portal.models import Case


@dataclass(frozen=True)
class RetryBudget:
    """How long a submission that fails for passing reasons is tried before staff see it.

    Both must be spent: an action server switched off over a weekend does not park what it
    holds on its first try on Monday, and a portal down for an afternoon parks nothing.
    """

    attempts: int = 10
    seconds: float = 24 * 3600
    longest_wait: float = 3600.0  # a Retry-After longer than this is not believed


@dataclass(frozen=True)
class Submission:
    reference: str
    case: Optional[Case]  # None while it waits in the outbox

    @property
    def queued(self) -> bool:
        return self.case is None


@dataclass(frozen=True)
class ParkedEntry:
    """What staff see of a parked submission: enough to recognise it, no full number."""

    reference: str
    created_at: float
    reason: str
    category: str
    district: str
    description_masked: str
    phone_masked: str
    attempts: int

    def as_json(self) -> Dict[str, Any]:
        stamp = datetime.fromtimestamp(self.created_at).astimezone().isoformat(timespec="seconds")
        return {"reference": self.reference, "created_at": stamp, "reason": self.reason,
                "category": self.category, "district": self.district,
                "description_masked": self.description_masked, "phone_masked": self.phone_masked,
                "attempts": self.attempts}
