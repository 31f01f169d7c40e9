"""The action server's portal client, built on first use (never at import time)."""

from __future__ import annotations

from functools import lru_cache

from config import get_settings
from portal.client import PortalClient


@lru_cache(maxsize=1)
def portal() -> PortalClient:
    return PortalClient.from_settings(get_settings())
