"""Identity: verify a resident and hand out a short-lived token, as the real portal does.

Two ways to prove who you are: the name typed or spoken, or picking your own (masked) name
among four, which an older resident can do with one tap. Repeated failures pause the
identity number for a while, like the real gateway.
"""

from __future__ import annotations

import json as jsonlib
import secrets
import sqlite3
import time
from typing import List

from sanic import Blueprint, Request, json

from common import idnumber
from portal.sandbox import seed
from portal.sandbox.db import transaction
from portal.sandbox.replies import ContractError, body, text_field

TOKEN_SECONDS = 600
CHALLENGE_SECONDS = 300
MAX_FAILURES = 5
LOCK_SECONDS = 300

identity = Blueprint("identity", url_prefix="/v1/identity")


def mask_name(name: str) -> str:
    """'张桂英' -> '张*英', '王林' -> '王*'."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _valid_number(content: dict) -> str:
    number = idnumber.normalise(text_field(content, "id_number", 32) or "")
    if not idnumber.is_valid(number):
        raise ContractError(400, "invalid_id_number", "identity number format or check digit is wrong")
    return number


def _check_not_locked(db: sqlite3.Connection, number: str, now: float) -> None:
    row = db.execute("SELECT locked_until FROM identity_attempts WHERE id_number=?", (number,)).fetchone()
    if row and row["locked_until"] > now:
        wait = int(row["locked_until"] - now) + 1
        raise ContractError(429, "too_many_attempts", "too many failed attempts; try later",
                            retry_after=wait)


def _record_failure(db: sqlite3.Connection, number: str, now: float) -> None:
    with transaction(db):
        row = db.execute("SELECT failures FROM identity_attempts WHERE id_number=?", (number,)).fetchone()
        failures = (row["failures"] if row else 0) + 1
        locked_until = now + LOCK_SECONDS if failures >= MAX_FAILURES else 0.0
        db.execute(
            "INSERT OR REPLACE INTO identity_attempts VALUES (?, ?, ?)",
            (number, 0 if locked_until else failures, locked_until),
        )


def _issue_token(db: sqlite3.Connection, number: str, now: float) -> dict:
    token = secrets.token_urlsafe(24)
    with transaction(db):
        db.execute("DELETE FROM identity_attempts WHERE id_number=?", (number,))
        db.execute("DELETE FROM tokens WHERE expires_at < ?", (now,))
        db.execute("INSERT INTO tokens VALUES (?, ?, ?)", (token, number, now + TOKEN_SECONDS))
    return {"token": token, "expires_in": TOKEN_SECONDS}


def _decoys(real: str, count: int) -> List[str]:
    rng = secrets.SystemRandom()
    names = set()
    while len(names) < count:
        given = rng.choice(seed.GIVEN_FEMALE + seed.GIVEN_MALE)
        candidate = rng.choice(seed.SURNAMES) + given
        if mask_name(candidate) != mask_name(real):
            names.add(mask_name(candidate))
    return sorted(names)


@identity.post("/challenge")
async def challenge(request: Request):
    db: sqlite3.Connection = request.ctx.db
    number = _valid_number(body(request))
    now = time.time()
    _check_not_locked(db, number, now)
    row = db.execute("SELECT name FROM residents WHERE id_number=?", (number,)).fetchone()
    if row is None:
        raise ContractError(404, "resident_not_found", "no resident with this identity number")
    options = _decoys(row["name"], 3) + [mask_name(row["name"])]
    secrets.SystemRandom().shuffle(options)
    challenge_id = secrets.token_urlsafe(16)
    with transaction(db):
        db.execute("DELETE FROM challenges WHERE expires_at < ?", (now,))
        db.execute(
            "INSERT INTO challenges VALUES (?, ?, ?, ?, ?)",
            (challenge_id, number, jsonlib.dumps(options, ensure_ascii=False),
             options.index(mask_name(row["name"])), now + CHALLENGE_SECONDS),
        )
    return json({"challenge_id": challenge_id, "options": options, "expires_in": CHALLENGE_SECONDS})


@identity.post("/verify")
async def verify(request: Request):
    """Either {id_number, name} or {id_number, challenge_id, choice}."""
    db: sqlite3.Connection = request.ctx.db
    content = body(request)
    number = _valid_number(content)
    now = time.time()
    _check_not_locked(db, number, now)
    row = db.execute("SELECT name FROM residents WHERE id_number=?", (number,)).fetchone()
    if "challenge_id" in content:
        matched = _challenge_answered(db, number, content, now)
    else:
        name = "".join((text_field(content, "name", 32) or "").split())
        matched = row is not None and name == row["name"]
    if row is None or not matched:
        _record_failure(db, number, now)
        raise ContractError(401, "identity_mismatch", "identity number and name do not match")
    return json({**_issue_token(db, number, now), "masked_name": mask_name(row["name"])})


def _challenge_answered(db: sqlite3.Connection, number: str, content: dict, now: float) -> bool:
    challenge_id = text_field(content, "challenge_id", 64)
    choice = content.get("choice")
    if not isinstance(choice, int) or isinstance(choice, bool):
        raise ContractError(400, "invalid_request", "'choice' must be an integer")
    row = db.execute(
        "SELECT id_number, answer, expires_at FROM challenges WHERE challenge_id=?", (challenge_id,)
    ).fetchone()
    with transaction(db):
        db.execute("DELETE FROM challenges WHERE challenge_id=?", (challenge_id,))
    if row is None or row["expires_at"] < now or row["id_number"] != number:
        raise ContractError(400, "challenge_expired", "challenge unknown or expired; ask for a new one")
    return row["answer"] == choice


def resident_for(request: Request) -> str:
    """The identity number behind the X-Resident-Token header, or a 401."""
    token = request.headers.get("X-Resident-Token", "")
    row = request.ctx.db.execute(
        "SELECT id_number, expires_at FROM tokens WHERE token=?", (token,)
    ).fetchone()
    if row is None or row["expires_at"] < time.time():
        raise ContractError(401, "token_invalid", "resident token missing, unknown or expired")
    return row["id_number"]
