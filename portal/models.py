"""Typed results of portal calls, validated on arrival.

A reply that does not fit these shapes becomes PortalInvalidAnswer in the client, so an
action can never read out a wrong amount from a half-broken answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Annotated, Dict, List, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from common.numbers import CASE_NUMBER_PATTERN


def Text(min_length: int = 0, max_length: int = 1000, pattern: Optional[str] = None):  # noqa: N802
    """A string field of bounded length (and shape)."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length, pattern=pattern)]


MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
CLOCK = r"^\d{2}:\d{2}$"
Money = Annotated[Decimal, Field(ge=0, le=10_000_000, max_digits=12, decimal_places=2)]


class _Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


def _masked_name(value: Optional[str]) -> Optional[str]:
    if value is not None and len(value) > 1 and "*" not in value:
        raise ValueError("the portal must only return masked names")
    return value


VerifyMethod = Literal["card", "sms", "staff"]


class VerifiedResident(_Answer):
    """A resident token and how it was earned (None from a portal that does not say)."""

    token: Text(8, 256)
    expires_in: int = Field(..., gt=0)
    masked_name: Text(1, 16)
    method: Optional[VerifyMethod] = None

    _must_be_masked = field_validator("masked_name")(_masked_name)


class CodeSent(_Answer):
    """The same answer whether or not the number is a resident's: nothing to learn from it."""

    expires_in: int = Field(..., gt=0)  # seconds the code is good for
    resend_after: int = Field(..., ge=0)  # seconds before another code may be asked for


class StaffCheck(_Answer):
    check_id: Text(8, 64)
    expires_in: int = Field(..., gt=0)  # seconds the check waits for a person


class StaffCheckStatus(_Answer):
    """What the asking kiosk sees. `token` and `masked_name` only once staff confirmed;
    `expires_in` is the token's life then, and while waiting how long the check still waits."""

    status: Literal["waiting", "confirmed", "refused", "expired"]
    token: Optional[Text(8, 256)] = None
    expires_in: Optional[int] = Field(None, ge=0)
    masked_name: Optional[Text(1, 16)] = None

    _must_be_masked = field_validator("masked_name")(_masked_name)

    @model_validator(mode="after")
    def _token_when_confirmed(self) -> StaffCheckStatus:
        if (self.status == "confirmed") != (self.token is not None):
            raise ValueError("a token comes with a confirmed check, and only then")
        return self


class StaffCheckView(_Answer):
    """What staff see on the console: enough to compare with the card in hand, nothing in full.
    `masked_name` is None when no resident has the number (staff then refuse)."""

    kiosk_id: Text(1, 64)
    masked_name: Optional[Text(1, 16)] = None
    status: Literal["waiting", "confirmed", "refused", "expired"]
    created_at: dt.datetime
    check_id: Optional[Text(8, 64)] = None
    masked_id_number: Optional[Text(pattern=r"^.*\*.*$")] = None
    decided_by: Optional[Text(1, 64)] = None
    decided_at: Optional[dt.datetime] = None

    _must_be_masked = field_validator("masked_name")(_masked_name)


class SmsMessage(_Answer):
    """A message the sandbox "sent" (sandbox only: tests and practice mode read codes here)."""

    id: int
    masked_phone: Text(pattern=r"^.*\*.*$")
    text: Text(1, 500)
    sent_at: dt.datetime
    purpose: Text(1, 40)
    code: Optional[Text(pattern=r"^[0-9]{6}$")] = None


class SmsMessages(_Answer):
    messages: List[SmsMessage]


class PensionPayment(_Answer):
    month: Text(pattern=MONTH)
    amount: Annotated[Decimal, Field(ge=0, le=1_000_000, max_digits=12, decimal_places=2)]
    paid_on: Optional[dt.date] = None
    status: Literal["paid", "scheduled"]

    @model_validator(mode="after")
    def _paid_has_date(self) -> PensionPayment:
        if self.status == "paid" and self.paid_on is None:
            raise ValueError("a paid month needs paid_on")
        return self


