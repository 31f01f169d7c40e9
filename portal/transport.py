"""How the portal client talks HTTP: timeouts within the turn's budget, retries only where
repeating a call cannot do harm, and every answer either a JSON object or a PortalError.

Kept apart from the client's list of services (portal/client.py) so each stays readable;
`PortalClient` is this transport plus one method per portal call.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Dict, Optional, Type, TypeVar
from urllib.parse import quote

import requests
from pydantic import BaseModel, ValidationError

from portal import deadline
from portal.errors import (
    PortalError,
    PortalInvalidAnswer,
    PortalNotFound,
    PortalRefused,
    PortalUnavailable,
    error_for_status,
)

logger = logging.getLogger(__name__)

Answer = TypeVar("Answer", bound=BaseModel)

RETRYABLE_STATUS = {500, 502, 503, 504}
KIOSK_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}\Z")  # as kiosk.kiosk_id in config/settings.py
STAFF_ACCOUNT = re.compile(r"^[A-Za-z0-9_.@-]{1,64}\Z")
TOKEN = re.compile(r"^[\x21-\x7e]{1,256}\Z")  # printable ASCII: tokens and idempotency keys


class PortalTransport:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.3,
        kiosk_id: Optional[str] = None,
    ) -> None:
        """`kiosk_id`: the X-Kiosk-Id sent when a call names no kiosk of its own (this machine's,
        in the embedded set-up; an action server serving many kiosks passes each call's)."""
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff = backoff
        self.kiosk_id = kiosk_id
        self.session = requests.Session()
        self.session.headers.update({
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": "elder-service-kiosk/2",
        })

    def close(self) -> None:
        self.session.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        retry_safe: bool,
        json: Optional[Dict[str, Any]] = None,
        params: Optional[Dict[str, Any]] = None,
        token: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        kiosk_id: Optional[str] = None,
        staff_account: Optional[str] = None,
    ) -> Dict[str, Any]:
        headers = {}
        kiosk = kiosk_id or self.kiosk_id
        if kiosk:
            headers["X-Kiosk-Id"] = _header(kiosk, KIOSK_ID, "invalid_kiosk_id")
        if token:
            headers["X-Resident-Token"] = _header(token, TOKEN, "token_invalid")
        if idempotency_key:
            headers["Idempotency-Key"] = _header(idempotency_key, TOKEN, "missing_idempotency_key")
        if staff_account is not None:
            headers["X-Staff-Account"] = _header(staff_account, STAFF_ACCOUNT, "staff_account_required")
        attempts = 1 + (self.retries if (retry_safe or idempotency_key) else 0)
        last_error: PortalError = PortalUnavailable("portal not tried")
        for attempt in range(attempts):
            if attempt:
                pause = self.backoff * (2 ** (attempt - 1))
                left = deadline.remaining()
                if left is not None and left < pause + deadline.SMALLEST_CALL_SECONDS:
                    break  # no time for another try within this turn
                time.sleep(pause)
            timeout = self._timeout_within_budget()
            if timeout is None:
                last_error = PortalUnavailable("the turn's time budget is spent", "timeout")
                break
            try:
                response = self.session.request(
                    method, self.base_url + path, json=json, params=params,
                    headers=headers, timeout=timeout,
                )
            except requests.Timeout as error:
                last_error = PortalUnavailable(f"portal timed out: {type(error).__name__}", "timeout")
                continue
            except requests.RequestException as error:
                last_error = PortalUnavailable(f"portal unreachable: {type(error).__name__}", "unreachable")
                continue
            if response.status_code in RETRYABLE_STATUS:
                last_error = PortalUnavailable(f"portal answered {response.status_code}",
                                               _error_field(response, "code") or "server_error")
                continue
            return _decode(response)
        logger.warning("%s %s failed after %d attempt(s): %s", method, path, attempts, last_error)
        raise last_error

    def _timeout_within_budget(self) -> Optional[tuple]:
        """(connect, read) timeouts cut to what the turn has left; None when too little is left."""
        left = deadline.remaining()
        if left is None:
            return self.timeout
        if left < deadline.SMALLEST_CALL_SECONDS:
            return None
        connect, read = self.timeout
        return (min(connect, left), min(read, left))


def _header(value: str, shape: re.Pattern, code: str) -> str:
    """A header value the portal could accept; anything else (a line break, a character
    HTTP headers cannot carry) is refused here as the portal would refuse it."""
    if not isinstance(value, str) or not shape.match(value):
        raise PortalRefused(f"not sent: a malformed header value ({code})", code)
    return value


def path_segment(value: str, missing: str = "not_found") -> str:
    """A path segment from resident input, percent-encoded so it can never change the path;
    an empty one would name another route, so it is not found (code `missing`) unasked."""
    if not str(value):
        raise PortalNotFound("nothing to look up", missing)
    return quote(str(value), safe="")


def attempts_left(error: PortalError) -> Optional[int]:
    """How many more one-time codes may be tried for the number, when a refusal of
    verify_sms_code said so (0 once the code is void and the number locked)."""
    value = getattr(error, "attempts_left", None)
    return value if isinstance(value, int) else None


def _error_field(response: requests.Response, name: str) -> Any:
    try:
        error = response.json()["error"]
        return error.get(name) if isinstance(error, dict) else None
    except (ValueError, KeyError, TypeError):
        return None


def _decode(response: requests.Response) -> Dict[str, Any]:
    """A 2xx JSON object, or the matching PortalError."""
    status = response.status_code
    if 200 <= status < 300:
        try:
            content = response.json()
        except ValueError as error:
            raise PortalInvalidAnswer("portal answer is not JSON", "malformed") from error
        if not isinstance(content, dict):
            raise PortalInvalidAnswer("portal answer is not a JSON object", "malformed")
        return content
    code = _error_field(response, "code")
    error = error_for_status(status, str(code) if code is not None else "", response.headers.get("Retry-After"))
    left = _error_field(response, "attempts_left")
    if isinstance(left, int) and not isinstance(left, bool) and left >= 0:
        error.attempts_left = left  # type: ignore[attr-defined]  # read it with attempts_left()
    raise error


def typed(model: Type[Answer], content: Dict[str, Any]) -> Answer:
    try:
        return model.model_validate(content)
    except ValidationError as error:
        raise PortalInvalidAnswer(f"portal answer does not fit {model.__name__}", "malformed") from error
