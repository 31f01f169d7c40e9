"""Families: the household a resident is registered with, and authorisations (代办): an elder
lets a relative act for them, within scopes, for a time.

Both must be verified. The elder asks with their own token; the relative proves it is them
with a one-time code sent to their own registered phone, typed at the same kiosk: only then
is the authorisation active (and it replaces an older one for the same relative). The
elder sees and withdraws theirs; the relative sees whom they may act for and takes a proxy
token for one of them (portal/sandbox/proxy.py checks it on every request). Everything a
relative does is in the elder's proxy log until the elder has been told.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from datetime import date, datetime, timedelta
from typing import Any, Dict, List

from sanic import Blueprint, Request, json

from common.names import mask_name
from portal.sandbox import limits, proxy, sms_gateway
from portal.sandbox.db import transaction
from portal.sandbox.identity import kiosk_for, resident, resident_for, valid_number
from portal.sandbox.limits import CODE_SECONDS, FAILURES_PER_CODE, HOUR, TOKEN_SECONDS, Limit
from portal.sandbox.pension import certification_status
from portal.sandbox.replies import ContractError, body, text_field

family = Blueprint("family", url_prefix="/v1/family")

RELATIONSHIPS = ("儿子", "女儿", "老伴", "孙子", "孙女", "外孙", "外孙女", "儿媳", "女婿", "其他亲属")
SCOPE_NAMES = {"query": "查询", "certification_reminder": "认证提醒", "payment": "缴费"}
LONGEST_DAYS = 3 * 365
GRANTS_PER_NUMBER = Limit("grant", "number", 5, HOUR, "too_many_grants")
GRANTS_PER_KIOSK = Limit("grant", "kiosk", 20, HOUR, "kiosk_limit")
CODE_TEXT = ("【赣州市政务服务】{elder}要授权您帮他（她）办事：{scopes}，{days}天。验证码{code}，{minutes}分钟内有效。"
             "不是您家里人让您办的，请不要告诉别人。")
REMINDER_TEXT = "【赣州市政务服务】您的家人{elder}的养老资格认证{when}，请提醒他（她）在{due}前认证。"


def _code_hash(authorisation_id: str, code: str) -> str:
    return hashlib.sha256(f"{authorisation_id}:{code}".encode("ascii")).hexdigest()


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment).astimezone().isoformat(timespec="seconds")


def authorisation_view(db: sqlite3.Connection, row: sqlite3.Row, mine: bool = True) -> Dict[str, Any]:
    """As the elder sees it (`mine`: the relative's masked name) or as the relative does."""
    other = resident(db, row["agent"] if mine else row["principal"])
    return {"authorisation_id": row["authorisation_id"], "masked_name": mask_name(other["name"]) if other else "",
            "relationship": row["relationship"], "scopes": row["scopes"].split(","), "days": row["days"],
            "valid_until": row["valid_until"], "status": row["status"]}


@family.get("/members")
async def members(request: Request):
    """The resident's household, each behind an opaque id (for paying for them)."""
    db: sqlite3.Connection = request.ctx.db
    number = resident_for(request)
    rows = db.execute("SELECT f.member_id, f.relationship, r.name FROM family_members f JOIN residents r "
                      "ON r.id_number=f.member_id_number WHERE f.id_number=? ORDER BY f.member_id", (number,))
    return json({"members": [{"member_id": row["member_id"], "masked_name": mask_name(row["name"]),
                              "relationship": row["relationship"]} for row in rows]})


def _scopes(content: Dict[str, Any]) -> List[str]:
    scopes = content.get("scopes")
    if not isinstance(scopes, list) or not scopes or not set(scopes) <= set(proxy.SCOPES):
        raise ContractError(400, "invalid_scopes", f"scopes: some of {', '.join(proxy.SCOPES)}")
    return [scope for scope in proxy.SCOPES if scope in scopes]


def _days(content: Dict[str, Any]) -> int:
    days = content.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= LONGEST_DAYS:
        raise ContractError(400, "invalid_days", f"days: 1 to {LONGEST_DAYS}")
    return days


@family.post("/authorisations")
async def authorise(request: Request):
    """The elder names the relative; a code goes to the relative's phone (pending until typed)."""
    db: sqlite3.Connection = request.ctx.db
    kiosk, principal = kiosk_for(request), resident_for(request)
    content = body(request)
    agent = valid_number({"id_number": content.get("agent_id_number")})
    relationship = text_field(content, "relationship", 8) or ""
    if relationship not in RELATIONSHIPS:
        raise ContractError(400, "invalid_relationship", f"relationship: one of {', '.join(RELATIONSHIPS)}")
    scopes, days, now = _scopes(content), _days(content), time.time()
    if agent == principal:
        raise ContractError(400, "agent_is_principal", "a resident cannot authorise themselves")
    with transaction(db):
        limits.check(db, (GRANTS_PER_KIOSK, GRANTS_PER_NUMBER), principal, kiosk, now)
        limits.record(db, "grant", principal, kiosk, now)
        relative, elder = resident(db, agent), resident(db, principal)
        if relative is None:
            raise ContractError(404, "agent_not_found", "no resident has this number")
        method = db.execute("SELECT method FROM tokens WHERE token=?",
                            (request.headers.get("X-Resident-Token", ""),)).fetchone()["method"]
        code, authorisation_id = f"{secrets.randbelow(10 ** 6):06d}", "G" + secrets.token_hex(6).upper()
        db.execute("INSERT INTO authorisations VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, NULL, 'pending', ?, ?, ?, ?, 0, NULL, NULL)",
                   (authorisation_id, principal, agent, relationship, ",".join(scopes), days, now, kiosk, method,
                    _code_hash(authorisation_id, code), now + CODE_SECONDS))
        text = CODE_TEXT.format(elder=mask_name(elder["name"]), scopes="、".join(SCOPE_NAMES[s] for s in scopes),
                                days=days, code=code, minutes=CODE_SECONDS // 60)
        sms_gateway.send(db, relative["phone"], text, "authorisation_code", now, code)
        row = db.execute("SELECT * FROM authorisations WHERE authorisation_id=?", (authorisation_id,)).fetchone()
        return json(dict(authorisation_view(db, row), code_expires_in=CODE_SECONDS), status=201)


def _granted(db: sqlite3.Connection, authorisation_id: str, principal: str) -> sqlite3.Row:
    row = db.execute("SELECT * FROM authorisations WHERE authorisation_id=? AND principal=?",
                     (authorisation_id, principal)).fetchone()
    if row is None:
        raise ContractError(404, "authorisation_not_found", "no such authorisation of this resident")
    return row


@family.post("/authorisations/<authorisation_id>/confirm")
async def confirm(request: Request, authorisation_id: str):
    """The relative's code, typed at the kiosk: the authorisation is active from now."""
    db: sqlite3.Connection = request.ctx.db
    kiosk, principal = kiosk_for(request), resident_for(request)
    code = str(body(request).get("code") or "")
    now, void, failures = time.time(), False, 0
    with transaction(db):
        limits.check(db, (limits.FAILURES_PER_KIOSK,), principal, kiosk, now)
        row = _granted(db, authorisation_id, principal)
        if row["status"] == "active":
            return json(authorisation_view(db, row))
        if row["status"] != "pending":
            raise ContractError(409, "authorisation_closed", "this authorisation was withdrawn or voided")
        right = (row["code_expires_at"] > now
                 and hmac.compare_digest(row["code_hash"], _code_hash(authorisation_id, code)))
        if not right:
            failures = row["code_failures"] + 1
            limits.record(db, "failure", principal, kiosk, now)
            void = failures >= FAILURES_PER_CODE
            db.execute("UPDATE authorisations SET code_failures=?, status=? WHERE authorisation_id=?",
                       (failures, "void" if void else "pending", authorisation_id))
        else:
            _activate(db, row, now)
    if not right and void:
        raise ContractError(429, "too_many_attempts", "too many wrong codes; ask again", retry_after=60,
                            attempts_left=0)
    if not right:
        raise ContractError(401, "identity_mismatch", "the code does not match",
                            attempts_left=FAILURES_PER_CODE - failures)
    return json(authorisation_view(db, _granted(db, authorisation_id, principal)))


def _activate(db: sqlite3.Connection, row: sqlite3.Row, now: float) -> None:
    today = date.today()
    for older in db.execute("SELECT authorisation_id FROM authorisations WHERE principal=? AND agent=? AND "
                            "status='active'", (row["principal"], row["agent"])).fetchall():
        db.execute("UPDATE authorisations SET status='withdrawn', withdrawn_at=? WHERE authorisation_id=?",
                   (now, older["authorisation_id"]))
        proxy.end_tokens(db, older["authorisation_id"])
    db.execute("UPDATE authorisations SET status='active', confirmed_at=?, valid_until=?, code_hash='' "
               "WHERE authorisation_id=?", (now, (today + timedelta(days=row["days"])).isoformat(),
                                            row["authorisation_id"]))
    due = db.execute("SELECT due_date FROM certifications WHERE id_number=?", (row["principal"],)).fetchone()
    if "certification_reminder" in row["scopes"].split(",") and due is not None:
        status = certification_status(date.fromisoformat(due["due_date"]), today)
        if status != "done":
            elder, relative = resident(db, row["principal"]), resident(db, row["agent"])
            sms_gateway.send(db, relative["phone"], REMINDER_TEXT.format(
                elder=mask_name(elder["name"]), when="快到期了" if status == "due" else "已经过期了",
                due=due["due_date"]), "certification_reminder", now)


@family.get("/authorisations")
async def granted(request: Request):
    """What the resident has authorised (active, or waiting for the relative's code)."""
    db: sqlite3.Connection = request.ctx.db
    principal, now = resident_for(request), time.time()
    rows = db.execute("SELECT * FROM authorisations WHERE principal=? AND ((status='active' AND valid_until>=?) OR "
                      "(status='pending' AND code_expires_at>?)) ORDER BY created_at",
                      (principal, date.today().isoformat(), now)).fetchall()
    return json({"authorisations": [authorisation_view(db, row) for row in rows]})


@family.delete("/authorisations/<authorisation_id>")
async def withdraw(request: Request, authorisation_id: str):
    """Withdrawn at once, tokens and all; withdrawing twice is harmless."""
    db: sqlite3.Connection = request.ctx.db
    principal = resident_for(request)
    with transaction(db):
        row = _granted(db, authorisation_id, principal)
        if row["status"] in ("active", "pending"):
            db.execute("UPDATE authorisations SET status='withdrawn', withdrawn_at=? WHERE authorisation_id=?",
                       (time.time(), authorisation_id))
        proxy.end_tokens(db, authorisation_id)
        return json(authorisation_view(db, _granted(db, authorisation_id, principal)))


@family.get("/principals")
async def principals(request: Request):
    """The elders who have authorised this (verified) relative, and for what."""
    db: sqlite3.Connection = request.ctx.db
    agent = resident_for(request)
    rows = db.execute("SELECT * FROM authorisations WHERE agent=? AND status='active' AND valid_until>=? "
                      "ORDER BY confirmed_at", (agent, date.today().isoformat())).fetchall()
    return json({"principals": [authorisation_view(db, row, mine=False) for row in rows]})


@family.post("/proxy-tokens")
async def proxy_token(request: Request):
    """A token to act for one of them, within that authorisation (recorded, 10 minutes)."""
    db: sqlite3.Connection = request.ctx.db
    kiosk, agent = kiosk_for(request), resident_for(request)
    authorisation_id = text_field(body(request), "authorisation_id", 20) or ""
    now = time.time()
    with transaction(db):
        row = db.execute("SELECT * FROM authorisations WHERE authorisation_id=? AND agent=? AND status='active' "
                         "AND valid_until>=?", (authorisation_id, agent, date.today().isoformat())).fetchone()
        if row is None:
            raise ContractError(404, "authorisation_not_found", "no active authorisation for this resident")
        token = secrets.token_urlsafe(24)
        db.execute("INSERT INTO tokens VALUES (?, ?, ?, 'proxy', ?, NULL)", (token, row["principal"],
                                                                              now + TOKEN_SECONDS, kiosk))
        db.execute("INSERT INTO proxy_tokens VALUES (?, ?, ?, ?)",
                   (token, authorisation_id, agent, now + TOKEN_SECONDS))
        return json(dict(authorisation_view(db, row, mine=False), token=token, expires_in=TOKEN_SECONDS), status=201)


@family.get("/proxy-log")
async def proxy_log(request: Request):
    """What relatives did for the resident (?untold=true: only what they have not been told)."""
    db: sqlite3.Connection = request.ctx.db
    principal = resident_for(request)
    untold = " AND l.told_at IS NULL" if request.args.get("untold") == "true" else ""
    rows = db.execute("SELECT l.*, a.relationship FROM proxy_log l JOIN authorisations a ON "
                      f"a.authorisation_id=l.authorisation_id WHERE l.principal=?{untold} ORDER BY l.at LIMIT 50",
                      (principal,)).fetchall()
    return json({"actions": [{"id": row["id"], "at": _stamp(row["at"]), "relationship": row["relationship"],
                              "masked_name": mask_name(resident(db, row["agent"])["name"]), "detail": row["detail"],
                              "told": row["told_at"] is not None} for row in rows]})


@family.post("/proxy-log/told")
async def told(request: Request):
    """The kiosk read these out to the resident: they are not told again."""
    db: sqlite3.Connection = request.ctx.db
    principal = resident_for(request)
    ids = body(request).get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ContractError(400, "invalid_request", "'ids' must be a list of numbers")
    with transaction(db):
        for entry in ids[:50]:
            db.execute("UPDATE proxy_log SET told_at=? WHERE id=? AND principal=? AND told_at IS NULL",
                       (time.time(), entry, principal))
    return json({"told": len(ids[:50])})
