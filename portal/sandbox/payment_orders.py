"""Payment orders: made after the payer's consent, paid by QR code or a link sent by SMS,
followed by the kiosk that made them, paid exactly once.

Why it is built this way:
- Nothing is charged without consent: an order needs `"consent": true`, which the kiosk sends
  only after the payer heard and saw what, how much and to whom, and said yes.
- Paid exactly once: a due can be paid once, ever (`payments` has the due as its key), and
  paying is one transaction that moves an order from waiting to paid, so ten phones paying
  at the same moment make one payment. A new order for the same dues replaces a waiting one
  (its code no longer pays), so two live codes for one due never exist.
- An order lives 15 minutes (a code on a screen); sending the link by SMS gives it 24 hours
  (a relative far away pays later). An order past its time is `expired` and pays nothing.
- Only the kiosk that made an order reads, cancels or sends it on (404 for any other).
- Retries: the same Idempotency-Key with the same request returns the same order; with
  another request it is 409 idempotency_conflict.
"""

from __future__ import annotations

import hashlib
import json as jsonlib
import re
import secrets
import sqlite3
import time
from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple

from sanic import Blueprint, Request, json

from common.masking import mask_phone
from portal.sandbox import limits, proxy, sms_gateway
from portal.sandbox.db import transaction
from portal.sandbox.hotline import valid_phone
from portal.sandbox.identity import kiosk_for, resident_for, token_owner
from portal.sandbox.limits import HOUR, MINUTE, Limit
from portal.sandbox.payments import lookup_number, masked_name_of, member_number
from portal.sandbox.replies import ContractError, body, cents_to_amount, text_field
from portal.sandbox.seed_family import KINDS, PAYEE

payment_orders = Blueprint("payment_orders", url_prefix="/v1/payments")

KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
ORDER_SECONDS = 15 * MINUTE
LINK_SECONDS = 24 * HOUR
LINKS_PER_ORDER = Limit("pay_link", "number", 3, HOUR, "too_many_links")
LINKS_PER_KIOSK = Limit("pay_link", "kiosk", 10, HOUR, "kiosk_limit")
LINK_TEXT = ("【赣州市政务服务】{name}的{what}共{amount}元待缴，收款单位{payee}。"
             "请打开链接付款：{url} 24小时内有效。不是您家里人让您交的，请不要付款。")
PAID_TEXT = "【赣州市政务服务】您的{what}共{amount}元已缴费成功。如有疑问请拨打12345。"


def status_of(row: sqlite3.Row, now: float) -> str:
    if row["status"] == "waiting" and row["expires_at"] <= now:
        return "expired"
    return row["status"]


def items_of(db: sqlite3.Connection, order_id: str) -> List[sqlite3.Row]:
    return db.execute("SELECT d.* FROM payment_order_dues o JOIN contribution_dues d ON d.due_id=o.due_id "
                      "WHERE o.order_id=? ORDER BY d.year DESC, d.kind", (order_id,)).fetchall()


def what_of(items: List[sqlite3.Row]) -> str:
    return "、".join(f"{item['year']}年{KINDS[item['kind']]}" for item in items)


def pay_url(request: Request, row: sqlite3.Row) -> str:
    return f"{request.scheme}://{request.host}/v1/_sandbox/pay/{row['order_id']}?t={row['pay_token']}"


def _stamp(moment: Optional[float]) -> Optional[str]:
    return datetime.fromtimestamp(moment).astimezone().isoformat(timespec="seconds") if moment else None


def order_view(request: Request, db: sqlite3.Connection, row: sqlite3.Row) -> Dict[str, Any]:
    now = time.time()
    status = status_of(row, now)
    return {"order_id": row["order_id"], "status": status, "amount": cents_to_amount(row["amount_cents"]),
            "payee": PAYEE, "masked_name": masked_name_of(db, row["id_number"]),
            "items": [{"due_id": item["due_id"], "kind": item["kind"], "title": KINDS[item["kind"]],
                       "year": item["year"], "amount": cents_to_amount(item["amount_cents"])}
                      for item in items_of(db, row["order_id"])],
            "pay_url": pay_url(request, row), "expires_in": max(0, int(row["expires_at"] - now)),
            "created_at": _stamp(row["created_at"]), "paid_at": _stamp(row["paid_at"])}


