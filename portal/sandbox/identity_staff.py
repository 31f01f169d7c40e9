"""A staff member checks the resident's card in person and confirms on the centre console.

For residents with no phone, or no card with them that the reader takes. The kiosk asks for a
check (always 201: the kiosk is not told whether the number is a resident), and polls it; the
console shows staff the kiosk, the masked name and the masked number, and staff, with the card
in hand, confirm or refuse. Only the kiosk that asked ever gets the token (any other kiosk
is told the check does not exist); the portal records who decided and when, in the check and
in the resident's verification record, and tells the resident by SMS that staff verified
them (a stranger talking a volunteer round would be found out).

A kiosk asking again for the same number while its check still waits gets the same check,
so the request is safe to repeat.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import time
from datetime import datetime
from typing import Any, Dict, Optional

from sanic import Blueprint, Request, json

from common.masking import mask_id_number
from common.names import mask_name
from portal.sandbox import limits, sms_gateway
from portal.sandbox.db import transaction
from portal.sandbox.identity import issue_token, kiosk_for, resident, valid_number
from portal.sandbox.limits import STAFF_CHECK_SECONDS
from portal.sandbox.replies import ContractError, body

identity_staff = Blueprint("identity_staff", url_prefix="/v1/identity/staff-checks")

STAFF_ACCOUNT = re.compile(r"^[A-Za-z0-9_.@-]{1,64}\Z")


def _staff_account(request: Request) -> str:
    account = request.headers.get("X-Staff-Account", "")
    if not STAFF_ACCOUNT.match(account):
        raise ContractError(401, "staff_account_required", "an X-Staff-Account header is required")
    return account


def _check(db: sqlite3.Connection, check_id: str, kiosk: Optional[str] = None) -> sqlite3.Row:
    """The check; for a kiosk, only its own (another kiosk's is as unknown as a made-up id)."""
    row = db.execute("SELECT * FROM staff_checks WHERE check_id=?", (check_id[:64],)).fetchone()
    if row is None or (kiosk is not None and row["kiosk_id"] != kiosk):
        raise ContractError(404, "check_not_found", "no such staff check")
    return row


def _status(db: sqlite3.Connection, row: sqlite3.Row, now: float) -> str:
    if row["status"] == "waiting" and row["expires_at"] <= now:
        return "expired"
    if row["status"] == "confirmed" and _token_left(db, row, now) is None:
        return "expired"  # confirmed, but the kiosk did not use its token in time
    return row["status"]


def _token_left(db: sqlite3.Connection, row: sqlite3.Row, now: float) -> Optional[int]:
    found = db.execute("SELECT expires_at FROM tokens WHERE token=?", (row["token"] or "",)).fetchone()
    return int(found["expires_at"] - now) if found is not None and found["expires_at"] > now else None


def _stamp(moment: Optional[float]) -> Optional[str]:
    return None if moment is None else datetime.fromtimestamp(moment).astimezone().isoformat(timespec="seconds")


def _staff_view(db: sqlite3.Connection, row: sqlite3.Row, now: float) -> Dict[str, Any]:
    person = resident(db, row["id_number"])
    return {"check_id": row["check_id"], "kiosk_id": row["kiosk_id"],
            "masked_name": mask_name(person["name"]) if person is not None else None,
            "masked_id_number": mask_id_number(row["id_number"]), "status": _status(db, row, now),
            "created_at": _stamp(row["created_at"]), "decided_by": row["decided_by"],
            "decided_at": _stamp(row["decided_at"])}


@identity_staff.post("")
async def request_check(request: Request):
    db: sqlite3.Connection = request.ctx.db
    kiosk = kiosk_for(request)
    number = valid_number(body(request))
    now = time.time()
    with transaction(db):
        waiting = db.execute("SELECT check_id, expires_at FROM staff_checks WHERE id_number=? AND kiosk_id=? "
                             "AND status='waiting' AND expires_at>?", (number, kiosk, now)).fetchone()
        if waiting is not None:
            return json({"check_id": waiting["check_id"], "expires_in": int(waiting["expires_at"] - now)},
                        status=201)
        limits.check(db, limits.CHECK_LIMITS, number, kiosk, now)
        check_id = secrets.token_urlsafe(16)
        db.execute("INSERT INTO staff_checks (check_id, id_number, kiosk_id, created_at, expires_at, status) "
                   "VALUES (?, ?, ?, ?, ?, 'waiting')", (check_id, number, kiosk, now, now + STAFF_CHECK_SECONDS))
        limits.record(db, "staff_check", number, kiosk, now)
    return json({"check_id": check_id, "expires_in": STAFF_CHECK_SECONDS}, status=201)


@identity_staff.get("/<check_id>")
async def poll_check(request: Request, check_id: str):
    """The asking kiosk's view: the token and the masked name only once staff confirmed."""
    db: sqlite3.Connection = request.ctx.db
    row = _check(db, check_id, kiosk_for(request))
    now = time.time()
    status = _status(db, row, now)
    answer: Dict[str, Any] = {"status": status, "token": None, "expires_in": None, "masked_name": None}
    if status == "waiting":
        answer["expires_in"] = int(row["expires_at"] - now)
    elif status == "confirmed":
        person = resident(db, row["id_number"])
        answer.update(token=row["token"], expires_in=_token_left(db, row, now), masked_name=mask_name(person["name"]))
    return json(answer)


@identity_staff.get("/<check_id>/staff-view")
async def staff_view(request: Request, check_id: str):
    _staff_account(request)
    db: sqlite3.Connection = request.ctx.db
    return json(_staff_view(db, _check(db, check_id), time.time()))


@identity_staff.post("/<check_id>/decision")
async def decide(request: Request, check_id: str):
    """Confirm or refuse, once; the same decision again changes nothing."""
    account = _staff_account(request)
    confirmed = body(request).get("confirmed")
    if not isinstance(confirmed, bool):
        raise ContractError(400, "invalid_request", "'confirmed' must be true or false")
    db: sqlite3.Connection = request.ctx.db
    now = time.time()
    with transaction(db):
        row = _check(db, check_id)
        wanted = "confirmed" if confirmed else "refused"
        if row["status"] != "waiting":
            if row["status"] == wanted and row["decided_by"] == account:
                return json(_staff_view(db, row, now))
            raise ContractError(409, "already_decided", "this check was already decided")
        if row["expires_at"] <= now:
            raise ContractError(409, "check_expired", "this check waited too long; the kiosk must ask again")
        person = resident(db, row["id_number"])
        token = None
        if confirmed:
            if person is None:
                raise ContractError(409, "not_a_resident", "no resident has this number; refuse the check")
            token = issue_token(db, person, "staff", row["kiosk_id"], now, staff_account=account)["token"]
            sms_gateway.send(db, person["phone"], sms_gateway.STAFF_NOTICE_TEXT.format(staff=account),
                             "staff_check_notice", now)
        else:
            limits.record(db, "failure", row["id_number"], row["kiosk_id"], now)
        db.execute("UPDATE staff_checks SET status=?, decided_by=?, decided_at=?, token=? WHERE check_id=?",
                   (wanted, account, now, token, check_id))
        return json(_staff_view(db, _check(db, check_id), now))
