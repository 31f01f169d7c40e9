"""The few kinds of portal failure the kiosk has a sentence for.

Actions catch these and say something useful; anything else is a bug. Each carries the
contract's error code so an action can tell a wrong name from a locked account.
"""

from __future__ import annotations

from typing import Optional


class PortalError(Exception):
    def __init__(self, message: str, code: str = "", retry_after: Optional[int] = None) -> None:
        super().__init__(message)
        self.code = code
        self.retry_after = retry_after


class PortalUnavailable(PortalError):
    """Could not reach the portal, it timed out, or it said it is down (5xx)."""


class PortalRefused(PortalError):
    """The portal understood and said no (wrong details, locked, bad request, expired token)."""


class PortalNotFound(PortalError):
    """The thing asked for does not exist (no such resident, case or hall)."""


class PortalInvalidAnswer(PortalError):
    """The portal answered something that is not what the contract promises."""
