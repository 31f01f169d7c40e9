"""Service halls: where they are, when they open, what to bring; appointment slots; booking,
cancelling and moving an appointment.

A booking's Idempotency-Key is bound to its request (resident, hall, service, day, time): the
same key with the same request returns the booking already made, with anything else it is a
409 idempotency_conflict, so a key can never hand one resident another's booking.
"""

from __future__ import annotations

import hashlib
import json as jsonlib
import re
import secrets
from datetime import date, datetime, timedelta
from typing import Any, Dict, List

from sanic import Blueprint, Request, json

from portal.sandbox.db import transaction
from portal.sandbox.identity import resident_for
from portal.sandbox.replies import ContractError, body, text_field
from portal.sandbox.seed_services import (
    BOOKING_DAYS,
    DISTRICTS,
    HALL_SERVICES,
    MATERIALS,
    SLOT_CAPACITY,
    SLOT_MINUTES,
    SLOT_TIMES,
)

halls = Blueprint("halls", url_prefix="/v1")

KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def hall_view(row) -> Dict[str, Any]:
    return {"hall_id": row["hall_id"], "name": row["name"], "district": row["district"],
            "address": row["address"], "phone": row["phone"], "hours": row["hours"],
            "services": [{"service": s, "materials": MATERIALS[s]} for s in HALL_SERVICES]}


def _hall(db, hall_id: str):
    row = db.execute("SELECT * FROM halls WHERE hall_id=?", (hall_id,)).fetchone()
    if row is None:
        raise ContractError(404, "hall_not_found", "no service hall with this id")
    return row


def _bookable_day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ContractError(400, "invalid_date", "date must be YYYY-MM-DD") from None
    today = date.today()
    if not today < day <= today + timedelta(days=BOOKING_DAYS):
        raise ContractError(400, "date_not_bookable", f"appointments are for the next {BOOKING_DAYS} days")
    return day


def _end(start: str) -> str:
    moment = datetime.strptime(start, "%H:%M") + timedelta(minutes=SLOT_MINUTES)
    return moment.strftime("%H:%M")


def _slots(db, hall_id: str, day: date) -> List[Dict[str, Any]]:
    if day.weekday() >= 5:
        return []
    booked = dict(db.execute(
        "SELECT start, COUNT(*) FROM appointments WHERE hall_id=? AND day=? AND status='booked' GROUP BY start",
        (hall_id, day.isoformat())).fetchall())
    return [{"start": start, "end": _end(start), "remaining": SLOT_CAPACITY - booked.get(start, 0)}
            for start in SLOT_TIMES]


@halls.get("/halls")
async def list_halls(request: Request):
    district = request.args.get("district")
    if district is not None and district not in DISTRICTS:
        raise ContractError(400, "invalid_district", "district must be a county or district of Ganzhou")
    query, args = ("SELECT * FROM halls WHERE district=? ORDER BY hall_id", (district,)) if district \
        else ("SELECT * FROM halls ORDER BY hall_id", ())
    return json({"halls": [hall_view(row) for row in request.ctx.db.execute(query, args).fetchall()]})


@halls.get("/halls/<hall_id>")
async def one_hall(request: Request, hall_id: str):
    return json(hall_view(_hall(request.ctx.db, hall_id)))


@halls.get("/halls/<hall_id>/slots")
async def slots(request: Request, hall_id: str):
    _hall(request.ctx.db, hall_id)
    day = _bookable_day(request.args.get("date", ""))
    return json({"hall_id": hall_id, "date": day.isoformat(), "slots": _slots(request.ctx.db, hall_id, day)})


def appointment_view(db, row) -> Dict[str, Any]:
    hall = _hall(db, row["hall_id"])
    return {"appointment_id": row["appointment_id"], "hall_id": row["hall_id"], "hall_name": hall["name"],
            "address": hall["address"], "date": row["day"], "start": row["start"], "end": _end(row["start"]),
            "service": row["service"], "materials": MATERIALS[row["service"]], "status": row["status"]}


