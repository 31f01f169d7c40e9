"""What the action server's kiosk routes share: who may call them, and reading what was sent.

The kiosk's own devices (the card reader, the camera, the payment screen) post straight to the
action server, outside the dialogue. Only a caller holding the device key (the card key,
dialogue.card_key_env) is heard: one check, so that no route can check it differently.
"""

from __future__ import annotations

import hmac
from typing import Any, Dict, Optional

from sanic import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_reply

from config import get_settings, secret

UNAUTHORISED = {"error": "unauthorised"}


def authorised(request: Request) -> bool:
    """The caller sent the device key as a bearer token (and a key is configured at all)."""
    key = secret(get_settings().dialogue.card_key_env) or ""
    supplied = request.headers.get("Authorization", "")
    return bool(key) and hmac.compare_digest(supplied.encode(), f"Bearer {key}".encode())


def refused() -> HTTPResponse:
    """The answer to a caller without the device key."""
    return json_reply(UNAUTHORISED, status=401)


def body(request: Request) -> Optional[Dict[str, Any]]:
    """The JSON object sent, or None for a body that is not one (not JSON, a list, nothing)."""
    try:
        content = request.json
    except Exception:  # Sanic's own error for a body that is not JSON
        return None
    return content if isinstance(content, dict) else None
