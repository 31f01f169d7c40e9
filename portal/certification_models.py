"""Typed answers of the yearly pension certification's calls (养老待遇资格认证), validated on
arrival like every portal answer (portal/models.py).

Kept apart from the other answers because the certification has a small world of its own: a
staff member certifying in person, the kiosk's face check, the SMS reminder and the home visit.
Each answer that says "certified" carries the new certification, and only then: an action can
never tell a resident they are certified from an answer that does not say so.
"""

from __future__ import annotations

import datetime as dt
from typing import List, Literal, Optional

from pydantic import Field, field_validator, model_validator

from portal.models import Certification, Text, _Answer, _masked_name

# How a certification was done, as the portal records it.
CertificationWay = Literal["kiosk_face", "community_staff", "social_security_hall", "home_visit"]
StaffRequestStatus = Literal["waiting", "confirmed", "refused", "expired", "withdrawn"]
MASKED = r"^.*\*.*$"


class StaffCertification(_Answer):
    """A kiosk's request for a staff member to certify the resident in person."""

    request_id: Text(8, 64)
    expires_in: int = Field(..., gt=0)  # seconds the portal keeps it waiting for a person


class StaffCertificationStatus(_Answer):
    """What the asking kiosk sees: the new certification once staff confirmed, and only then."""

    status: StaffRequestStatus
    certification: Optional[Certification] = None

    @model_validator(mode="after")
    def _certified_when_confirmed(self) -> StaffCertificationStatus:
        if (self.status == "confirmed") != (self.certification is not None):
            raise ValueError("a certification comes with a confirmed request, and only then")
        return self


class StaffCertificationView(_Answer):
    """What staff see on the console: enough to compare with the person and the card in front
    of them, nothing in full."""

    request_id: Text(8, 64)
    kiosk_id: Text(1, 64)
    masked_name: Text(1, 16)
    masked_id_number: Text(pattern=MASKED)
    status: StaffRequestStatus
    due_date: dt.date
    created_at: dt.datetime
    decided_by: Optional[Text(1, 64)] = None
    decided_at: Optional[dt.datetime] = None

    _must_be_masked = field_validator("masked_name")(_masked_name)


class FaceCertification(_Answer):
    """The portal's verdict on the kiosk's frames; `certification` only for a match."""

    verdict: Literal["match", "no_match", "needs_staff_review"]
    reason: Text(1, 40)
    attempts_left: int = Field(..., ge=0)
    certification: Optional[Certification] = None

    @model_validator(mode="after")
    def _certified_when_matched(self) -> FaceCertification:
        if (self.verdict == "match") != (self.certification is not None):
            raise ValueError("a certification comes with a match, and only then")
        return self


class CertificationReminder(_Answer):
    """The SMS the portal will send before the next due date, and to which phone (masked)."""

    remind_on: dt.date
    masked_phone: Text(pattern=MASKED)
    to: Literal["self", "family"]


class HomeVisit(_Answer):
    """A request for staff to come and certify at home (行动不便); they phone to arrange it."""

    visit_id: Text(1, 32)
    status: Literal["requested"]
    masked_phone: Text(pattern=MASKED)
    created: bool


class CertificationRecord(_Answer):
    way: CertificationWay
    at: dt.datetime
    due_date: dt.date
    kiosk_id: Optional[Text(1, 64)] = None
    staff_account: Optional[Text(1, 64)] = None


class SandboxCertification(_Answer):
    """The sandbox's record of one resident (tests and lessons only: the real gateway has no
    such route): every certification with its way and account, the reminders, the visits."""

    last_done: dt.date
    due_date: dt.date
    records: List[CertificationRecord]
    reminders: List[CertificationReminder]
    home_visits: List[HomeVisit]
