"""The sandbox's own certification routes (no such route on the real gateway): tests and guided
lessons read a resident's certification records (way, kiosk, staff account, time), reminders and
home visits, and set a due date to start from a known state."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any, Dict

from sanic import Blueprint, Request, json

from common import idnumber
from common.masking import mask_phone
from portal.sandbox.certification import VALID_DAYS, certification_reply, ensure_schema, stamp
from portal.sandbox.db import transaction
from portal.sandbox.identity import resident
from portal.sandbox.replies import ContractError, body

certification_admin = Blueprint("certification_admin", url_prefix="/v1/_sandbox/certifications")


def _admin_reply(db: sqlite3.Connection, number: str) -> Dict[str, Any]:
    current = certification_reply(db, number)
    records = db.execute("SELECT way, at, due_date, kiosk_id, staff_account FROM certification_records "
                         "WHERE id_number=? ORDER BY at", (number,)).fetchall()
    reminders = db.execute("SELECT * FROM certification_reminders WHERE id_number=?", (number,)).fetchall()
    visits = db.execute("SELECT visit_id, status, id_number FROM certification_home_visits WHERE id_number=?",
                        (number,)).fetchall()
    phone = mask_phone(resident(db, number)["phone"])
    return {"last_done": current["last_done"], "due_date": current["due_date"],
            "records": [dict(row, at=stamp(row["at"])) for row in records],
            "reminders": [{"remind_on": row["remind_on"], "masked_phone": mask_phone(row["phone"]),
                           "to": row["recipient"]} for row in reminders],
            "home_visits": [{"visit_id": row["visit_id"], "status": row["status"], "masked_phone": phone,
                             "created": False} for row in visits]}


def _admin_number(value: Any) -> str:
    number = idnumber.normalise(str(value or ""))
    if not idnumber.is_valid(number):
        raise ContractError(400, "invalid_id_number", "identity number format or check digit is wrong")
    return number


@certification_admin.get("")
async def admin_read(request: Request):
    return json(_admin_reply(request.ctx.db, _admin_number(request.args.get("id_number"))))


@certification_admin.post("")
async def admin_set_due(request: Request):
    """Set a resident's due date `due_in_days` from today (negative: overdue) and forget their
    face checks: a test or lesson starts from a known state."""
    content = body(request)
    number = _admin_number(content.get("id_number"))
    days = content.get("due_in_days")
    if not isinstance(days, int) or isinstance(days, bool) or not -400 <= days <= 400:
        raise ContractError(400, "invalid_request", "'due_in_days' must be a whole number from -400 to 400")
    db: sqlite3.Connection = request.ctx.db
    ensure_schema(db)
    due = date.today() + timedelta(days=days)
    with transaction(db):
        db.execute("UPDATE certifications SET last_done=?, due_date=? WHERE id_number=?",
                   ((due - timedelta(days=VALID_DAYS)).isoformat(), due.isoformat(), number))
        db.execute("DELETE FROM certification_face_checks WHERE id_number=?", (number,))
    return json(_admin_reply(db, number))
