"""The few kinds of portal failure the kiosk has a sentence for.

Actions catch these and say something useful; anything else is a bug. Each carries the
contract's error code so an action can tell a wrong name from a locked account.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
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


class PortalTryLater(PortalError):
    """The same request may well succeed later: after `retry_after` seconds when the portal
    said so (Retry-After), else after a backoff. The outbox catches this and retries.

    Only ever raised as one of the two kinds below, each also the error its status raised
    before, so callers that do not know this class keep their sentences.
    """


class PortalBusy(PortalTryLater, PortalRefused):
    """429: too many requests for now (a locked identity check is a 429 too, with its code)."""


class PortalRequestTimeout(PortalTryLater, PortalInvalidAnswer):
    """408: the portal gave up waiting for the request; repeating it is safe with a key."""


def error_for_status(status: int, code: str, retry_after: Optional[str]) -> PortalError:
    """The error for a portal answer that is not 2xx (5xx never get here: the client retries
    those and raises PortalUnavailable)."""
    wait = retry_after_seconds(retry_after)
    if status == 404 and code != "no_such_endpoint":
        return PortalNotFound(f"portal: not found ({code})", code or "not_found")
    if status == 429:
        return PortalBusy(f"portal busy ({status} {code})", code or "http_429", wait)
    if status == 408:
        return PortalRequestTimeout(f"portal timed out the request ({status})", code or "http_408", wait)
    if status in (400, 401, 403, 409, 422):
        return PortalRefused(f"portal refused ({status} {code})", code or f"http_{status}", wait)
    return PortalInvalidAnswer(f"unexpected portal status {status}", code or f"http_{status}")


def retry_after_seconds(value: Optional[str], now: Optional[datetime] = None) -> Optional[int]:
    """A Retry-After header in whole seconds from now: delay-seconds ("120") or an HTTP date
    ("Wed, 21 Oct 2026 07:28:00 GMT", RFC 9110 section 10.2.3); a date already past is 0;
    anything else is None (the caller then backs off on its own)."""
    text = (value or "").strip()
    if text.isdigit():
        return int(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # the obsolete RFC 850 and asctime forms carry no zone: GMT
        when = when.replace(tzinfo=timezone.utc)
    return max(0, math.ceil((when - (now or datetime.now(timezone.utc))).total_seconds()))
