"""12345 hotline: submit a request; follow and rate your own cases.

Cases belong to their reporter. A submission with a resident token is the verified
resident's; one without (a report needs no identity) belongs to whoever owns the contact
phone. Following, listing and rating need a token of a verified resident who is the reporter
or whose registered phone is the contact phone; anybody else's case answers exactly like a
case that does not exist (404 case_not_found). Case numbers are random, with a check digit
(`common.numbers`), so a mistyped number is a 400 and a guessed one finds nothing.

Descriptions, places and rating comments are masked (`common.masking.redact`) in every answer,
so a phone number written into a description is never shown or spoken; the case keeps the
text exactly as it was sent.

Every submission carries an Idempotency-Key: the same key with the same request (and the same
reporter) returns the case already made; the same key with anything else is a conflict.
"""

from __future__ import annotations

import hashlib
import json as jsonlib
import re
import secrets
import sqlite3
import time
from datetime import datetime
from typing import Any, Dict, Optional

from sanic import Blueprint, Request, json

from common.masking import mask_phone, redact
from common.numbers import PHONE, is_valid_case_number
from portal.sandbox.db import transaction
from portal.sandbox.identity import optional_kiosk, resident_for
from portal.sandbox.replies import ContractError, body, text_field
from portal.sandbox.seed_services import CATEGORIES, DEPARTMENTS, DISTRICTS, STATUSES, case_number

hotline = Blueprint("hotline", url_prefix="/v1/hotline")

KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MY_CASES = 10  # the newest this many

# A case is the resident's when they reported it, or when its contact phone is theirs.
_OWNED = ("(reporter_id_number=? OR contact_phone=(SELECT phone FROM residents WHERE id_number=?))")


def valid_phone(value: str) -> str:
    if not PHONE.match(value or ""):
        raise ContractError(400, "invalid_phone", "contact phone must be an 11-digit mobile number")
    return value


def _request_fields(content: Dict[str, Any]) -> Dict[str, str]:
    fields = {
        "category": text_field(content, "category", 10) or "",
        "description": text_field(content, "description", 1000, allow_newlines=True) or "",
        "place": text_field(content, "place", 100) or "",
        "district": text_field(content, "district", 10) or "",
        "contact_phone": valid_phone(text_field(content, "contact_phone", 11) or ""),
    }
    if fields["category"] not in CATEGORIES:
        raise ContractError(400, "invalid_category", f"category must be one of {', '.join(CATEGORIES)}")
    if fields["district"] not in DISTRICTS:
        raise ContractError(400, "invalid_district", "district must be a county or district of Ganzhou")
    if len(fields["description"]) < 2:
        raise ContractError(400, "invalid_request", "'description' is too short")
    return fields


def case_view(db: sqlite3.Connection, number: str) -> Dict[str, Any]:
    """A case as answered: masked phone, masked free text."""
    row = db.execute("SELECT * FROM hotline_cases WHERE case_number=?", (number,)).fetchone()
    if row is None:
        raise ContractError(404, "case_not_found", "no case with this number")
    events = db.execute("SELECT status, at, department FROM case_events WHERE case_number=? ORDER BY step",
                        (number,)).fetchall()
    rating = ({"score": row["rating_score"], "comment": redact(row["rating_comment"] or "")}
              if row["rating_score"] is not None else None)
    return {
        "case_number": number, "category": row["category"], "description": redact(row["description"]),
        "place": redact(row["place"]), "district": row["district"],
        "masked_phone": mask_phone(row["contact_phone"]),
        "status": events[-1]["status"],
        "timeline": [{"status": e["status"], "at": e["at"], "department": e["department"]} for e in events],
        "rating": rating,
    }


def _case_number(number: str) -> str:
    if not is_valid_case_number(number):
        raise ContractError(400, "invalid_case_number", "a case number is 16 digits and its last is a check digit")
    return number


def _own_case(db: sqlite3.Connection, number: str, resident: str) -> Dict[str, Any]:
    """The case if it is the resident's; otherwise the very 404 of a case that does not exist."""
    row = db.execute(f"SELECT case_number FROM hotline_cases WHERE case_number=? AND {_OWNED}",
                     (number, resident, resident)).fetchone()
    return case_view(db, row["case_number"] if row is not None else "")


