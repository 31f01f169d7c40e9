"""Which portal a conversation may touch: practice conversations (guided lessons) only ever
reach the sandbox. The action server sets this per request from the sender id."""

from __future__ import annotations

from contextvars import ContextVar

from common.kiosk_protocol import PRACTICE_PREFIX

practising: ContextVar[bool] = ContextVar("practising", default=False)


def mark_request(sender_id: str) -> None:
    practising.set(str(sender_id or "").startswith(PRACTICE_PREFIX))
