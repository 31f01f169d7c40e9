"""The portal client's calls for the yearly pension certification (养老待遇资格认证).

A mixin of `PortalClient` (portal/client.py), kept apart so each file stays readable. Two ways
record a certification, and both are decided by the portal, never by the kiosk: a staff member
who has seen the resident in person confirms on the centre console (`request_staff_certification`
from the kiosk, then `decide_staff_certification` under the staff account), or the portal's
face comparison matches the kiosk's frames (`verify_face_for_certification`). There is no call
that simply marks a resident certified.
"""

from __future__ import annotations

import base64
from typing import List, Optional, Sequence, Union

from portal.certification_models import (
    CertificationReminder,
    FaceCertification,
    HomeVisit,
    SandboxCertification,
    StaffCertification,
    StaffCertificationStatus,
    StaffCertificationView,
)
from portal.models import Certification
from portal.transport import PortalTransport, path_segment, typed

BASE = "/v1/pension/certification"


def _request_path(request_id: str, tail: str = "") -> str:
    return f"{BASE}/staff-requests/{path_segment(request_id, 'request_not_found')}{tail}"


class CertificationCalls(PortalTransport):
    def pension_certification(self, token: str, kiosk_id: Optional[str] = None) -> Certification:
        answer = self._request("GET", BASE, retry_safe=True, token=token, kiosk_id=kiosk_id)
        return typed(Certification, answer)

    # -- certified in person by staff ---------------------------------------------------

    def request_staff_certification(self, token: str, kiosk_id: str) -> StaffCertification:
        """Safe to retry: while a request for this resident from this kiosk waits, asking
        again returns it. Refusals: too_many_requests / kiosk_limit (429)."""
        answer = self._request("POST", f"{BASE}/staff-requests", retry_safe=True, token=token, kiosk_id=kiosk_id)
        return typed(StaffCertification, answer)

    def staff_certification(self, request_id: str, kiosk_id: str) -> StaffCertificationStatus:
        """The asking kiosk polls; any other kiosk gets PortalNotFound (request_not_found)."""
        answer = self._request("GET", _request_path(request_id), retry_safe=True, kiosk_id=kiosk_id)
        return typed(StaffCertificationStatus, answer)

    def withdraw_staff_certification(self, request_id: str, kiosk_id: str) -> StaffCertificationStatus:
        """The kiosk stopped waiting; a decision already made stands (and is returned)."""
        answer = self._request("DELETE", _request_path(request_id), retry_safe=True, kiosk_id=kiosk_id)
        return typed(StaffCertificationStatus, answer)

    def staff_certification_for_staff(self, request_id: str, staff_account: str) -> StaffCertificationView:
        answer = self._request("GET", _request_path(request_id, "/staff-view"), retry_safe=True,
                               staff_account=staff_account)
        return typed(StaffCertificationView, answer)

    def decide_staff_certification(self, request_id: str, staff_account: str, confirmed: bool,
                                   seen_in_person: bool) -> StaffCertificationView:
        """Confirming needs `seen_in_person` (the resident and their card, in front of staff).
        Safe to retry: the same decision by the same account again changes nothing.
        Refusals (409): already_decided, request_expired, request_withdrawn; 400 seen_in_person_required."""
        answer = self._request("POST", _request_path(request_id, "/decision"), retry_safe=True,
                               json={"confirmed": bool(confirmed), "seen_in_person": bool(seen_in_person)},
                               staff_account=staff_account)
        return typed(StaffCertificationView, answer)

    # -- the kiosk's face check ---------------------------------------------------------

    def verify_face_for_certification(self, token: str, frames: Sequence[Union[bytes, str]], challenge: str,
                                      kiosk_id: str) -> FaceCertification:
        """The frames (JPEG bytes, or already base64 as the kiosk sends them) of a face check
        whose liveness step passed on the kiosk; in memory only. Not retried: each comparison
        counts towards the resident's daily limit (429 too_many_face_checks). The portal
        records a certification on a match."""
        encoded = [frame if isinstance(frame, str) else base64.b64encode(frame).decode("ascii") for frame in frames]
        answer = self._request("POST", f"{BASE}/face-checks", retry_safe=False, token=token, kiosk_id=kiosk_id,
                               json={"frames": encoded, "liveness": {"challenge": challenge, "passed": True}})
        return typed(FaceCertification, answer)

    # -- reminders and home visits ------------------------------------------------------

    def certification_reminder(self, token: str, phone: Optional[str] = None,
                               kiosk_id: Optional[str] = None) -> CertificationReminder:
        """An SMS 30 days before the next due date, to the resident's own registered phone
        (phone None) or to a family member's. Safe to retry: one reminder per resident, the
        latest wins."""
        body = {"to": "family", "phone": phone} if phone else {"to": "self"}
        answer = self._request("POST", f"{BASE}/reminders", retry_safe=True, json=body, token=token,
                               kiosk_id=kiosk_id)
        return typed(CertificationReminder, answer)

    def request_home_visit(self, token: str, kiosk_id: str) -> HomeVisit:
        """Staff come to certify at home. Safe to retry: an open request is returned again."""
        answer = self._request("POST", f"{BASE}/home-visits", retry_safe=True, token=token, kiosk_id=kiosk_id)
        return typed(HomeVisit, answer)

    # -- sandbox only -------------------------------------------------------------------

    def sandbox_certification(self, id_number: str) -> SandboxCertification:
        """The sandbox's record of a resident's certifications (tests and lessons only)."""
        answer = self._request("GET", "/v1/_sandbox/certifications", retry_safe=True, params={"id_number": id_number})
        return typed(SandboxCertification, answer)

    def sandbox_certification_due(self, id_number: str, due_in_days: int) -> SandboxCertification:
        """Set a resident's due date (tests and lessons start from a known state)."""
        answer = self._request("POST", "/v1/_sandbox/certifications", retry_safe=True,
                               json={"id_number": id_number, "due_in_days": int(due_in_days)})
        return typed(SandboxCertification, answer)


__all__: List[str] = ["CertificationCalls"]
