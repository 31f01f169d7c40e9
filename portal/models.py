"""Typed results of portal calls, validated on arrival.

A reply that does not fit these shapes becomes PortalInvalidAnswer in the client, so an
action can never read out a wrong amount from a half-broken answer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import List, Literal, Optional

from pydantic import BaseModel, Field, conlist, constr, root_validator, validator


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
    amount: Decimal = Field(..., ge=0, le=1_000_000)
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
