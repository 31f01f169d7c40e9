"""The one typed client for the government service portal (real gateway or sandbox).

Custom actions are the only callers. Every call has connect/read timeouts; only calls that
are safe to repeat (reads, and submissions carrying an idempotency key) are retried, with
exponential backoff; every answer is validated into a typed result or raises one of the
errors in `portal.errors`.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any, Dict, List, Optional, Type, TypeVar
from urllib.parse import quote

import requests
from pydantic import BaseModel, ValidationError

from config import ConfigError, Settings, secret
from portal import deadline
from portal.errors import PortalError, PortalInvalidAnswer, PortalUnavailable, error_for_status
from portal.models import (
    Appointment,
    AppointmentList,
    Case,
    CaseList,
    CaseRequest,
    Certification,
    Hall,
    HallList,
    IdentityChallenge,
    MedicalAccount,
    PensionPayment,
    PensionPayments,
    Policy,
    PolicyResults,
    Slot,
    Slots,
    VerifiedResident,
)

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
                                               _error_code(response) or "server_error")
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

    def pension_certification(self, token: str) -> Certification:
        answer = self._request("GET", "/v1/pension/certification", retry_safe=True, token=token)
        return _typed(Certification, answer)

    def record_certification(self, token: str) -> Certification:
        """Doing it twice on one day changes nothing, so it is safe to retry."""
        answer = self._request("POST", "/v1/pension/certification", retry_safe=True, token=token)
        return _typed(Certification, answer)

    def medical_account(self, token: str) -> MedicalAccount:
        answer = self._request("GET", "/v1/medical/account", retry_safe=True, token=token)
        return _typed(MedicalAccount, answer)

    # -- 12345 hotline -----------------------------------------------------------------

    def submit_case(self, request: CaseRequest, idempotency_key: str) -> Case:
        """Retried with the same key: a retry never makes a second case."""
        answer = self._request("POST", "/v1/hotline/cases", retry_safe=False, json=request.as_json(),
                               idempotency_key=idempotency_key)
        return _typed(Case, answer)

    def follow_case(self, case_number: str) -> Case:
        return _typed(Case, self._request("GET", f"/v1/hotline/cases/{_path(case_number)}", retry_safe=True))

    def cases_by_phone(self, phone: str) -> List[Case]:
        answer = self._request("GET", "/v1/hotline/cases", retry_safe=True, params={"phone": phone})
        return list(_typed(CaseList, answer).cases)

    def rate_case(self, case_number: str, score: int, comment: str = "") -> Case:
        """The same rating sent twice is accepted once, so it is safe to retry."""
        answer = self._request("POST", f"/v1/hotline/cases/{_path(case_number)}/rating", retry_safe=True,
                               json={"score": score, "comment": comment})
        return _typed(Case, answer)

    # -- service halls and appointments ------------------------------------------------

    def halls(self, district: Optional[str] = None) -> List[Hall]:
        params = {"district": district} if district else None
        return list(_typed(HallList, self._request("GET", "/v1/halls", retry_safe=True, params=params)).halls)

    def hall(self, hall_id: str) -> Hall:
        return _typed(Hall, self._request("GET", f"/v1/halls/{_path(hall_id)}", retry_safe=True))

    def slots(self, hall_id: str, day: date) -> List[Slot]:
        answer = self._request("GET", f"/v1/halls/{_path(hall_id)}/slots", retry_safe=True,
                               params={"date": day.isoformat()})
        return list(_typed(Slots, answer).slots)

    def book_appointment(self, token: str, hall_id: str, day: date, start: str, service: str,
                         idempotency_key: str) -> Appointment:
        answer = self._request("POST", "/v1/appointments", retry_safe=False, token=token,
                               idempotency_key=idempotency_key,
                               json={"hall_id": hall_id, "date": day.isoformat(), "start": start,
                                     "service": service})
        return _typed(Appointment, answer)

    def appointments(self, token: str) -> List[Appointment]:
        answer = self._request("GET", "/v1/appointments", retry_safe=True, token=token)
        return list(_typed(AppointmentList, answer).appointments)

    def cancel_appointment(self, token: str, appointment_id: str) -> Appointment:
        answer = self._request("DELETE", f"/v1/appointments/{_path(appointment_id)}", retry_safe=True,
                               token=token)
        return _typed(Appointment, answer)

    # -- policies ------------------------------------------------------------------------

    def search_policies(self, question: str) -> List[Policy]:
        answer = self._request("GET", "/v1/policies", retry_safe=True, params={"q": question})
        return list(_typed(PolicyResults, answer).results)

    def policy(self, policy_id: str) -> Policy:
        return _typed(Policy, self._request("GET", f"/v1/policies/{_path(policy_id)}", retry_safe=True))


def _path(value: str) -> str:
    """A path segment from resident input, percent-encoded so it can never change the path."""
    return quote(str(value), safe="")


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
    raise error_for_status(status, _error_code(response), response.headers.get("Retry-After"))


def _typed(model: Type[Answer], content: Dict[str, Any]) -> Answer:
    try:
        return model.model_validate(content)
    except ValidationError as error:
        raise PortalInvalidAnswer(f"portal answer does not fit {model.__name__}", "malformed") from error
