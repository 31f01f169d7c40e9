"""The action server's portal client and 12345 outbox, built on first use (never at import)."""

from __future__ import annotations

from functools import lru_cache

from config import get_settings, secret
from nlu.actions.practice import practising
from portal.client import PortalClient
from portal.outbox import Outbox
from portal.outbox_entries import RetryBudget


@lru_cache(maxsize=1)
def _real() -> PortalClient:
    return PortalClient.from_settings(get_settings())


@lru_cache(maxsize=1)
def _practice() -> PortalClient:
    """The sandbox, for guided lessons: the embedded one, or the centre's practice portal."""
    settings = get_settings()
    if settings.portal.mode == "sandbox":
        return _real()
    return PortalClient(settings.portal.practice_url, secret(settings.portal.practice_key_env) or "",
                        settings.portal.connect_timeout_seconds, settings.portal.read_timeout_seconds)


def portal() -> PortalClient:
    """The portal this conversation may use: practice conversations never reach the real one."""
    return _practice() if practising.get() else _real()


class PracticeOutbox(Outbox):
    """A guided lesson's reports are fictional: one that cannot be delivered is dropped, not
    parked for staff (nobody waits for it)."""

    def _park(self, reference: str, reason: str) -> None:
        super()._park(reference, reason)
        self.handled(reference)


OUTBOX_FILE = "outbox.sqlite3"  # in the data folder: reports on their way to the portal


@lru_cache(maxsize=2)
def _outbox(practice: bool) -> Outbox:
    settings = get_settings()
    if practice:
        box: Outbox = PracticeOutbox(settings.data_dir / "practice-outbox.sqlite3", _practice(),
                                     budget=RetryBudget(attempts=3, seconds=600))
    else:
        box = Outbox(settings.data_dir / OUTBOX_FILE, _real())
    box.start()
    return box


def outbox() -> Outbox:
    """Started with its background sender, so queued reports go out when the portal is back."""
    return _outbox(practising.get())
