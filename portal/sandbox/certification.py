"""The yearly pension certification (养老待遇资格认证) in the sandbox: status, the kiosk's face
check, the SMS reminder and the home visit; staff certifying in person is in
certification_staff.py, the sandbox-only records for tests and lessons in certification_admin.py.

Only two things record a certification, and both are decided here, never by the kiosk: a face
comparison that matches the resident's enrolled photo (portal/sandbox/faces.py, with the
kiosk's liveness step passed), or a staff member who confirms on the console that they saw the
resident in person with the card. Each certification is kept in `certification_records` with its
way, the kiosk, the staff account where there was one, and the time.

Frames are decoded in memory, compared and dropped: nothing of them is written or logged.
The tables are created on first use (the sandbox's database may be rebuilt at any time).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import secrets
import sqlite3
import threading
import time
from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional

import numpy as np
from sanic import Blueprint, Request, json

from common.masking import mask_phone
from portal.sandbox.db import transaction
from portal.sandbox.identity import kiosk_for, optional_kiosk, resident, resident_for
from portal.sandbox.replies import ContractError, body

certification = Blueprint("certification", url_prefix="/v1/pension/certification")

SCHEMA = """
CREATE TABLE IF NOT EXISTS certification_records (
    id INTEGER PRIMARY KEY, id_number TEXT NOT NULL, way TEXT NOT NULL, kiosk_id TEXT, staff_account TEXT,
    at REAL NOT NULL, due_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS certification_records_number ON certification_records(id_number, at);
CREATE TABLE IF NOT EXISTS certification_staff_requests (
    request_id TEXT PRIMARY KEY, id_number TEXT NOT NULL, kiosk_id TEXT NOT NULL,
    created_at REAL NOT NULL, expires_at REAL NOT NULL,
    status TEXT NOT NULL,  -- waiting | confirmed | refused | withdrawn
    decided_by TEXT, decided_at REAL
);
CREATE TABLE IF NOT EXISTS certification_face_checks (
    id INTEGER PRIMARY KEY, id_number TEXT NOT NULL, kiosk_id TEXT NOT NULL, at REAL NOT NULL,
    verdict TEXT NOT NULL, reason TEXT NOT NULL, distance REAL
);
CREATE TABLE IF NOT EXISTS certification_reminders (
    id_number TEXT PRIMARY KEY, phone TEXT NOT NULL, recipient TEXT NOT NULL, remind_on TEXT NOT NULL,
    set_at REAL NOT NULL, kiosk_id TEXT
);
CREATE TABLE IF NOT EXISTS certification_home_visits (
    visit_id TEXT PRIMARY KEY, id_number TEXT NOT NULL, kiosk_id TEXT, created_at REAL NOT NULL,
    status TEXT NOT NULL
);
"""

WAYS = [
    {"way": "kiosk_face", "title": "在自助机上刷脸认证",
     "detail": "有摄像头的自助机上，看着屏幕，照提示转一下头就能认证。"},
    {"way": "community_staff", "title": "请社区工作人员当面认证",
     "detail": "带上身份证，到社区服务中心，工作人员当面帮您办。"},
    {"way": "social_security_hall", "title": "到社保大厅认证",
     "detail": "带上身份证和社保卡，到当地社保大厅窗口办理。"},
    {"way": "home_visit", "title": "请工作人员上门认证",
     "detail": "行动不便的老人，可以请社区工作人员上门。"},
]
# Within this many days of the due date the certification is "due" (the kiosk reminds then).
DUE_SOON_DAYS = 60
VALID_DAYS = 365
REMIND_DAYS_BEFORE = 30
# Face comparisons that did not match, per resident per day; then the staff way.
FACE_NO_MATCHES_PER_DAY = 3
MAX_FRAMES = 5
MAX_FRAME_CHARS = 600_000  # base64 of a 640 x 480 JPEG is about 60-120 k characters
CHALLENGES = ("turn_left", "turn_right", "blink")
PHONE = re.compile(r"^1[3-9][0-9]{9}\Z")
_comparing = threading.Lock()  # dlib's models are used by one thread at a time


def ensure_schema(db: sqlite3.Connection) -> None:
    if db.execute("SELECT 1 FROM sqlite_master WHERE name='certification_home_visits'").fetchone() is None:
        db.executescript(SCHEMA)


def status_of(due: date, today: date) -> str:
    if due < today:
        return "overdue"
    return "due" if (due - today).days <= DUE_SOON_DAYS else "done"


def stamp(moment: Optional[float]) -> Optional[str]:
    return None if moment is None else datetime.fromtimestamp(moment).astimezone().isoformat(timespec="seconds")


def certification_reply(db: sqlite3.Connection, number: str) -> Dict[str, Any]:
    """The Certification of the contract for one resident."""
    ensure_schema(db)
    row = db.execute("SELECT last_done, due_date FROM certifications WHERE id_number=?", (number,)).fetchone()
    if row is None:
        raise ContractError(404, "not_found", "no certification record for this resident")
    last = db.execute("SELECT way FROM certification_records WHERE id_number=? ORDER BY at DESC LIMIT 1",
                      (number,)).fetchone()
    return {"status": status_of(date.fromisoformat(row["due_date"]), date.today()), "due_date": row["due_date"],
            "last_done": row["last_done"], "ways": WAYS, "last_way": last["way"] if last else None}


def record(db: sqlite3.Connection, number: str, way: str, kiosk: Optional[str], staff: Optional[str],
           now: float) -> Dict[str, Any]:
    """Certified today (inside the caller's transaction): the next one is due in a year."""
    today = date.fromtimestamp(now)
    due = (today + timedelta(days=VALID_DAYS)).isoformat()
    db.execute("INSERT OR REPLACE INTO certifications VALUES (?, ?, ?)", (number, today.isoformat(), due))
    db.execute("INSERT INTO certification_records (id_number, way, kiosk_id, staff_account, at, due_date) "
               "VALUES (?, ?, ?, ?, ?, ?)", (number, way, kiosk, staff, now, due))
    return certification_reply(db, number)


@certification.after_server_start
async def warm_up(app, _loop) -> None:
    """Load the face models in the background at start, so the first face check is quick."""
    from portal.sandbox import faces

    asyncio.get_running_loop().run_in_executor(None, faces.default_comparer)  # not awaited: start-up goes on


@certification.get("")
async def status(request: Request):
    return json(certification_reply(request.ctx.db, resident_for(request)))


# -- the face check ---------------------------------------------------------------------------

def _frames(content: Dict[str, Any]) -> List[np.ndarray]:
    from kiosk.devices.camera import decode_image

    frames = content.get("frames")
    if not isinstance(frames, list) or not 1 <= len(frames) <= MAX_FRAMES:
        raise ContractError(400, "invalid_request", f"'frames' must be a list of 1 to {MAX_FRAMES} images")
    images = []
    for frame in frames:
        if not isinstance(frame, str) or len(frame) > MAX_FRAME_CHARS:
            raise ContractError(400, "invalid_frame", "each frame is a base64 JPEG of at most 600000 characters")
        try:
            image = decode_image(base64.b64decode(frame, validate=True))
        except (binascii.Error, ValueError):
            image = None
        if image is None:
            raise ContractError(400, "invalid_frame", "a frame is not an image")
        images.append(image)
    return images


def _liveness(content: Dict[str, Any]) -> str:
    liveness = content.get("liveness")
    passed = isinstance(liveness, dict) and liveness.get("passed") is True
    if not passed or liveness.get("challenge") not in CHALLENGES:
        raise ContractError(400, "liveness_required", "send frames only from a face check whose liveness step passed")
    return str(liveness["challenge"])


def _compare(number: str, images: List[np.ndarray]):
    from portal.sandbox import faces

    with _comparing:
        return faces.verify_resident(number, images)


@certification.post("/face-checks")
async def face_check(request: Request):
    """The kiosk's frames against the resident's enrolled photo; a match is a certification."""
    number, kiosk = resident_for(request), kiosk_for(request)
    content = body(request)
    _liveness(content)
    db: sqlite3.Connection = request.ctx.db
    ensure_schema(db)
    now = time.time()
    misses = _no_matches_today(db, number, now)
    if misses >= FACE_NO_MATCHES_PER_DAY:
        raise ContractError(429, "too_many_face_checks", "no more face checks today: a staff member can certify",
                            retry_after=_until_tomorrow(now), attempts_left=0)
    images = _frames(content)
    verdict = await asyncio.get_running_loop().run_in_executor(None, _compare, number, images)
    del images  # compared; nothing of the frames is kept
    with transaction(db):
        db.execute("INSERT INTO certification_face_checks (id_number, kiosk_id, at, verdict, reason, distance) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (number, kiosk, now, verdict.verdict.value, verdict.reason,
                                                 verdict.distance))
        certified = record(db, number, "kiosk_face", kiosk, None, now) if verdict.verdict.value == "match" else None
    misses += verdict.verdict.value == "no_match"
    return json({"verdict": verdict.verdict.value, "reason": verdict.reason,
                 "attempts_left": max(0, FACE_NO_MATCHES_PER_DAY - misses), "certification": certified})


def _no_matches_today(db: sqlite3.Connection, number: str, now: float) -> int:
    midnight = datetime.combine(date.fromtimestamp(now), datetime.min.time()).timestamp()
    return int(db.execute("SELECT COUNT(*) FROM certification_face_checks WHERE id_number=? AND at>=? "
                          "AND verdict='no_match'", (number, midnight)).fetchone()[0])


def _until_tomorrow(now: float) -> int:
    tomorrow = datetime.combine(date.fromtimestamp(now) + timedelta(days=1), datetime.min.time()).timestamp()
    return max(1, int(tomorrow - now))


# -- reminders and home visits ----------------------------------------------------------------

@certification.post("/reminders")
async def remind(request: Request):
    """One SMS reminder per resident, 30 days before the next due date (the latest set wins)."""
    number, kiosk = resident_for(request), optional_kiosk(request)
    content = body(request)
    recipient = content.get("to")
    db: sqlite3.Connection = request.ctx.db
    person = resident(db, number)
    if recipient == "self":
        phone = person["phone"]
    elif recipient == "family" and isinstance(content.get("phone"), str) and PHONE.match(content["phone"]):
        phone = content["phone"]
    else:
        raise ContractError(400, "invalid_request", "'to' is self, or family with a mobile 'phone'")
    current = certification_reply(db, number)
    remind_on = max(date.fromisoformat(current["due_date"]) - timedelta(days=REMIND_DAYS_BEFORE),
                    date.today() + timedelta(days=1))
    with transaction(db):
        db.execute("INSERT OR REPLACE INTO certification_reminders VALUES (?, ?, ?, ?, ?, ?)",
                   (number, phone, recipient, remind_on.isoformat(), time.time(), kiosk))
    return json({"remind_on": remind_on.isoformat(), "masked_phone": mask_phone(phone), "to": recipient}, status=201)


@certification.post("/home-visits")
async def home_visit(request: Request):
    """Staff come to certify at home; they phone the registered number to arrange it. An open
    request is answered again rather than doubled."""
    number, kiosk = resident_for(request), kiosk_for(request)
    db: sqlite3.Connection = request.ctx.db
    ensure_schema(db)
    phone = mask_phone(resident(db, number)["phone"])
    with transaction(db):
        open_visit = db.execute("SELECT visit_id FROM certification_home_visits WHERE id_number=? "
                                "AND status='requested'", (number,)).fetchone()
        if open_visit is not None:
            return json({"visit_id": open_visit["visit_id"], "status": "requested", "masked_phone": phone,
                         "created": False})
        visit = "HV" + secrets.token_hex(5).upper()
        db.execute("INSERT INTO certification_home_visits VALUES (?, ?, ?, ?, 'requested')",
                   (visit, number, kiosk, time.time()))
    return json({"visit_id": visit, "status": "requested", "masked_phone": phone, "created": True}, status=201)
