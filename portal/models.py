"""Typed results of portal calls, validated on arrival.

A reply that does not fit these shapes becomes PortalInvalidAnswer in the client, so an
action can never read out a wrong amount from a half-broken answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Dict, List, Literal, Optional

from pydantic import BaseModel, Field, condecimal, conlist, constr, root_validator, validator


class _Answer(BaseModel):
    class Config:
        allow_mutation = False
        extra = "ignore"


class IdentityChallenge(_Answer):
    challenge_id: constr(min_length=1, max_length=64)
    options: conlist(constr(min_length=1, max_length=16), min_items=2, max_items=6)
    expires_in: int = Field(..., gt=0)


class VerifiedResident(_Answer):
    token: constr(min_length=8, max_length=256)
    expires_in: int = Field(..., gt=0)
    masked_name: constr(min_length=1, max_length=16)

    @validator("masked_name")
    def _must_be_masked(cls, value: str) -> str:
        if len(value) > 1 and "*" not in value:
            raise ValueError("the portal must only return masked names")
        return value


class PensionPayment(_Answer):
    month: constr(regex=r"^\d{4}-(0[1-9]|1[0-2])$")
    amount: condecimal(ge=0, le=1_000_000, max_digits=12, decimal_places=2)
    paid_on: Optional[date]
    status: Literal["paid", "scheduled"]

    @root_validator(skip_on_failure=True)
    def _paid_has_date(cls, values: dict) -> dict:
        if values["status"] == "paid" and values.get("paid_on") is None:
            raise ValueError("a paid month needs paid_on")
        return values

    @property
    def month_number(self) -> int:
        return int(self.month[5:7])


class PensionPayments(_Answer):
    payments: List[PensionPayment]


Money = condecimal(ge=0, le=10_000_000, max_digits=12, decimal_places=2)
CASE_STATUSES = ("已受理", "已转办", "办理中", "已办结")


class CertificationWay(_Answer):
    way: constr(min_length=1, max_length=40)
    title: constr(min_length=1, max_length=40)
    detail: constr(min_length=1, max_length=200)


class Certification(_Answer):
    status: Literal["done", "due", "overdue"]
    due_date: date
    last_done: date
    ways: List[CertificationWay]


class Contribution(_Answer):
    month: constr(regex=r"^\d{4}-(0[1-9]|1[0-2])$")
    amount: Money


class Reimbursement(_Answer):
    date: date
    hospital: constr(min_length=1, max_length=60)
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
    at: constr(min_length=10, max_length=32)
    department: constr(min_length=1, max_length=40)


class CaseRating(_Answer):
    score: int = Field(..., ge=1, le=5)
    comment: constr(max_length=200) = ""


class Case(_Answer):
    case_number: constr(regex=r"^\d{16}$")
    category: constr(min_length=1, max_length=10)
    description: constr(min_length=1, max_length=1000)
    place: constr(max_length=100)
    district: constr(min_length=2, max_length=10)
    masked_phone: constr(regex=r"^.*\*.*$")
    status: Literal[CASE_STATUSES]  # type: ignore[valid-type]
    timeline: conlist(CaseEvent, min_items=1)
    rating: Optional[CaseRating]
    created: Optional[bool] = None

    @property
    def closed(self) -> bool:
        return self.status == CASE_STATUSES[-1]


class CaseList(_Answer):
    cases: List[Case]


class HallService(_Answer):
    service: constr(min_length=1, max_length=20)
    materials: List[constr(min_length=1, max_length=40)]


class Hall(_Answer):
    hall_id: constr(min_length=1, max_length=8)
    name: constr(min_length=1, max_length=40)
    district: constr(min_length=2, max_length=10)
    address: constr(min_length=1, max_length=80)
    phone: constr(min_length=5, max_length=20)
    hours: constr(min_length=1, max_length=80)
    services: List[HallService]


class HallList(_Answer):
    halls: List[Hall]


class Slot(_Answer):
    start: constr(regex=r"^\d{2}:\d{2}$")
    end: constr(regex=r"^\d{2}:\d{2}$")
    remaining: int = Field(..., ge=0)


class Slots(_Answer):
    hall_id: str
    date: date
    slots: List[Slot]


class Appointment(_Answer):
    appointment_id: constr(min_length=1, max_length=16)
    hall_id: str
    hall_name: constr(min_length=1, max_length=40)
    address: constr(min_length=1, max_length=80)
    date: date
    start: constr(regex=r"^\d{2}:\d{2}$")
    end: constr(regex=r"^\d{2}:\d{2}$")
    service: constr(min_length=1, max_length=20)
    materials: List[str]
    status: Literal["booked", "cancelled"]


class AppointmentList(_Answer):
    appointments: List[Appointment]


class Policy(_Answer):
    id: constr(min_length=1, max_length=40)
    title: constr(min_length=1, max_length=40)
    answer: constr(min_length=1, max_length=1000)


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
