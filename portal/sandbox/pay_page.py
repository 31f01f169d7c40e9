"""The sandbox's pretend payment page: what a phone opens from the kiosk's QR code or from the
SMS link, with one button that "pays".

Sandbox only (under /v1/_sandbox/, outside the contract, and without the API key: a phone
has none; the order's own random token in the link is what opens it). The real portal's
link opens the payer's wallet instead. Tests decode the QR code on the kiosk's screen and
press this page's button; the practice mode of guided lessons presses it for the learner.
"""

from __future__ import annotations

import hmac
import html
import sqlite3
import time

from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sanic.response import html as html_reply
from sanic.response import json as json_reply

from portal.sandbox.db import transaction
from portal.sandbox.payment_orders import items_of, pay, status_of, what_of
from portal.sandbox.payments import masked_name_of
from portal.sandbox.replies import ContractError, cents_to_amount
from portal.sandbox.seed_family import PAYEE

pay_page = Blueprint("pay_page", url_prefix="/v1/_sandbox")

PAGE_PREFIX = "/v1/_sandbox/pay/"  # opened without the API key (app.py)
OUTCOMES = {"paid": "付款成功", "already": "这笔已经付过了，不会重复扣钱", "expired": "付款码已过期，没有扣钱",
            "cancelled": "订单已取消，没有扣钱", "unknown": "没有这个订单"}
STATUS_WORDS = {"waiting": "待付款", "paid": "已付款", "expired": "已过期", "cancelled": "已取消"}


def _page(title: str, lines: list, button: str = "") -> HTTPResponse:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return html_reply(f"<!doctype html><html lang=zh><meta charset=utf-8><title>{html.escape(title)}</title>"
                      f"<h1>{html.escape(title)}</h1>{body}{button}</html>")


def _facts(db: sqlite3.Connection, row: sqlite3.Row) -> list:
    return [f"收款单位：{PAYEE}", f"缴费人：{masked_name_of(db, row['id_number'])}",
            f"项目：{what_of(items_of(db, row['order_id']))}", f"金额：{cents_to_amount(row['amount_cents'])} 元",
            f"订单号：{row['order_id']}"]


@pay_page.get("/pay/<order_id>")
async def show(request: Request, order_id: str):
    db: sqlite3.Connection = request.ctx.db
    token = request.args.get("t", "")
    row = db.execute("SELECT * FROM payment_orders WHERE order_id=?", (order_id,)).fetchone()
    if row is None or not hmac.compare_digest(row["pay_token"].encode(), token.encode()):
        return _page("没有这个订单", ["请核对付款码。"])
    status = status_of(row, time.time())
    button = ""
    if status == "waiting":
        via = html.escape(request.args.get("via", "qr"))
        button = (f'<form method=post><input type=hidden name=t value="{html.escape(token)}">'
                  f'<input type=hidden name=via value="{via}"><button type=submit>确认付款</button></form>')
    return _page(f"缴费（{STATUS_WORDS[status]}）", _facts(db, row), button)


@pay_page.post("/pay/<order_id>")
async def press(request: Request, order_id: str):
    """The page's button: pays once; pressing again (or on another phone) pays nothing more."""
    db: sqlite3.Connection = request.ctx.db
    form = request.form or {}
    token = form.get("t") or request.args.get("t", "")
    channel = "sms" if form.get("via") == "sms" else "qr"
    outcome, row = pay(db, order_id, token, channel, time.time())
    return _page(OUTCOMES[outcome], _facts(db, row) if outcome != "unknown" else [])


@pay_page.post("/orders/<order_id>/expire")
async def expire(request: Request, order_id: str):
    """Let an order run out now (tests, and lessons that show what an expired code says)."""
    db: sqlite3.Connection = request.ctx.db
    with transaction(db):
        changed = db.execute("UPDATE payment_orders SET expires_at=? WHERE order_id=? AND status='waiting'",
                             (time.time() - 1, order_id)).rowcount
    if not changed:
        raise ContractError(404, "order_not_found", "no waiting order with this id")
    return json_reply({"order_id": order_id, "status": "expired"})
