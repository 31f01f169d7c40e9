"""Pension (养老金): monthly payments for the verified resident."""

from __future__ import annotations

from datetime import date, timedelta

from sanic import Blueprint, Request, json

from portal.sandbox.db import transaction
from portal.sandbox.identity import resident_for
from portal.sandbox.replies import ContractError, cents_to_amount

pension = Blueprint("pension", url_prefix="/v1/pension")


@pension.get("/payments")
async def payments(request: Request):
    number = resident_for(request)
    raw = request.args.get("months", "3")
    if not raw.isdigit() or not 1 <= int(raw) <= 12:
        raise ContractError(400, "invalid_request", "'months' must be 1 to 12")
    rows = request.ctx.db.execute(
        "SELECT month, amount_cents, paid_on, status FROM pension_payments "
        "WHERE id_number=? ORDER BY month DESC LIMIT ?",
        (number, int(raw)),
    ).fetchall()
    return json({
        "payments": [
            {"month": row["month"], "amount": cents_to_amount(row["amount_cents"]),
             "paid_on": row["paid_on"] or None, "status": row["status"]}
            for row in rows
        ]
    })


CERTIFICATION_WAYS = [
    {"way": "kiosk_face_check", "title": "在自助机上刷脸认证",
     "detail": "在社区服务中心的这台机器上，看着屏幕上的摄像头就能认证。"},
    {"way": "community_centre", "title": "到社区服务中心认证",
     "detail": "带上身份证，社区工作人员帮您办。"},
    {"way": "social_security_hall", "title": "到社保大厅认证",
     "detail": "带上身份证和社保卡，到当地社保大厅窗口办理。"},
    {"way": "home_visit", "title": "请工作人员上门认证",
     "detail": "行动不便的老人，可以请社区工作人员上门。"},
]
DUE_SOON_DAYS = 30


def certification_status(due_date: date, today: date) -> str:
    if due_date < today:
        return "overdue"
    return "due" if (due_date - today).days <= DUE_SOON_DAYS else "done"


def _certification_reply(row) -> dict:
    due = date.fromisoformat(row["due_date"])
    return {"status": certification_status(due, date.today()), "due_date": row["due_date"],
            "last_done": row["last_done"], "ways": CERTIFICATION_WAYS}


@pension.get("/certification")
async def certification(request: Request):
    number = resident_for(request)
    row = request.ctx.db.execute("SELECT last_done, due_date FROM certifications WHERE id_number=?",
                                 (number,)).fetchone()
    if row is None:
        raise ContractError(404, "not_found", "no certification record for this resident")
    return json(_certification_reply(row))


@pension.post("/certification")
async def certify(request: Request):
    """Record a certification done today (e.g. the kiosk's face check). Idempotent by nature:
    doing it twice on one day changes nothing."""
    number = resident_for(request)
    today = date.today()
    with transaction(request.ctx.db) as db:
        db.execute("INSERT OR REPLACE INTO certifications VALUES (?, ?, ?)",
                   (number, today.isoformat(), (today + timedelta(days=365)).isoformat()))
        row = db.execute("SELECT last_done, due_date FROM certifications WHERE id_number=?",
                         (number,)).fetchone()
    return json(_certification_reply(row))
