"""Pension (养老金): monthly payments for the verified resident, and the yearly certification
(养老待遇资格认证: portal/sandbox/certification.py and certification_staff.py), served as one group."""

from __future__ import annotations

from sanic import Blueprint, Request, json

from portal.sandbox.certification import certification
from portal.sandbox.certification import status_of as certification_status  # noqa: F401  (family.py reads it here)
from portal.sandbox.certification_admin import certification_admin
from portal.sandbox.certification_staff import certification_staff
from portal.sandbox.identity import resident_for
from portal.sandbox.replies import ContractError, cents_to_amount

payments_routes = Blueprint("pension", url_prefix="/v1/pension")


@payments_routes.get("/payments")
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


# Registered by the sandbox app as one: payments, the certification, staff certifying in person,
# and the sandbox-only certification records.
pension = Blueprint.group(payments_routes, certification, certification_staff, certification_admin)
