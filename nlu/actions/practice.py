"""Which portal a conversation may touch: practice conversations (guided lessons) only ever
reach the sandbox. The action server sets this per request from the sender id."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Optional

from common.kiosk_protocol import PRACTICE_PREFIX

practising: ContextVar[bool] = ContextVar("practising", default=False)


def mark_request(sender_id: str) -> None:
    practising.set(str(sender_id or "").startswith(PRACTICE_PREFIX))


def code_for_practice(id_number: Optional[str]) -> Optional[str]:
    """In a guided lesson, the code the practice portal just "sent" to the practice resident's
    phone (which is not in the learner's hand), to show on screen; None in a real visit."""
    if not practising.get() or not id_number:
        return None
    from nlu.actions.portal_access import portal
    from portal.errors import PortalError

    try:
        messages = portal().sandbox_sms(id_number=id_number)
    except PortalError:
        return None
    return next((message.code for message in messages if message.code), None)
