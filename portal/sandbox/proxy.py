"""A relative acting for an elder (代办): what their token may do, checked on every request,
and the record of everything they did, for the elder to hear later.

A proxy token stands in the `tokens` table for the elder (so the services find the elder's
records as usual) and in `proxy_tokens` with the authorisation it came from. Every request
carrying one passes `guard` first (app.py's middleware): the authorisation must still be
active and in date, and the route must be one its scopes allow. Anything not listed below is
refused (403 proxy_not_allowed), so a route added later is closed to proxies until someone
decides otherwise: a relative can never record a certification, book, report or authorise
in the elder's name. Queries are logged as they are made; a payment when it is paid.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import date
from typing import Dict, FrozenSet, Optional, Tuple

from sanic import Request
from sanic.response import HTTPResponse

from portal.sandbox.replies import error_reply

SCOPES = ("query", "certification_reminder", "payment")


@dataclass(frozen=True)
class Allowed:
    scopes: FrozenSet[str]
    log: str = ""  # what the elder is told was done ("查了养老金"); "" for no log line here


_QUERY, _PAY = frozenset({"query"}), frozenset({"payment"})
ALLOWED: Dict[Tuple[str, str], Allowed] = {
    ("GET", "/v1/pension/payments"): Allowed(_QUERY, "查了养老金"),
    ("GET", "/v1/medical/account"): Allowed(_QUERY, "查了医保"),
    ("GET", "/v1/pension/certification"): Allowed(frozenset({"query", "certification_reminder"}), "查了养老资格认证"),
    ("GET", "/v1/appointments"): Allowed(_QUERY, "查了预约"),
    ("GET", "/v1/payments/dues"): Allowed(frozenset({"query", "payment"}), "查了要交的保费"),
    ("POST", "/v1/payments/orders"): Allowed(_PAY),
    ("GET", "/v1/payments/orders/{}"): Allowed(_PAY),
    ("POST", "/v1/payments/orders/{}/cancel"): Allowed(_PAY),
    ("POST", "/v1/payments/orders/{}/pay-link"): Allowed(_PAY),
    ("POST", "/v1/payments/lookups"): Allowed(_PAY),
    ("GET", "/v1/payments/lookups/{}/dues"): Allowed(_PAY),
}


def _route(request: Request) -> str:
    path = request.route.path if request.route else request.path.lstrip("/")
    return "/" + re.sub(r"<[^>]+>", "{}", path)


def proxy_row(db: sqlite3.Connection, token: str) -> Optional[sqlite3.Row]:
    return db.execute(
        "SELECT p.token, p.expires_at, a.* FROM proxy_tokens p JOIN authorisations a "
        "ON a.authorisation_id=p.authorisation_id WHERE p.token=?", (token,)).fetchone()


def is_live(row: sqlite3.Row, now: float) -> bool:
    return (row["status"] == "active" and row["expires_at"] > now
            and bool(row["valid_until"]) and date.fromisoformat(row["valid_until"]) >= date.today())


def guard(request: Request) -> Optional[HTTPResponse]:
    """None for a request without a proxy token, or one its authorisation allows (then
    `request.ctx.proxy` is the authorisation); else the refusal."""
    token = request.headers.get("X-Resident-Token", "")
    if not token or request.path.startswith("/v1/_sandbox/"):
        return None
    db: sqlite3.Connection = request.ctx.db
    row = proxy_row(db, token)
    if row is None:
        return None
    now = time.time()
    if not is_live(row, now):
        return error_reply(401, "token_invalid", "the authorisation behind this token has ended")
    allowed = ALLOWED.get((request.method, _route(request)))
    if allowed is None or not allowed.scopes & set(row["scopes"].split(",")):
        return error_reply(403, "proxy_not_allowed", "the resident has not authorised this")
    request.ctx.proxy = dict(row)
    if allowed.log:
        record(db, row["authorisation_id"], _route(request), allowed.log, request.headers.get("X-Kiosk-Id", ""), now)
    return None


def authorisation_of(request: Request) -> Optional[dict]:
    """The authorisation a proxy request acts under (after `guard`), else None."""
    return getattr(request.ctx, "proxy", None)


def record(db: sqlite3.Connection, authorisation_id: str, action: str, detail: str, kiosk: str, now: float) -> None:
    """One line of the elder's record of what their relative did."""
    row = db.execute("SELECT principal, agent FROM authorisations WHERE authorisation_id=?",
                     (authorisation_id,)).fetchone()
    if row is not None:
        db.execute("INSERT INTO proxy_log (authorisation_id, principal, agent, action, detail, at, kiosk_id, told_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                   (authorisation_id, row["principal"], row["agent"], action, detail, now, kiosk or "unknown"))


def end_tokens(db: sqlite3.Connection, authorisation_id: str) -> None:
    """A withdrawn or replaced authorisation's tokens stop working at once."""
    db.execute("DELETE FROM tokens WHERE token IN (SELECT token FROM proxy_tokens WHERE authorisation_id=?)",
               (authorisation_id,))
    db.execute("DELETE FROM proxy_tokens WHERE authorisation_id=?", (authorisation_id,))
