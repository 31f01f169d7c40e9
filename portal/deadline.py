"""How long the current resident turn may still wait for the portal.

Every resident turn has one time budget (dialogue.turn_budget_seconds), shorter than the
kiosk's own timeout, within which the resident must hear the answer or a plain way on. The
action server sets the turn's deadline before an action runs; the portal client shortens
its timeouts to what is left and stops retrying when it is spent, so a hanging portal costs
a turn its budget and no more, and the action still has time to say what happens next.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Optional

_deadline: ContextVar[Optional[float]] = ContextVar("portal_deadline", default=None)

# Below this, a call is not worth starting: it could not finish and be told in time.
SMALLEST_CALL_SECONDS = 0.3


def remaining() -> Optional[float]:
    """Seconds left for this turn (monotonic clock), or None when no budget applies."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


@contextmanager
def budget(seconds: Optional[float]) -> Iterator[None]:
    """Portal calls inside the block share `seconds` (None: no limit beyond their timeouts)."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)
