"""Yearly contributions (城乡居民医保, 城乡居民养老保险): what a resident owes and has paid,
and looking someone up to pay for them.

Three ways to say whose dues: one's own (a resident token), a household member's (the token
and the member's opaque id from /v1/family/members), or anyone's by their identity number
(a lookup, as at the government kiosks: paying for someone needs only their number). A
lookup answers the masked name and nothing else; only after the payer has seen that name do
they ask for the lookup's dues, and those are the open ones alone (no history, no dates
paid). Lookups are limited per number and per kiosk, found or not, so typing numbers is no
way to learn who is a resident.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from typing import Any, Dict, List, Optional

from sanic import Blueprint, Request, json

from common.names import mask_name
from portal.sandbox import limits
from portal.sandbox.db import transaction
from portal.sandbox.identity import kiosk_for, resident, resident_for, valid_number
from portal.sandbox.limits import HOUR, MINUTE, Limit
from portal.sandbox.replies import ContractError, body, cents_to_amount
from portal.sandbox.seed_family import KINDS, PAYEE

payments = Blueprint("payments", url_prefix="/v1/payments")

LOOKUP_SECONDS = 30 * MINUTE
LOOKUPS_PER_NUMBER = Limit("pay_lookup", "number", 5, HOUR, "too_many_lookups")
LOOKUPS_PER_KIOSK = Limit("pay_lookup", "kiosk", 20, HOUR, "kiosk_limit")


def due_view(row: sqlite3.Row, history: bool = True) -> Dict[str, Any]:
    paid = bool(row["paid_on"])
    view = {"due_id": row["due_id"], "kind": row["kind"], "title": KINDS[row["kind"]], "year": row["year"],
            "amount": cents_to_amount(row["amount_cents"]), "due_by": row["due_by"],
            "status": "paid" if paid else "unpaid", "paid_on": row["paid_on"] or None}
    if not history:
        view["paid_on"] = None
    return view


def dues_of(db: sqlite3.Connection, number: str, open_only: bool = False) -> List[sqlite3.Row]:
    """Newest year first; open ones only for someone looked up by number."""
    extra = " AND paid_on=''" if open_only else ""
    return db.execute(f"SELECT * FROM contribution_dues WHERE id_number=?{extra} ORDER BY year DESC, kind",
                      (number,)).fetchall()


def member_number(db: sqlite3.Connection, number: str, member_id: str) -> str:
    """The identity number of one of the resident's household, or 404 (another's member ids
    are unknown here, like made-up ones)."""
    row = db.execute("SELECT member_id_number FROM family_members WHERE id_number=? AND member_id=?",
                     (number, member_id)).fetchone()
    if row is None:
        raise ContractError(404, "member_not_found", "no such member of the resident's household")
    return row["member_id_number"]


def lookup_number(db: sqlite3.Connection, lookup_id: str, kiosk: str, now: float) -> str:
    """The number behind a lookup made on this kiosk and still valid, or 404."""
    row = db.execute("SELECT id_number, kiosk_id, expires_at FROM payment_lookups WHERE lookup_id=?",
                     (lookup_id,)).fetchone()
    if row is None or row["kiosk_id"] != kiosk or row["expires_at"] < now:
        raise ContractError(404, "lookup_not_found", "no such lookup on this kiosk, or it has expired")
    return row["id_number"]


def masked_name_of(db: sqlite3.Connection, number: str) -> str:
    person = resident(db, number)
    return mask_name(person["name"]) if person is not None else ""


@payments.get("/dues")
async def my_dues(request: Request):
    """The verified resident's dues, or a household member's (?member_id=)."""
    db: sqlite3.Connection = request.ctx.db
    number = resident_for(request)
    member = request.args.get("member_id")
    if member:
        number = member_number(db, number, member)
    return json({"masked_name": masked_name_of(db, number), "payee": PAYEE,
                 "dues": [due_view(row) for row in dues_of(db, number)]})


@payments.post("/lookups")
async def look_up(request: Request):
    """Someone to pay for, by their number: the masked name for the payer to confirm."""
    db: sqlite3.Connection = request.ctx.db
    kiosk = kiosk_for(request)
    number = valid_number(body(request))
    now = time.time()
    with transaction(db):
        limits.check(db, (LOOKUPS_PER_KIOSK, LOOKUPS_PER_NUMBER), number, kiosk, now)
        limits.record(db, "pay_lookup", number, kiosk, now)
        person = resident(db, number)
        if person is None:
            lookup: Optional[Dict[str, Any]] = None
        else:
            lookup = {"lookup_id": "L" + secrets.token_hex(8).upper(), "masked_name": mask_name(person["name"]),
                      "expires_in": LOOKUP_SECONDS}
            db.execute("DELETE FROM payment_lookups WHERE expires_at<?", (now,))
            db.execute("INSERT INTO payment_lookups VALUES (?, ?, ?, ?)",
                       (lookup["lookup_id"], number, kiosk, now + LOOKUP_SECONDS))
    if lookup is None:
        raise ContractError(404, "not_found", "no contributions are registered for this number")
    return json(lookup, status=201)


@payments.get("/lookups/<lookup_id>/dues")
async def looked_up_dues(request: Request, lookup_id: str):
    """The open dues of the person looked up (asked only once the payer confirmed the name)."""
    db: sqlite3.Connection = request.ctx.db
    number = lookup_number(db, lookup_id, kiosk_for(request), time.time())
    return json({"masked_name": masked_name_of(db, number), "payee": PAYEE,
                 "dues": [due_view(row, history=False) for row in dues_of(db, number, open_only=True)]})