def _fingerprint(fields: Dict[str, str], reporter: Optional[str]) -> str:
    content = dict(fields, reporter=reporter or "")
    return hashlib.sha256(jsonlib.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@hotline.post("/cases")
async def submit(request: Request):
    key = request.headers.get("Idempotency-Key", "")
    if not KEY.match(key):
        raise ContractError(400, "missing_idempotency_key", "an Idempotency-Key header of 8-64 characters is required")
    reporter = resident_for(request) if request.headers.get("X-Resident-Token") else None
    kiosk = optional_kiosk(request)
    fields = _request_fields(body(request))
    fingerprint = _fingerprint(fields, reporter)
    with transaction(request.ctx.db) as db:
        existing = db.execute("SELECT case_number, request_hash FROM hotline_cases WHERE idempotency_key=?",
                              (key,)).fetchone()
        if existing is not None:
            if existing["request_hash"] != fingerprint:
                raise ContractError(409, "idempotency_conflict", "this key was used for a different request")
            return json({**case_view(db, existing["case_number"]), "created": False}, status=200)
        number = case_number(secrets.SystemRandom())
        while db.execute("SELECT 1 FROM hotline_cases WHERE case_number=?", (number,)).fetchone():
            number = case_number(secrets.SystemRandom())
        db.execute("INSERT INTO hotline_cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
                   (number, key, fingerprint, fields["category"], fields["description"], fields["place"],
                    fields["district"], fields["contact_phone"], reporter, kiosk, time.time()))
        db.execute("INSERT INTO case_events VALUES (?, 0, ?, ?, ?)",
                   (number, STATUSES[0], datetime.now().isoformat(timespec="minutes"), "12345热线"))
        view = case_view(db, number)
    return json({**view, "created": True}, status=201)


@hotline.get("/cases/<number>")
async def follow(request: Request, number: str):
    _case_number(number)
    return json(_own_case(request.ctx.db, number, resident_for(request)))


@hotline.get("/cases")
async def mine(request: Request):
    """The verified resident's cases, newest first."""
    resident = resident_for(request)
    rows = request.ctx.db.execute(
        f"SELECT case_number FROM hotline_cases WHERE {_OWNED} ORDER BY created_at DESC LIMIT ?",
        (resident, resident, MY_CASES)).fetchall()
    return json({"cases": [case_view(request.ctx.db, row["case_number"]) for row in rows]})


@hotline.post("/cases/<number>/rating")
async def rate(request: Request, number: str):
    _case_number(number)
    resident = resident_for(request)
    content = body(request)
    score = content.get("score")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ContractError(400, "invalid_score", "score must be a whole number from 1 to 5")
    comment = text_field(content, "comment", 200, required=False) or ""
    with transaction(request.ctx.db) as db:
        view = _own_case(db, number, resident)
        if view["status"] != STATUSES[-1]:
            raise ContractError(409, "case_not_closed", "only a closed case can be rated")
        stored = db.execute("SELECT rating_score, rating_comment FROM hotline_cases WHERE case_number=?",
                            (number,)).fetchone()
        if stored["rating_score"] is not None:
            if (stored["rating_score"], stored["rating_comment"] or "") == (score, comment):
                return json(view)  # the same rating sent again: nothing changes
            raise ContractError(409, "already_rated", "this case has already been rated")
        db.execute("UPDATE hotline_cases SET rating_score=?, rating_comment=? WHERE case_number=?",
                   (score, comment, number))
        return json(case_view(db, number))


def advance(db: sqlite3.Connection, number: str) -> Dict[str, Any]:
    """Move a case one step along (sandbox only: lessons and tests need closed cases)."""
    with transaction(db):
        view = case_view(db, number)
        step = len(view["timeline"])
        if step < len(STATUSES):
            department = "12345热线" if step == 0 else DEPARTMENTS[view["category"]]
            db.execute("INSERT INTO case_events VALUES (?, ?, ?, ?, ?)",
                       (number, step, STATUSES[step], datetime.now().isoformat(timespec="minutes"), department))
    return case_view(db, number)
