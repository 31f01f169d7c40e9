"""What every way in shares: reading the request, issuing a resident token, and finding the
resident behind a token.

Three ways in, each its own module: the ID card read by the kiosk's reader
(`identity_card`), the typed number with a one-time SMS code (`identity_sms`) and a staff
member who checks the card in person (`identity_staff`). Whichever way it was, the token
records how the resident was verified, from which kiosk and, for staff, by whom; the
`verifications` table keeps that record after the token is gone.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import time
from typing import Optional

from sanic import Request

from common import idnumber
from common.names import mask_name
from portal.sandbox.limits import TOKEN_SECONDS
from portal.sandbox.replies import ContractError, text_field

KIOSK_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}\Z")  # as kiosk.kiosk_id in config/settings.py
METHODS = ("card", "sms", "staff")


def kiosk_for(request: Request) -> str:
    """The X-Kiosk-Id header (limits count per kiosk), or a 400."""
    kiosk = request.headers.get("X-Kiosk-Id", "")
    if not kiosk:
        raise ContractError(400, "missing_kiosk_id", "an X-Kiosk-Id header is required")
    if not KIOSK_ID.match(kiosk):
        raise ContractError(400, "invalid_kiosk_id", "X-Kiosk-Id: 1-64 letters, digits, '.', '_' or '-'")
    return kiosk


def optional_kiosk(request: Request) -> Optional[str]:
    """The X-Kiosk-Id header where it is only recorded (absent is fine, malformed is not)."""
    return kiosk_for(request) if request.headers.get("X-Kiosk-Id") else None


def valid_number(content: dict) -> str:
    """The identity number of a request body, canonical, with a correct check character."""
    number = idnumber.normalise(text_field(content, "id_number", 32) or "")
    if not idnumber.is_valid(number):
        raise ContractError(400, "invalid_id_number", "identity number format or check digit is wrong")
    return number


def resident(db: sqlite3.Connection, number: str) -> Optional[sqlite3.Row]:
    return db.execute("SELECT * FROM residents WHERE id_number=?", (number,)).fetchone()


def issue_token(db: sqlite3.Connection, person: sqlite3.Row, method: str, kiosk: str, now: float,
                staff_account: Optional[str] = None) -> dict:
    """A new token and the resident's verification record, inside the caller's transaction;
    the answer a verified resident gets (VerifiedResident in the contract)."""
    assert method in METHODS
    token = secrets.token_urlsafe(24)
    db.execute("DELETE FROM tokens WHERE expires_at<?", (now,))
    db.execute("INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?)",
               (token, person["id_number"], now + TOKEN_SECONDS, method, kiosk, staff_account))
    db.execute("INSERT INTO verifications (id_number, method, kiosk_id, staff_account, at) VALUES (?, ?, ?, ?, ?)",
               (person["id_number"], method, kiosk, staff_account, now))
    return {"token": token, "expires_in": TOKEN_SECONDS, "masked_name": mask_name(person["name"]), "method": method}


def resident_for(request: Request) -> str:
    """The identity number behind the X-Resident-Token header, or a 401."""
    found = token_owner(request)
    if found is None:
        raise ContractError(401, "token_invalid", "resident token missing, unknown or expired")
    return found


def token_owner(request: Request) -> Optional[str]:
    """The identity number behind X-Resident-Token; None when the header is absent or the token
    unknown or expired."""
    token = request.headers.get("X-Resident-Token", "")
    if not token:
        return None
    row = request.ctx.db.execute("SELECT id_number, expires_at FROM tokens WHERE token=?", (token,)).fetchone()
    if row is None or row["expires_at"] < time.time():
        return None
    return row["id_number"]
