"""A staff member certifies the resident in person (社区工作人员当面认证), confirming on the
centre console: the way every community service centre can offer, camera or not.

The kiosk asks for it with the verified resident's token and polls it by kiosk (only the asking
kiosk ever hears the outcome; any other is told it does not exist). The console shows staff the
kiosk, the masked name and number and the current due date; staff confirm only after seeing the
resident and the card in front of them (`seen_in_person`), or refuse. A confirmation is the
certification: recorded with the way `community_staff`, the staff account and the time. A kiosk
that stopped waiting withdraws its request, and staff can then no longer confirm it.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import time
from typing import Any, Dict, Optional

from sanic import Blueprint, Request, json

from common.masking import mask_id_number
from common.names import mask_name
from portal.sandbox import limits
from portal.sandbox.certification import certification_reply, ensure_schema, record, stamp
from portal.sandbox.db import transaction
from portal.sandbox.identity import kiosk_for, resident, resident_for
from portal.sandbox.replies import ContractError, body

certification_staff = Blueprint("certification_staff", url_prefix="/v1/pension/certification/staff-requests")

WAIT_SECONDS = 15 * limits.MINUTE  # how long the portal keeps a request open for a person
STAFF_ACCOUNT = re.compile(r"^[A-Za-z0-9_.@-]{1,64}\Z")
REQUESTS_PER_NUMBER = limits.Limit("certification_request", "number", 3, limits.HOUR, "too_many_requests")
REQUESTS_PER_KIOSK = limits.Limit("certification_request", "kiosk", 10, limits.HOUR, "kiosk_limit")


def _staff_account(request: Request) -> str:
    account = request.headers.get("X-Staff-Account", "")
    if not STAFF_ACCOUNT.match(account):
        raise ContractError(401, "staff_account_required", "an X-Staff-Account header is required")
    return account


def _request(db: sqlite3.Connection, request_id: str, kiosk: Optional[str] = None) -> sqlite3.Row:
    """The request; for a kiosk, only its own (another kiosk's is as unknown as a made-up id)."""
    ensure_schema(db)
    row = db.execute("SELECT * FROM certification_staff_requests WHERE request_id=?", (request_id[:64],)).fetchone()
    if row is None or (kiosk is not None and row["kiosk_id"] != kiosk):
        raise ContractError(404, "request_not_found", "no such certification request")
    return row


def _status(row: sqlite3.Row, now: float) -> str:
    return "expired" if row["status"] == "waiting" and row["expires_at"] <= now else row["status"]


def _kiosk_view(db: sqlite3.Connection, row: sqlite3.Row, now: float) -> Dict[str, Any]:
    status = _status(row, now)
    certified = certification_reply(db, row["id_number"]) if status == "confirmed" else None
    return {"status": status, "certification": certified}


def _staff_view(db: sqlite3.Connection, row: sqlite3.Row, now: float) -> Dict[str, Any]:
    person = resident(db, row["id_number"])
    return {"request_id": row["request_id"], "kiosk_id": row["kiosk_id"], "masked_name": mask_name(person["name"]),
            "masked_id_number": mask_id_number(row["id_number"]), "status": _status(row, now),
            "due_date": certification_reply(db, row["id_number"])["due_date"],
            "created_at": stamp(row["created_at"]), "decided_by": row["decided_by"],
            "decided_at": stamp(row["decided_at"])}


@certification_staff.post("")
async def ask(request: Request):
    """A verified resident at a kiosk asks for staff; asking again while it waits returns it."""
    number, kiosk = resident_for(request), kiosk_for(request)
    db: sqlite3.Connection = request.ctx.db
    ensure_schema(db)
    now = time.time()
    with transaction(db):
        waiting = db.execute("SELECT request_id, expires_at FROM certification_staff_requests WHERE id_number=? "
                             "AND kiosk_id=? AND status='waiting' AND expires_at>?", (number, kiosk, now)).fetchone()
        if waiting is not None:
            return json({"request_id": waiting["request_id"], "expires_in": int(waiting["expires_at"] - now)},
                        status=201)
        limits.check(db, (REQUESTS_PER_KIOSK, REQUESTS_PER_NUMBER), number, kiosk, now)
        request_id = secrets.token_urlsafe(16)
        db.execute("INSERT INTO certification_staff_requests (request_id, id_number, kiosk_id, created_at, "
                   "expires_at, status) VALUES (?, ?, ?, ?, ?, 'waiting')",
                   (request_id, number, kiosk, now, now + WAIT_SECONDS))
        limits.record(db, "certification_request", number, kiosk, now)
    return json({"request_id": request_id, "expires_in": WAIT_SECONDS}, status=201)


@certification_staff.get("/<request_id>")
async def poll(request: Request, request_id: str):
    db: sqlite3.Connection = request.ctx.db
    return json(_kiosk_view(db, _request(db, request_id, kiosk_for(request)), time.time()))


@certification_staff.delete("/<request_id>")
async def withdraw(request: Request, request_id: str):
    """The kiosk stopped waiting. A decision already made stands and is answered."""
    db: sqlite3.Connection = request.ctx.db
    kiosk = kiosk_for(request)
    _request(db, request_id, kiosk)
    now = time.time()
    with transaction(db):
        db.execute("UPDATE certification_staff_requests SET status='withdrawn', decided_at=? "
                   "WHERE request_id=? AND status='waiting' AND expires_at>?", (now, request_id, now))
    return json(_kiosk_view(db, _request(db, request_id, kiosk), now))


@certification_staff.get("/<request_id>/staff-view")
async def staff_view(request: Request, request_id: str):
    _staff_account(request)
    db: sqlite3.Connection = request.ctx.db
    return json(_staff_view(db, _request(db, request_id), time.time()))


@certification_staff.post("/<request_id>/decision")
async def decide(request: Request, request_id: str):
    """Confirm (seen in person, with the card) or refuse, once; the same decision again changes
    nothing. A confirmation records the certification under the staff account."""
    account = _staff_account(request)
    content = body(request)
    confirmed, seen = content.get("confirmed"), content.get("seen_in_person")
    if not isinstance(confirmed, bool) or not isinstance(seen, bool):
        raise ContractError(400, "invalid_request", "'confirmed' and 'seen_in_person' must be true or false")
    if confirmed and not seen:
        raise ContractError(400, "seen_in_person_required", "staff confirm only after seeing the resident in person")
    db: sqlite3.Connection = request.ctx.db
    row = _request(db, request_id)
    now = time.time()
    wanted = "confirmed" if confirmed else "refused"
    with transaction(db):
        row = _request(db, request_id)
        if row["status"] != "waiting":
            if row["status"] == wanted and row["decided_by"] == account:
                return json(_staff_view(db, row, now))
            code = "request_withdrawn" if row["status"] == "withdrawn" else "already_decided"
            raise ContractError(409, code, f"this request is {row['status']}")
        if row["expires_at"] <= now:
            raise ContractError(409, "request_expired", "this request waited too long; the kiosk must ask again")
        db.execute("UPDATE certification_staff_requests SET status=?, decided_by=?, decided_at=? WHERE request_id=?",
                   (wanted, account, now, request_id))
        if confirmed:
            record(db, row["id_number"], "community_staff", row["kiosk_id"], account, now)
        return json(_staff_view(db, _request(db, request_id), now))
