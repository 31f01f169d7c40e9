"""12345 hotline: submit a request, follow it by case number or phone, rate it when closed.

Every submission carries an Idempotency-Key: the same key with the same request returns the
case already made (a retry after a timeout never makes two cases); the same key with a
different request is a conflict.
"""

from __future__ import annotations

import hashlib
import json as jsonlib
import re
import sqlite3
from datetime import date, datetime
from typing import Any, Dict

from sanic import Blueprint, Request, json

from common.masking import mask_phone
from common.numbers import CASE_NUMBER, PHONE
from portal.sandbox.db import transaction
from portal.sandbox.replies import ContractError, body, text_field
from portal.sandbox.seed_services import CATEGORIES, DEPARTMENTS, DISTRICTS, STATUSES, case_number

hotline = Blueprint("hotline", url_prefix="/v1/hotline")

KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


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
    row = db.execute("SELECT * FROM hotline_cases WHERE case_number=?", (number,)).fetchone()
    if row is None:
        raise ContractError(404, "case_not_found", "no case with this number")
    events = db.execute("SELECT status, at, department FROM case_events WHERE case_number=? ORDER BY step",
                        (number,)).fetchall()
    rating = ({"score": row["rating_score"], "comment": row["rating_comment"] or ""}
              if row["rating_score"] is not None else None)
    return {
        "case_number": number, "category": row["category"], "description": row["description"],
        "place": row["place"], "district": row["district"],
        "masked_phone": mask_phone(row["contact_phone"]),
        "status": events[-1]["status"],
        "timeline": [{"status": e["status"], "at": e["at"], "department": e["department"]} for e in events],
        "rating": rating,
    }


@hotline.post("/cases")
async def submit(request: Request):
    key = request.headers.get("Idempotency-Key", "")
    if not KEY.match(key):
        raise ContractError(400, "missing_idempotency_key", "an Idempotency-Key header of 8-64 characters is required")
    fields = _request_fields(body(request))
    fingerprint = hashlib.sha256(jsonlib.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    with transaction(request.ctx.db) as db:
        existing = db.execute("SELECT case_number, request_hash FROM hotline_cases WHERE idempotency_key=?",
                              (key,)).fetchone()
        if existing is not None:
            if existing["request_hash"] != fingerprint:
                raise ContractError(409, "idempotency_conflict", "this key was used for a different request")
            return json({**case_view(db, existing["case_number"]), "created": False}, status=200)
        sequence = db.execute("SELECT COUNT(*) FROM hotline_cases").fetchone()[0] + 1
        number = case_number(date.today(), fields["district"], sequence)
        db.execute("INSERT INTO hotline_cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                   (number, key, fingerprint, fields["category"], fields["description"], fields["place"],
                    fields["district"], fields["contact_phone"]))
        db.execute("INSERT INTO case_events VALUES (?, 0, ?, ?, ?)",
                   (number, STATUSES[0], datetime.now().isoformat(timespec="minutes"), "12345热线"))
        view = case_view(db, number)
    return json({**view, "created": True}, status=201)


@hotline.get("/cases/<number>")
async def follow(request: Request, number: str):
    if not CASE_NUMBER.match(number):
        raise ContractError(400, "invalid_case_number", "a case number has 16 digits")
    return json(case_view(request.ctx.db, number))


@hotline.get("/cases")
async def by_phone(request: Request):
    phone = valid_phone(request.args.get("phone", ""))
    rows = request.ctx.db.execute(
        "SELECT case_number FROM hotline_cases WHERE contact_phone=? ORDER BY case_number DESC LIMIT 10",
        (phone,)).fetchall()
    return json({"cases": [case_view(request.ctx.db, row["case_number"]) for row in rows]})


@hotline.post("/cases/<number>/rating")
async def rate(request: Request, number: str):
    content = body(request)
    score = content.get("score")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ContractError(400, "invalid_score", "score must be a whole number from 1 to 5")
    comment = text_field(content, "comment", 200, required=False) or ""
    with transaction(request.ctx.db) as db:
        view = case_view(db, number)
        if view["status"] != STATUSES[-1]:
            raise ContractError(409, "case_not_closed", "only a closed case can be rated")
        if view["rating"] is not None:
            if view["rating"] == {"score": score, "comment": comment}:
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
