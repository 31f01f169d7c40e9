"""Typed answers of the payment calls (dues, lookups, orders), validated on arrival.

Kept beside portal/models.py (which would pass 300 lines with them). Amounts are Decimals
from the contract's decimal strings, so an amount shown, said and printed is the portal's
to the cent; an order whose items do not add up to its amount is refused as malformed.
"""

from __future__ import annotations

import datetime as dt
from typing import List, Literal, Optional

from pydantic import Field, field_validator, model_validator

from portal.models import Money, Text, _Answer, _masked_name

DueKind = Literal["medical", "pension"]
OrderStatus = Literal["waiting", "paid", "expired", "cancelled"]


class Due(_Answer):
    due_id: Text(1, 40)
    kind: DueKind
    title: Text(1, 20)
    year: int = Field(..., ge=2000, le=2100)
    amount: Money
    due_by: dt.date
    status: Literal["unpaid", "paid"]
    paid_on: Optional[dt.date] = None

    @property
    def open(self) -> bool:
        return self.status == "unpaid"


class Dues(_Answer):
    masked_name: Text(1, 16)
    payee: Text(1, 40)
    dues: List[Due]

    _must_be_masked = field_validator("masked_name")(_masked_name)

    @property
    def open(self) -> List[Due]:
        return [due for due in self.dues if due.open]

    @property
    def paid(self) -> List[Due]:
        return [due for due in self.dues if not due.open]


class Lookup(_Answer):
    """Someone to pay for: the masked name, and nothing else."""

    lookup_id: Text(1, 40)
    masked_name: Text(1, 16)
    expires_in: int = Field(..., gt=0)

    _must_be_masked = field_validator("masked_name")(_masked_name)


class OrderItem(_Answer):
    due_id: Text(1, 40)
    kind: DueKind
    title: Text(1, 20)
    year: int = Field(..., ge=2000, le=2100)
    amount: Money


class Order(_Answer):
    order_id: Text(1, 40)
    status: OrderStatus
    amount: Money
    payee: Text(1, 40)
    masked_name: Text(1, 16)
    items: List[OrderItem] = Field(..., min_length=1)
    pay_url: Text(8, 500, pattern=r"^https?://")
    expires_in: int = Field(..., ge=0)
    created_at: dt.datetime
    paid_at: Optional[dt.datetime] = None

    _must_be_masked = field_validator("masked_name")(_masked_name)

    @model_validator(mode="after")
    def _items_add_up(self) -> Order:
        if sum(item.amount for item in self.items) != self.amount:
            raise ValueError("the items do not add up to the order's amount")
        return self

    @property
    def what(self) -> str:
        """'2027年城乡居民医保、2026年城乡居民养老保险'."""
        return "、".join(f"{item.year}年{item.title}" for item in self.items)


class LinkSent(_Answer):
    masked_phone: Text(pattern=r"^.*\*.*$")
    expires_in: int = Field(..., gt=0)
