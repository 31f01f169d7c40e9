"""The one typed client for the government service portal (real gateway or sandbox).

Custom actions (and the centre console, for staff checks) are the only callers. Every call
has connect/read timeouts; only calls that are safe to repeat (reads, submissions carrying an
idempotency key, and calls the portal makes idempotent) are retried, with exponential
backoff; every answer is validated into a typed result or raises one of the errors in
`portal.errors`. Every call carries X-Kiosk-Id: the portal counts its limits per kiosk.

Identity, strongest first: `verify_card` (the card on the kiosk's reader), `send_sms_code` +
`verify_sms_code` (the typed number and a one-time code to the registered phone), and
`request_staff_check` + `staff_check` (a person checks the card; the console decides with
`staff_check_for_staff` + `decide_staff_check`). Calls that count towards the portal's
failure limits are never retried.

The yearly pension certification's calls (staff in person, the face check, reminders, home
visits) are in portal/certification_calls.py; contributions and payment orders in
portal/payment_calls.py; the household, authorisations (代办) and the proxy log in
portal/family_calls.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional

from config import ConfigError, Settings, secret
from portal.certification_calls import CertificationCalls
from portal.family_calls import FamilyCalls
from portal.models import (
    Appointment,
    AppointmentList,
    Case,
    CaseList,
    CaseRequest,
    CodeSent,
    Hall,
    HallList,
    MedicalAccount,
    PensionPayment,
    PensionPayments,
    Policy,
    PolicyResults,
    Slot,
    Slots,
    SmsMessage,
    SmsMessages,
    StaffCheck,
    StaffCheckStatus,
    StaffCheckView,
    VerifiedResident,
)
from portal.payment_calls import PaymentCalls
from portal.transport import PortalTransport, attempts_left, path_segment, typed

__all__ = ["PortalClient", "attempts_left"]


class PortalClient(CertificationCalls, PaymentCalls, FamilyCalls, PortalTransport):
    @classmethod
    def from_settings(cls, settings: Settings) -> PortalClient:
        portal = settings.portal
        api_key = secret(portal.api_key_env)
        if api_key is None:
            raise ConfigError(f"set {portal.api_key_env} to the portal API key")
        return cls(portal.url, api_key, portal.connect_timeout_seconds, portal.read_timeout_seconds,
                   portal.retries, portal.backoff_seconds, kiosk_id=settings.kiosk.kiosk_id)

    def health(self) -> Dict[str, Any]:
        return self._request("GET", "/v1/health", retry_safe=True)

    # -- identity ----------------------------------------------------------------------

    def verify_card(self, id_number: str, name: str, valid_until: Optional[date], kiosk_id: str) -> VerifiedResident:
        """The card as the SAM reader read it (`valid_until` None: valid for life). Refusals:
        identity_mismatch (401), card_expired (403), too_many_attempts / kiosk_limit (429)."""
        payload = {"id_number": id_number, "name": name,
                   "valid_until": valid_until.isoformat() if valid_until else None}
        answer = self._request("POST", "/v1/identity/card", retry_safe=False, json=payload, kiosk_id=kiosk_id)
        return typed(VerifiedResident, answer)

    def send_sms_code(self, id_number: str, kiosk_id: str) -> CodeSent:
        """Not retried: each call sends a message and counts towards the limits. Refusals:
        too_many_codes, too_many_attempts, kiosk_limit (429, with retry_after)."""
        answer = self._request("POST", "/v1/identity/sms-codes", retry_safe=False, json={"id_number": id_number},
                               kiosk_id=kiosk_id)
        return typed(CodeSent, answer)

    def verify_sms_code(self, id_number: str, code: str, kiosk_id: str) -> VerifiedResident:
        """Not retried: every attempt counts. A wrong, expired or unknown code is 401
        identity_mismatch with `attempts_left(error)`; the last one 429 too_many_attempts."""
        answer = self._request("POST", "/v1/identity/sms-codes/verify", retry_safe=False,
                               json={"id_number": id_number, "code": code}, kiosk_id=kiosk_id)
        return typed(VerifiedResident, answer)

    def request_staff_check(self, id_number: str, kiosk_id: str) -> StaffCheck:
        """Safe to retry: while a check for this number from this kiosk waits, asking again
        returns it."""
        answer = self._request("POST", "/v1/identity/staff-checks", retry_safe=True, json={"id_number": id_number},
                               kiosk_id=kiosk_id)
        return typed(StaffCheck, answer)

    def staff_check(self, check_id: str, kiosk_id: str) -> StaffCheckStatus:
        """The asking kiosk polls; any other kiosk gets PortalNotFound (check_not_found)."""
        answer = self._request("GET", _check_path(check_id), retry_safe=True, kiosk_id=kiosk_id)
        return typed(StaffCheckStatus, answer)

    def staff_check_for_staff(self, check_id: str, staff_account: str) -> StaffCheckView:
        answer = self._request("GET", _check_path(check_id, "/staff-view"), retry_safe=True,
                               staff_account=staff_account)
        return typed(StaffCheckView, answer)

    def decide_staff_check(self, check_id: str, staff_account: str, confirmed: bool) -> StaffCheckView:
        """Safe to retry: the same decision by the same account again changes nothing.
        Refusals (409): already_decided, check_expired, not_a_resident."""
        answer = self._request("POST", _check_path(check_id, "/decision"), retry_safe=True,
                               json={"confirmed": bool(confirmed)}, staff_account=staff_account)
        return typed(StaffCheckView, answer)

    def sandbox_sms(self, id_number: Optional[str] = None, phone: Optional[str] = None) -> List[SmsMessage]:
        """The messages the sandbox "sent" to a resident's phone, newest first. Sandbox only
        (tests, practice mode): the real gateway has no such route."""
        params = {"id_number": id_number} if id_number else {"phone": phone or ""}
        answer = self._request("GET", "/v1/_sandbox/sms", retry_safe=True, params=params)
        return list(typed(SmsMessages, answer).messages)

    # -- resident services --------------------------------------------------------------

    def pension_payments(self, token: str, months: int = 3, kiosk_id: Optional[str] = None) -> List[PensionPayment]:
        answer = self._request("GET", "/v1/pension/payments", retry_safe=True,
                               params={"months": months}, token=token, kiosk_id=kiosk_id)
        return list(typed(PensionPayments, answer).payments)

    def medical_account(self, token: str, kiosk_id: Optional[str] = None) -> MedicalAccount:
        answer = self._request("GET", "/v1/medical/account", retry_safe=True, token=token, kiosk_id=kiosk_id)
        return typed(MedicalAccount, answer)

    # -- 12345 hotline -----------------------------------------------------------------

    def submit_case(self, request: CaseRequest, idempotency_key: str, kiosk_id: Optional[str] = None,
                    token: Optional[str] = None) -> Case:
        """Retried with the same key: a retry never makes a second case. With a token the
        verified resident is the reporter; without, the owner of the contact phone is."""
        answer = self._request("POST", "/v1/hotline/cases", retry_safe=False, json=request.as_json(),
                               idempotency_key=idempotency_key, token=token, kiosk_id=kiosk_id)
        return typed(Case, answer)

    def follow_case(self, case_number: str, token: str, kiosk_id: str) -> Case:
        """Only the resident's own case: anybody else's is PortalNotFound (case_not_found),
        like one that does not exist; a number failing its check digit is PortalRefused
        (invalid_case_number)."""
        answer = self._request("GET", _case_path(case_number), retry_safe=True, token=token, kiosk_id=kiosk_id)
        return typed(Case, answer)

    def my_cases(self, token: str, kiosk_id: str) -> List[Case]:
        """The verified resident's cases (reported by them, or with their phone), newest first."""
        answer = self._request("GET", "/v1/hotline/cases", retry_safe=True, token=token, kiosk_id=kiosk_id)
        return list(typed(CaseList, answer).cases)

    def rate_case(self, case_number: str, score: int, comment: str, token: str, kiosk_id: str) -> Case:
        """The same rating sent twice is accepted once, so it is safe to retry."""
        answer = self._request("POST", _case_path(case_number, "/rating"), retry_safe=True,
                               json={"score": score, "comment": comment}, token=token, kiosk_id=kiosk_id)
        return typed(Case, answer)

    # -- service halls and appointments ------------------------------------------------

    def halls(self, district: Optional[str] = None, kiosk_id: Optional[str] = None) -> List[Hall]:
        params = {"district": district} if district else None
        answer = self._request("GET", "/v1/halls", retry_safe=True, params=params, kiosk_id=kiosk_id)
        return list(typed(HallList, answer).halls)

    def hall(self, hall_id: str, kiosk_id: Optional[str] = None) -> Hall:
        return typed(Hall, self._request("GET", f"/v1/halls/{path_segment(hall_id)}", retry_safe=True,
                                         kiosk_id=kiosk_id))

    def slots(self, hall_id: str, day: date, kiosk_id: Optional[str] = None) -> List[Slot]:
        answer = self._request("GET", f"/v1/halls/{path_segment(hall_id)}/slots", retry_safe=True,
                               params={"date": day.isoformat()}, kiosk_id=kiosk_id)
        return list(typed(Slots, answer).slots)

    def book_appointment(self, token: str, hall_id: str, day: date, start: str, service: str,
                         idempotency_key: str, kiosk_id: Optional[str] = None) -> Appointment:
        """Retried with the same key. The key is bound to this request: the same key with
        another resident, hall, service, day or time is PortalRefused (idempotency_conflict)."""
        answer = self._request("POST", "/v1/appointments", retry_safe=False, token=token,
                               idempotency_key=idempotency_key, kiosk_id=kiosk_id,
                               json={"hall_id": hall_id, "date": day.isoformat(), "start": start,
                                     "service": service})
        return typed(Appointment, answer)

    def appointments(self, token: str, kiosk_id: Optional[str] = None) -> List[Appointment]:
        answer = self._request("GET", "/v1/appointments", retry_safe=True, token=token, kiosk_id=kiosk_id)
        return list(typed(AppointmentList, answer).appointments)

    def move_appointment(self, token: str, appointment_id: str, day: date, start: str,
                         kiosk_id: Optional[str] = None) -> Appointment:
        """Moving it where it already is changes nothing, so it is safe to retry. A full slot is
        PortalRefused (slot_full)."""
        answer = self._request("POST", f"/v1/appointments/{path_segment(appointment_id)}/move", retry_safe=True,
                               token=token, kiosk_id=kiosk_id, json={"date": day.isoformat(), "start": start})
        return typed(Appointment, answer)

    def cancel_appointment(self, token: str, appointment_id: str, kiosk_id: Optional[str] = None) -> Appointment:
        answer = self._request("DELETE", f"/v1/appointments/{path_segment(appointment_id)}", retry_safe=True,
                               token=token, kiosk_id=kiosk_id)
        return typed(Appointment, answer)

    # -- policies ------------------------------------------------------------------------

    def search_policies(self, question: str, kiosk_id: Optional[str] = None) -> List[Policy]:
        answer = self._request("GET", "/v1/policies", retry_safe=True, params={"q": question}, kiosk_id=kiosk_id)
        return list(typed(PolicyResults, answer).results)

    def policy(self, policy_id: str, kiosk_id: Optional[str] = None) -> Policy:
        return typed(Policy, self._request("GET", f"/v1/policies/{path_segment(policy_id)}", retry_safe=True,
                                           kiosk_id=kiosk_id))


def _check_path(check_id: str, tail: str = "") -> str:
    return f"/v1/identity/staff-checks/{path_segment(check_id, 'check_not_found')}{tail}"


def _case_path(case_number: str, tail: str = "") -> str:
    return f"/v1/hotline/cases/{path_segment(case_number, 'case_not_found')}{tail}"