def _order(db: sqlite3.Connection, order_id: str, kiosk: str) -> sqlite3.Row:
    row = db.execute("SELECT * FROM payment_orders WHERE order_id=?", (order_id,)).fetchone()
    if row is None or row["kiosk_id"] != kiosk:
        raise ContractError(404, "order_not_found", "no such order from this kiosk")
    return row


def _whose(request: Request, db: sqlite3.Connection, content: Dict[str, Any], kiosk: str,
           now: float) -> Tuple[str, str, Optional[str], Optional[str]]:
    """(whose number, payer kind, verified payer's number, authorisation) of an order request."""
    kind = content.get("for")
    authorisation = proxy.authorisation_of(request)
    if kind == "other":
        lookup = text_field(content, "lookup_id", 40) or ""
        payer = authorisation["agent"] if authorisation is not None else token_owner(request)
        return lookup_number(db, lookup, kiosk, now), "other", payer, None
    if authorisation is not None and kind != "self":
        raise ContractError(403, "proxy_not_allowed", "acting for a resident covers their own contributions only")
    number = resident_for(request)
    if kind == "self":
        if authorisation is not None:  # a relative acting for the resident, within "payment"
            return number, "proxy", authorisation["agent"], authorisation["authorisation_id"]
        return number, "self", number, None
    if kind == "member":
        return member_number(db, number, text_field(content, "member_id", 40) or ""), "member", number, None
    raise ContractError(400, "invalid_request", "'for' must be self, member or other")


