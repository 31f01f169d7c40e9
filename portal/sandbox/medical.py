"""Medical insurance (医保): personal account balance, this year's contributions, recent
reimbursements."""

from __future__ import annotations

from sanic import Blueprint, Request, json

from portal.sandbox.identity import resident_for
from portal.sandbox.replies import ContractError, cents_to_amount

medical = Blueprint("medical", url_prefix="/v1/medical")


@medical.get("/account")
async def account(request: Request):
    number = resident_for(request)
    db = request.ctx.db
    row = db.execute("SELECT balance_cents FROM medical_accounts WHERE id_number=?", (number,)).fetchone()
    if row is None:
        raise ContractError(404, "not_found", "no medical insurance account for this resident")
    contributions = db.execute(
        "SELECT month, amount_cents FROM medical_contributions WHERE id_number=? ORDER BY month",
        (number,)).fetchall()
    reimbursements = db.execute(
        "SELECT day, hospital, total_cents, reimbursed_cents, self_paid_cents FROM reimbursements "
        "WHERE id_number=? ORDER BY day DESC LIMIT 5", (number,)).fetchall()
    return json({
        "balance": cents_to_amount(row["balance_cents"]),
        "contributions": [{"month": c["month"], "amount": cents_to_amount(c["amount_cents"])}
                          for c in contributions],
        "contributions_total": cents_to_amount(sum(c["amount_cents"] for c in contributions)),
        "reimbursements": [
            {"date": r["day"], "hospital": r["hospital"], "total": cents_to_amount(r["total_cents"]),
             "reimbursed": cents_to_amount(r["reimbursed_cents"]),
             "self_paid": cents_to_amount(r["self_paid_cents"])}
            for r in reimbursements],
    })
