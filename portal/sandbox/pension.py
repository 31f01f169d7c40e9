"""Pension (养老金): monthly payments for the verified resident."""

from __future__ import annotations

from sanic import Blueprint, Request, json

from portal.sandbox.identity import resident_for
from portal.sandbox.replies import ContractError

pension = Blueprint("pension", url_prefix="/v1/pension")


def cents_to_amount(cents: int) -> str:
    """Money travels as a decimal string ('3215.60'), never as a float."""
    return f"{cents // 100}.{cents % 100:02d}"


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
