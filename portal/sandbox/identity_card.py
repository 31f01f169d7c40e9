"""The ID card way in: the kiosk's SAM reader read the card; the portal still checks it.

The kiosk sends the number, the name and the validity end printed on the card. The portal
compares all three with the card it has on file, the resident's current card: a number and
name copied off a form are not enough without the card's own validity, and a card replaced
after it was lost no longer opens anything. An unknown number and a wrong name answer alike
(401 identity_mismatch) and count as failures (at most 10 wrong cards per number a day, 30
failures per kiosk an hour: `limits`); an expired card is 403 card_expired (only once
number and name match, so it tells a stranger nothing).

In the sandbox the card on file is the fictional resident's card as `portal.sandbox.cards`
makes it, the same card the simulated reader serves.
"""

from __future__ import annotations

import hmac
import sqlite3
import time
from datetime import date
from typing import Optional

from sanic import Blueprint, Request, json

from portal.sandbox import cards, limits, seed
from portal.sandbox.db import transaction
from portal.sandbox.identity import issue_token, kiosk_for, resident, valid_number
from portal.sandbox.replies import ContractError, body, text_field

identity_card = Blueprint("identity_card", url_prefix="/v1/identity")


def _valid_until(content: dict) -> Optional[date]:
    """The card's validity end: an ISO date, or null for a card valid for life (长期)."""
    if "valid_until" not in content:
        raise ContractError(400, "invalid_request", "'valid_until' is required (null for a lifelong card)")
    value = content["valid_until"]
    if value is None:
        return None
    wrong = ContractError(400, "invalid_request", "'valid_until' must be YYYY-MM-DD or null")
    if not isinstance(value, str) or len(value) != 10:  # 3.11 would also take "20240920"
        raise wrong
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise wrong from None


def card_on_file(person: sqlite3.Row, today: date) -> Optional[date]:
    """The validity end of the resident's current card (None: valid for life)."""
    holder = seed.Resident(person["id_number"], person["name"], person["phone"], person["district_code"],
                           person["monthly_pension_cents"])
    return cards.card_for(holder, today).valid_until


def _same(typed: str, stored: str) -> bool:
    return hmac.compare_digest(typed.encode("utf-8"), stored.encode("utf-8"))


@identity_card.post("/card")
async def verify_card(request: Request):
    db: sqlite3.Connection = request.ctx.db
    kiosk = kiosk_for(request)
    content = body(request)
    number = valid_number(content)
    name = "".join((text_field(content, "name", 32) or "").split())
    presented = _valid_until(content)
    now, today = time.time(), date.today()
    with transaction(db):
        limits.check(db, limits.CARD_LIMITS, number, kiosk, now)
        person = resident(db, number)
        if person is not None and _same(name, person["name"]):
            on_file = card_on_file(person, today)
            if (presented is not None and presented < today) or (on_file is not None and on_file < today):
                outcome = "expired"
            elif presented == on_file:
                return json(issue_token(db, person, "card", kiosk, now))
            else:
                outcome = "not_current"  # an older card, replaced since: as good as a wrong one
        else:
            outcome = "mismatch"
        if outcome != "expired":
            limits.record(db, "failure", number, kiosk, now)
            limits.record(db, "card_failure", number, kiosk, now)
    if outcome == "expired":
        raise ContractError(403, "card_expired", "this card has expired; renew it, or use another way in")
    raise ContractError(401, "identity_mismatch", "the card's details do not match")
