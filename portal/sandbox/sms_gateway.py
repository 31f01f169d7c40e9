"""The sandbox's pretend SMS gateway: every message it "sends" is a row in `sms_messages`.

Tests, demos and the practice mode of guided lessons have no phones, so they read the code
where a phone would have shown it: `GET /v1/_sandbox/sms?phone=…` or `?id_number=…` (a
sandbox-only route, like the other /v1/_sandbox/* switches; the real gateway has no such
thing). The phone number is answered masked, like everywhere else.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any, Dict, List

from sanic import Blueprint, Request, json

from common import idnumber
from common.masking import mask_phone
from common.numbers import PHONE
from portal.sandbox.limits import CODE_SECONDS
from portal.sandbox.replies import ContractError

sms_admin = Blueprint("sms_admin", url_prefix="/v1/_sandbox")

CODE_TEXT = ("【赣州市政务服务】您的验证码是{code}，{minutes}分钟内有效。"
             "工作人员不会向您要验证码，请不要告诉别人。")
STAFF_NOTICE_TEXT = ("【赣州市政务服务】社区工作人员（账号{staff}）刚刚在自助机上核验了您的身份。"
                     "如果不是您本人在办事，请拨打12345。")


def send(db: sqlite3.Connection, phone: str, text: str, purpose: str, now: float,
         code: str = "") -> None:
    """'Send' one message (inside the caller's transaction)."""
    db.execute("INSERT INTO sms_messages (phone, text, sent_at, purpose, code) VALUES (?, ?, ?, ?, ?)",
               (phone, text, now, purpose, code))


def send_code(db: sqlite3.Connection, phone: str, code: str, now: float) -> None:
    send(db, phone, CODE_TEXT.format(code=code, minutes=CODE_SECONDS // 60), "identity_code", now, code)


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment).astimezone().isoformat(timespec="seconds")


def messages_to(db: sqlite3.Connection, phone: str, limit: int = 20) -> List[Dict[str, Any]]:
    rows = db.execute("SELECT * FROM sms_messages WHERE phone=? ORDER BY id DESC LIMIT ?", (phone, limit))
    return [{"id": row["id"], "masked_phone": mask_phone(row["phone"]), "text": row["text"],
             "sent_at": _stamp(row["sent_at"]), "purpose": row["purpose"], "code": row["code"] or None}
            for row in rows]


@sms_admin.get("/sms")
async def read_messages(request: Request):
    """The messages sent to one phone, newest first (by phone, or by the resident's number)."""
    db: sqlite3.Connection = request.ctx.db
    phone = request.args.get("phone", "")
    number = idnumber.normalise(request.args.get("id_number", ""))
    if number:
        row = db.execute("SELECT phone FROM residents WHERE id_number=?", (number,)).fetchone()
        return json({"messages": messages_to(db, row["phone"]) if row else []})
    if not PHONE.match(phone):
        raise ContractError(400, "invalid_request", "give ?phone= (11 digits) or ?id_number=")
    return json({"messages": messages_to(db, phone)})