def _fingerprint(number: str, hall_id: str, service: str, day: date, start: str) -> str:
    request = {"resident": number, "hall_id": hall_id, "service": service, "date": day.isoformat(), "start": start}
    return hashlib.sha256(jsonlib.dumps(request, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@halls.post("/appointments")
async def book(request: Request):
    number = resident_for(request)
    key = request.headers.get("Idempotency-Key", "")
    if not KEY.match(key):
        raise ContractError(400, "missing_idempotency_key", "an Idempotency-Key header of 8-64 characters is required")
    content = body(request)
    hall_id = text_field(content, "hall_id", 8) or ""
    service = text_field(content, "service", 20) or ""
    start = text_field(content, "start", 5) or ""
    if service not in HALL_SERVICES:
        raise ContractError(400, "invalid_service", f"service must be one of {', '.join(HALL_SERVICES)}")
    day = _bookable_day(str(content.get("date", "")))
    fingerprint = _fingerprint(number, hall_id, service, day, start)
    with transaction(request.ctx.db) as db:
        same = db.execute("SELECT * FROM appointments WHERE idempotency_key=?", (key,)).fetchone()
        if same is not None:
            if same["request_hash"] != fingerprint:
                raise ContractError(409, "idempotency_conflict", "this key was used for a different booking")
            return json(appointment_view(db, same))
        slot = next((s for s in _slots(db, _hall(db, hall_id)["hall_id"], day) if s["start"] == start), None)
        if slot is None:
            raise ContractError(400, "invalid_slot", "no such slot on that day")
        if slot["remaining"] <= 0:
            raise ContractError(409, "slot_full", "this slot is fully booked; choose another")
        appointment_id = "A" + secrets.token_hex(5).upper()
        db.execute("INSERT INTO appointments VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'booked')",
                   (appointment_id, key, fingerprint, number, hall_id, day.isoformat(), start, service))
        row = db.execute("SELECT * FROM appointments WHERE appointment_id=?", (appointment_id,)).fetchone()
        return json(appointment_view(db, row), status=201)


@halls.get("/appointments")
async def mine(request: Request):
    number = resident_for(request)
    rows = request.ctx.db.execute(
        "SELECT * FROM appointments WHERE id_number=? AND status='booked' ORDER BY day, start", (number,)).fetchall()
    return json({"appointments": [appointment_view(request.ctx.db, row) for row in rows]})


@halls.delete("/appointments/<appointment_id>")
async def cancel(request: Request, appointment_id: str):
    """Cancelling twice is fine: the second call finds it already cancelled."""
    number = resident_for(request)
    with transaction(request.ctx.db) as db:
        row = db.execute("SELECT * FROM appointments WHERE appointment_id=? AND id_number=?",
                         (appointment_id, number)).fetchone()
        if row is None:
            raise ContractError(404, "appointment_not_found", "no such appointment for this resident")
        db.execute("UPDATE appointments SET status='cancelled' WHERE appointment_id=?", (appointment_id,))
        row = db.execute("SELECT * FROM appointments WHERE appointment_id=?", (appointment_id,)).fetchone()
        return json(appointment_view(db, row))


@halls.post("/appointments/<appointment_id>/move")
async def move(request: Request, appointment_id: str):
    """Another day or time at the same hall, for the same service. Moving to where it already
    is changes nothing (so a retry is harmless); a full slot is 409 slot_full."""
    number = resident_for(request)
    content = body(request)
    start = text_field(content, "start", 5) or ""
    day = _bookable_day(str(content.get("date", "")))
    with transaction(request.ctx.db) as db:
        row = db.execute("SELECT * FROM appointments WHERE appointment_id=? AND id_number=?",
                         (appointment_id, number)).fetchone()
        if row is None:
            raise ContractError(404, "appointment_not_found", "no such appointment for this resident")
        if row["status"] != "booked":
            raise ContractError(409, "appointment_cancelled", "a cancelled appointment cannot be moved; book anew")
        if (row["day"], row["start"]) != (day.isoformat(), start):
            slot = next((s for s in _slots(db, row["hall_id"], day) if s["start"] == start), None)
            if slot is None:
                raise ContractError(400, "invalid_slot", "no such slot on that day")
            if slot["remaining"] <= 0:
                raise ContractError(409, "slot_full", "this slot is fully booked; choose another")
            db.execute("UPDATE appointments SET day=?, start=? WHERE appointment_id=?",
                       (day.isoformat(), start, appointment_id))
            row = db.execute("SELECT * FROM appointments WHERE appointment_id=?", (appointment_id,)).fetchone()
        return json(appointment_view(db, row))