class PensionPayments(_Answer):
    payments: List[PensionPayment]


CASE_STATUSES = ("已受理", "已转办", "办理中", "已办结")


class CertificationWay(_Answer):
    way: Text(1, 40)
    title: Text(1, 40)
    detail: Text(1, 200)


class Certification(_Answer):
    """The resident's yearly certification. `ways` are the portal's list of ways to certify;
    the kiosk offers only those it can do itself (nlu/actions/certification.py)."""

    status: Literal["done", "due", "overdue"]
    due_date: dt.date
    last_done: dt.date
    ways: List[CertificationWay]
    last_way: Optional[Text(1, 40)] = None  # how the last one was done, where the portal knows


class Contribution(_Answer):
    month: Text(pattern=MONTH)
    amount: Money


class Reimbursement(_Answer):
    date: dt.date
    hospital: Text(1, 60)
    total: Money
    reimbursed: Money
    self_paid: Money


class MedicalAccount(_Answer):
    balance: Money
    contributions: List[Contribution]
    contributions_total: Money
    reimbursements: List[Reimbursement]


class CaseEvent(_Answer):
    status: Literal[CASE_STATUSES]  # type: ignore[valid-type]
    at: Text(10, 32)
    department: Text(1, 40)


class CaseRating(_Answer):
    score: int = Field(..., ge=1, le=5)
    comment: Text(0, 400) = ""


class Case(_Answer):
    """A 12345 case as answered: the phone masked, and so is any number in the free text (which
    is why the texts may be longer than the 1000 and 100 characters a request may send)."""

    case_number: Text(pattern=CASE_NUMBER_PATTERN)
    category: Text(1, 10)
    description: Text(1, 2000)
    place: Text(0, 200)
    district: Text(2, 10)
    masked_phone: Text(pattern=r"^.*\*.*$")
    status: Literal[CASE_STATUSES]  # type: ignore[valid-type]
    timeline: Annotated[List[CaseEvent], Field(min_length=1)]
    rating: Optional[CaseRating] = None
    created: Optional[bool] = None

    @property
    def closed(self) -> bool:
        return self.status == CASE_STATUSES[-1]


class CaseList(_Answer):
    cases: List[Case]


class HallService(_Answer):
    service: Text(1, 20)
    materials: List[Text(1, 40)]


class Hall(_Answer):
    hall_id: Text(1, 8)
    name: Text(1, 40)
    district: Text(2, 10)
    address: Text(1, 80)
    phone: Text(5, 20)
    hours: Text(1, 80)
    services: List[HallService]


class HallList(_Answer):
    halls: List[Hall]


class Slot(_Answer):
    start: Text(pattern=CLOCK)
    end: Text(pattern=CLOCK)
    remaining: int = Field(..., ge=0)


class Slots(_Answer):
    hall_id: str
    date: dt.date
    slots: List[Slot]


class Appointment(_Answer):
    appointment_id: Text(1, 16)
    hall_id: str
    hall_name: Text(1, 40)
    address: Text(1, 80)
    date: dt.date
    start: Text(pattern=CLOCK)
    end: Text(pattern=CLOCK)
    service: Text(1, 20)
    materials: List[str]
    status: Literal["booked", "cancelled"]


class AppointmentList(_Answer):
    appointments: List[Appointment]


class Policy(_Answer):
    id: Text(1, 40)
    title: Text(1, 40)
    answer: Text(1, 1000)


class PolicyResults(_Answer):
    results: List[Policy]


@dataclass(frozen=True)
class CaseRequest:
    """A 12345 submission as the kiosk collected it (what the outbox stores until sent)."""

    category: str
    description: str
    place: str
    district: str
    contact_phone: str

    def as_json(self) -> Dict[str, str]:
        return asdict(self)
