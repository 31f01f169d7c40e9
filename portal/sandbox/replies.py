"""Request checks and error replies shared by every sandbox route, in the contract's shape."""

from __future__ import annotations

import unicodedata
from typing import Any, Dict, Optional

from sanic import Request, json
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse


class ContractError(SanicException):
    """Raised by handlers; rendered as {"error": {"code", "message"}} with its status."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message, status_code=status)
        self.code = code
        self.extra = extra


def error_reply(status: int, code: str, message: str, **extra: Any) -> HTTPResponse:
    body: Dict[str, Any] = {"error": {"code": code, "message": message, **extra}}
    headers = {"Retry-After": str(extra["retry_after"])} if "retry_after" in extra else None
    return json(body, status=status, headers=headers)


def body(request: Request) -> Dict[str, Any]:
    """The JSON object a POST carries, or a 400."""
    try:
        content = request.json
    except Exception:  # Sanic raises its own InvalidUsage on broken JSON
        content = None
    if not isinstance(content, dict):
        raise ContractError(400, "invalid_request", "body must be a JSON object")
    return content


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") for char in text)


def text_field(
    content: Dict[str, Any], name: str, max_length: int, required: bool = True,
    allow_newlines: bool = False,
) -> Optional[str]:
    """A string field, trimmed, bounded, free of control characters."""
    value = content.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ContractError(400, "invalid_request", f"'{name}' is required")
        return None
    if not isinstance(value, str):
        raise ContractError(400, "invalid_request", f"'{name}' must be a string")
    value = value.strip()
    checked = value.replace("\n", "") if allow_newlines else value
    if len(value) > max_length or _has_control(checked):
        raise ContractError(400, "invalid_request", f"'{name}' is too long or has control characters")
    return value


def cents_to_amount(cents: int) -> str:
    """Money travels as a decimal string ('3215.60'), never as a float."""
    return f"{cents // 100}.{cents % 100:02d}"
