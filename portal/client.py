"""The one typed client for the government service portal (real gateway or sandbox).

Custom actions are the only callers. Every call has connect/read timeouts; only calls that
are safe to repeat (reads, and submissions carrying an idempotency key) are retried, with
exponential backoff; every answer is validated into a typed result or raises one of the
errors in `portal.errors`.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Dict, List, Optional, Type, TypeVar

import requests
from pydantic import BaseModel, ValidationError

from config import ConfigError, Settings, secret
from portal.errors import (
    PortalError,
    PortalInvalidAnswer,
    PortalNotFound,
    PortalRefused,
    PortalUnavailable,
)
from portal.models import IdentityChallenge, PensionPayment, PensionPayments, VerifiedResident

logger = logging.getLogger(__name__)

Answer = TypeVar("Answer", bound=BaseModel)

RETRYABLE_STATUS = {500, 502, 503, 504}


class PortalClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.3,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff = backoff
        self.session = requests.Session()
        self.session.headers.update({
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": "elder-service-kiosk/1",
        })

    @classmethod
    def from_settings(cls, settings: Settings) -> PortalClient:
        portal = settings.portal
        api_key = secret(portal.api_key_env)
        if api_key is None:
            raise ConfigError(f"set {portal.api_key_env} to the portal API key")
        return cls(portal.url, api_key, portal.connect_timeout_seconds,
                   portal.read_timeout_seconds, portal.retries, portal.backoff_seconds)

    def close(self) -> None:
        self.session.close()

    # -- transport ---------------------------------------------------------------------

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
    ) -> Dict[str, Any]:
        headers = {}
        if token:
            headers["X-Resident-Token"] = token
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        attempts = 1 + (self.retries if (retry_safe or idempotency_key) else 0)
        last_error: PortalError = PortalUnavailable("portal not tried")
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.backoff * (2 ** (attempt - 1)))
            try:
                response = self.session.request(
                    method, self.base_url + path, json=json, params=params,
                    headers=headers, timeout=self.timeout,
                )
            except requests.Timeout as error:
                last_error = PortalUnavailable(f"portal timed out: {type(error).__name__}", "timeout")
                continue
            except requests.RequestException as error:
                last_error = PortalUnavailable(f"portal unreachable: {type(error).__name__}", "unreachable")
                continue
            if response.status_code in RETRYABLE_STATUS:
                last_error = PortalUnavailable(f"portal answered {response.status_code}",
                                               _error_code(response) or "server_error")
                continue
            return _decode(response)
        logger.warning("%s %s failed after %d attempt(s): %s", method, path, attempts, last_error)
        raise last_error

    # -- services ----------------------------------------------------------------------

    def health(self) -> Dict[str, Any]:
        return self._request("GET", "/v1/health", retry_safe=True)

    def identity_challenge(self, id_number: str) -> IdentityChallenge:
        answer = self._request("POST", "/v1/identity/challenge", retry_safe=True,
                               json={"id_number": id_number})
        return _typed(IdentityChallenge, answer)

    def verify_identity(
        self, id_number: str, name: Optional[str] = None,
        challenge_id: Optional[str] = None, choice: Optional[int] = None,
    ) -> VerifiedResident:
        """Not retried: every attempt counts towards the portal's failure limit."""
        payload: Dict[str, Any] = {"id_number": id_number}
        if challenge_id is not None:
            payload.update(challenge_id=challenge_id, choice=choice)
        else:
            payload["name"] = name
        answer = self._request("POST", "/v1/identity/verify", retry_safe=False, json=payload)
        return _typed(VerifiedResident, answer)

    def pension_payments(self, token: str, months: int = 3) -> List[PensionPayment]:
        answer = self._request("GET", "/v1/pension/payments", retry_safe=True,
                               params={"months": months}, token=token)
        return list(_typed(PensionPayments, answer).payments)


def _error_code(response: requests.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""


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
    code = _error_code(response)
    retry_after = response.headers.get("Retry-After")
    wait = int(retry_after) if retry_after and retry_after.isdigit() else None
    if status == 404 and code != "no_such_endpoint":
        raise PortalNotFound(f"portal: not found ({code})", code or "not_found")
    if status in (400, 401, 403, 409, 422, 429):
        raise PortalRefused(f"portal refused ({status} {code})", code or f"http_{status}", wait)
    raise PortalInvalidAnswer(f"unexpected portal status {status}", code or f"http_{status}")


def _typed(model: Type[Answer], content: Dict[str, Any]) -> Answer:
    try:
        return model.parse_obj(content)
    except ValidationError as error:
        raise PortalInvalidAnswer(f"portal answer does not fit {model.__name__}", "malformed") from error
