"""The action server's portal client and 12345 outbox, built on first use (never at import)."""

from __future__ import annotations

from functools import lru_cache

from config import get_settings
from portal.client import PortalClient
from portal.outbox import Outbox


@lru_cache(maxsize=1)
def portal() -> PortalClient:
    return PortalClient.from_settings(get_settings())


@lru_cache(maxsize=1)
def outbox() -> Outbox:
    """Started with its background sender, so queued reports go out when the portal is back."""
    box = Outbox(get_settings().data_dir / "outbox.sqlite3", portal())
    box.start()
    return box