def _due_ids(content: Dict[str, Any]) -> List[str]:
    ids = content.get("due_ids")
    if not isinstance(ids, list) or not ids or len(ids) > 4 or not all(isinstance(i, str) and i for i in ids):
        raise ContractError(400, "invalid_request", "'due_ids' must list 1-4 dues")
    return sorted(set(ids))


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(jsonlib.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@payment_orders.post("/orders")
async def create_order(request: Request):
    db: sqlite3.Connection = request.ctx.db
    kiosk = kiosk_for(request)
    key = request.headers.get("Idempotency-Key", "")
    if not KEY.match(key):
        raise ContractError(400, "missing_idempotency_key", "an Idempotency-Key header of 8-64 characters is required")
    content = body(request)
    if content.get("consent") is not True:
        raise ContractError(400, "consent_required", "an order needs the payer's consent, given at the kiosk")
    due_ids, now = _due_ids(content), time.time()
    with transaction(db):
        number, payer, payer_number, authorisation = _whose(request, db, content, kiosk, now)
        fingerprint = _fingerprint(number, payer, payer_number, due_ids)
        same = db.execute("SELECT * FROM payment_orders WHERE idempotency_key=?", (key,)).fetchone()
        if same is not None:
            if same["request_hash"] != fingerprint:
                raise ContractError(409, "idempotency_conflict", "this key was used for another order")
            return json(order_view(request, db, same))
        dues = [db.execute("SELECT * FROM contribution_dues WHERE due_id=? AND id_number=?", (due, number)).fetchone()
                for due in due_ids]
        if any(due is None for due in dues):
            raise ContractError(400, "invalid_due", "a due is not this person's")
        if any(due["paid_on"] for due in dues):
            raise ContractError(409, "already_paid", "this contribution has been paid already")
        _replace_waiting(db, due_ids, now)
        order_id = "P" + secrets.token_hex(6).upper()
        db.execute("INSERT INTO payment_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', NULL, NULL)",
                   (order_id, key, fingerprint, number, payer, payer_number, authorisation,
                    sum(due["amount_cents"] for due in dues), kiosk, secrets.token_urlsafe(16), now, now,
                    now + ORDER_SECONDS))
        db.executemany("INSERT INTO payment_order_dues VALUES (?, ?)", [(order_id, due) for due in due_ids])
        row = db.execute("SELECT * FROM payment_orders WHERE order_id=?", (order_id,)).fetchone()
        return json(order_view(request, db, row), status=201)


def _replace_waiting(db: sqlite3.Connection, due_ids: List[str], now: float) -> None:
    """A new order for a due cancels a waiting one: never two live codes for one due."""
    marks = ",".join("?" * len(due_ids))
    db.execute(f"UPDATE payment_orders SET status='cancelled', cancelled_reason='replaced' WHERE status='waiting' "
               f"AND order_id IN (SELECT order_id FROM payment_order_dues WHERE due_id IN ({marks}))", due_ids)


@payment_orders.get("/orders/<order_id>")
async def one_order(request: Request, order_id: str):
    db: sqlite3.Connection = request.ctx.db
    return json(order_view(request, db, _order(db, order_id, kiosk_for(request))))


@payment_orders.post("/orders/<order_id>/cancel")
async def cancel_order(request: Request, order_id: str):
    """The payer changed their mind. Cancelling twice, or an expired order, changes nothing."""
    db: sqlite3.Connection = request.ctx.db
    kiosk = kiosk_for(request)
    with transaction(db):
        row = _order(db, order_id, kiosk)
        if row["status"] == "paid":
            raise ContractError(409, "already_paid", "this order has been paid; it cannot be cancelled here")
        if status_of(row, time.time()) == "waiting":
            db.execute("UPDATE payment_orders SET status='cancelled', cancelled_reason='payer' WHERE order_id=?",
                       (order_id,))
        row = _order(db, order_id, kiosk)
        return json(order_view(request, db, row))


@payment_orders.post("/orders/<order_id>/pay-link")
async def send_pay_link(request: Request, order_id: str):
    """The order's link by SMS to a relative's phone; the order then waits 24 hours."""
    db: sqlite3.Connection = request.ctx.db
    kiosk = kiosk_for(request)
    phone = valid_phone(text_field(body(request), "phone", 11) or "")
    now = time.time()
    with transaction(db):
        row = _order(db, order_id, kiosk)
        if status_of(row, now) != "waiting":
            raise ContractError(409, "order_closed", "this order is paid, cancelled or expired")
        limits.check(db, (LINKS_PER_KIOSK, LINKS_PER_ORDER), order_id, kiosk, now)
        limits.record(db, "pay_link", order_id, kiosk, now)
        db.execute("UPDATE payment_orders SET expires_at=? WHERE order_id=?", (now + LINK_SECONDS, order_id))
        row = _order(db, order_id, kiosk)
        items = items_of(db, order_id)
        text = LINK_TEXT.format(name=masked_name_of(db, row["id_number"]), what=what_of(items),
                                amount=cents_to_amount(row["amount_cents"]), payee=PAYEE,
                                url=pay_url(request, row) + "&via=sms")
        sms_gateway.send(db, phone, text, "payment_link", now)
    return json({"masked_phone": mask_phone(phone), "expires_in": LINK_SECONDS}, status=202)


def pay(db: sqlite3.Connection, order_id: str, token: str, channel: str, now: float) -> Tuple[str, sqlite3.Row]:
    """Pay an order (the payment page's button). ('paid', row) the first time; ('already', row)
    after; ('expired' | 'cancelled' | 'unknown', row) when it cannot be paid. One transaction:
    however many phones press at once, one payment is made."""
    with transaction(db):
        row = db.execute("SELECT * FROM payment_orders WHERE order_id=?", (order_id,)).fetchone()
        if row is None or not secrets.compare_digest(row["pay_token"].encode(), token.encode()):
            return "unknown", row
        status = status_of(row, now)
        if status != "waiting":
            return ("already" if status == "paid" else status), row
        items = items_of(db, order_id)
        for item in items:
            db.execute("INSERT INTO payments VALUES (?, ?, ?, ?, ?)",
                       (item["due_id"], order_id, item["amount_cents"], now, channel))
            db.execute("UPDATE contribution_dues SET paid_on=?, paid_order=? WHERE due_id=?",
                       (datetime.fromtimestamp(now).date().isoformat(), order_id, item["due_id"]))
        db.execute("UPDATE payment_orders SET status='paid', paid_at=? WHERE order_id=?", (now, order_id))
        amount = cents_to_amount(row["amount_cents"])
        if row["authorisation_id"]:
            proxy.record(db, row["authorisation_id"], "payment", f"交了{what_of(items)}{amount}元", row["kiosk_id"],
                         now)
        person = db.execute("SELECT phone FROM residents WHERE id_number=?", (row["id_number"],)).fetchone()
        if person is not None:
            sms_gateway.send(db, person["phone"], PAID_TEXT.format(what=what_of(items), amount=amount),
                             "payment_receipt", now)
        return "paid", db.execute("SELECT * FROM payment_orders WHERE order_id=?", (order_id,)).fetchone()
