"""Typed answers of the family calls: the household, authorisations (代办), proxy tokens and
the proxy log. Kept beside portal/models.py, which would pass 300 lines with them."""

from __future__ import annotations

import datetime as dt
from typing import List, Literal, Optional

from pydantic import Field, field_validator

from portal.models import Text, _Answer, _masked_name

Scope = Literal["query", "certification_reminder", "payment"]
SCOPE_NAMES = {"query": "查询", "certification_reminder": "认证提醒", "payment": "缴费"}


class Member(_Answer):
    member_id: Text(1, 40)
    masked_name: Text(1, 16)
    relationship: Text(1, 8)

    _must_be_masked = field_validator("masked_name")(_masked_name)


class Members(_Answer):
    members: List[Member]


class Authorisation(_Answer):
    """As the elder sees it (masked_name: the relative) or the relative (the elder)."""

    authorisation_id: Text(1, 40)
    masked_name: Text(1, 16)
    relationship: Text(1, 8)
    scopes: List[Scope] = Field(..., min_length=1)
    days: int = Field(..., ge=1, le=1095)
    valid_until: Optional[dt.date] = None
    status: Literal["pending", "active", "withdrawn", "void"]
    code_expires_in: Optional[int] = Field(None, gt=0)

    _must_be_masked = field_validator("masked_name")(_masked_name)

    @property
    def scope_words(self) -> str:
        """'查询、缴费'."""
        return "、".join(SCOPE_NAMES[scope] for scope in self.scopes)


class AuthorisationList(_Answer):
    authorisations: List[Authorisation]


class PrincipalList(_Answer):
    principals: List[Authorisation]


class ProxyToken(Authorisation):
    token: Text(8, 256)
    expires_in: int = Field(..., gt=0)


class ProxyAction(_Answer):
    id: int
    at: dt.datetime
    relationship: Text(1, 8)
    masked_name: Text(1, 16)
    detail: Text(1, 200)
    told: bool

    _must_be_masked = field_validator("masked_name")(_masked_name)


class ProxyLog(_Answer):
    actions: List[ProxyAction]


class Told(_Answer):
    told: int = Field(..., ge=0)
