"""The typed number with a one-time code sent by SMS to the resident's registered phone.

Nothing here tells a stranger whether a number belongs to somebody: asking for a code answers
the same 202 for any well-formed number (a code is made and kept for a non-resident too, only
never sent), and a wrong code, an expired code and an unknown number are the same 401 with
the same `attempts_left`. Wrong codes count per number since its last success or lock, across
resent codes (asking for a new code never buys more guesses); at FAILURES_PER_CODE the code is
void and the number locked for LOCK_SECONDS. Codes are kept only as hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from typing import Optional

from sanic import Blueprint, Request, json

from portal.sandbox import limits, sms_gateway
from portal.sandbox.db import transaction
from portal.sandbox.identity import issue_token, kiosk_for, resident, valid_number
from portal.sandbox.limits import CODE_DIGITS, CODE_SECONDS, FAILURES_PER_CODE, RESEND_SECONDS
from portal.sandbox.replies import ContractError, body

identity_sms = Blueprint("identity_sms", url_prefix="/v1/identity")


def _code_hash(subject: str, code: str) -> str:
    return hashlib.sha256(f"{subject}:{code}".encode("ascii")).hexdigest()


@identity_sms.post("/sms-codes")
async def send_code(request: Request):
    db: sqlite3.Connection = request.ctx.db
    kiosk = kiosk_for(request)
    number = valid_number(body(request))
    subject, now = limits.number_subject(number), time.time()
    with transaction(db):
        limits.check(db, limits.SEND_LIMITS, number, kiosk, now, with_lock=True)
        last = db.execute("SELECT sent_at, failures FROM sms_codes WHERE subject=?", (subject,)).fetchone()
        if last is not None and now - last["sent_at"] < RESEND_SECONDS and not limits.practised(number):
            raise ContractError(429, "too_many_codes", "a code was sent a moment ago",
                                retry_after=limits.retry_after(last["sent_at"] + RESEND_SECONDS - now))
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        db.execute("INSERT OR REPLACE INTO sms_codes VALUES (?, ?, ?, ?, ?, ?)",
                   (subject, _code_hash(subject, code), now, now + CODE_SECONDS,
                    last["failures"] if last is not None else 0, kiosk))
        limits.record(db, "code_sent", number, kiosk, now)
        person = resident(db, number)
        if person is not None:
            sms_gateway.send_code(db, person["phone"], code, now)
    return json({"expires_in": CODE_SECONDS, "resend_after": RESEND_SECONDS}, status=202)


def _typed_code(content: dict) -> str:
    code = content.get("code")
    if not isinstance(code, str) or len(code) != CODE_DIGITS or not (code.isascii() and code.isdigit()):
        raise ContractError(400, "invalid_code", f"the code is {CODE_DIGITS} digits")
    return code


@identity_sms.post("/sms-codes/verify")
async def verify_code(request: Request):
    db: sqlite3.Connection = request.ctx.db
    kiosk = kiosk_for(request)
    content = body(request)
    number = valid_number(content)
    code = _typed_code(content)
    subject, now = limits.number_subject(number), time.time()
    with transaction(db):
        limits.check(db, limits.VERIFY_LIMITS, number, kiosk, now, with_lock=True)
        kept = db.execute("SELECT * FROM sms_codes WHERE subject=?", (subject,)).fetchone()
        person = resident(db, number)
        if _right(kept, subject, code, now) and person is not None:
            db.execute("DELETE FROM sms_codes WHERE subject=?", (subject,))
            return json(issue_token(db, person, "sms", kiosk, now))
        left = _count_failure(db, kept, subject, number, kiosk, now)
    if left == 0:
        raise ContractError(429, "too_many_attempts", "too many wrong codes; the code is void",
                            retry_after=limits.LOCK_SECONDS, attempts_left=0)
    raise ContractError(401, "identity_mismatch", "the code does not match", attempts_left=left)


def _right(kept: Optional[sqlite3.Row], subject: str, code: str, now: float) -> bool:
    if kept is None or kept["expires_at"] <= now or not kept["code_hash"]:
        return False
    return hmac.compare_digest(kept["code_hash"], _code_hash(subject, code))


def _count_failure(db: sqlite3.Connection, kept: Optional[sqlite3.Row], subject: str, number: str,
                   kiosk: str, now: float) -> int:
    """One more wrong code for the number; how many are left (0: the code is void, the number
    locked). A number with no code gets a void one, so it counts exactly like any other. A
    practice resident's code stays good however often a learner mistypes it."""
    if limits.practised(number):
        return FAILURES_PER_CODE - 1
    failures = (kept["failures"] if kept is not None else 0) + 1
    limits.record(db, "failure", number, kiosk, now)
    if failures >= FAILURES_PER_CODE:
        db.execute("DELETE FROM sms_codes WHERE subject=?", (subject,))
        limits.lock(db, number, now)
        return 0
    if kept is None:
        db.execute("INSERT INTO sms_codes VALUES (?, '', 0, 0, ?, ?)", (subject, failures, kiosk))
    else:
        db.execute("UPDATE sms_codes SET failures=? WHERE subject=?", (failures, subject))
    return FAILURES_PER_CODE - failures
