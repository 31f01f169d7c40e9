"""The action server's parked 12345 submissions, for staff (待处理的提交).

A report the portal refused for good is parked by the action server's outbox instead of
being dropped. Staff see it here (masked) and either send it once more or, having dealt
with it another way (a phone call, the window), mark it handled, which deletes it and its
phone number. The contract, on the action server's own port:

    GET  /outbox/parked                      [{reference, created_at, reason, category, district,
                                               description_masked, phone_masked, attempts}, ...]
    POST /outbox/parked/<reference>/retry
    POST /outbox/parked/<reference>/handled
    all with  Authorization: Bearer <the key in dialogue.outbox_key_env>

Calls run in a thread with short timeouts, so a hung action server costs one page a few
seconds and never the console's event loop. Every failure becomes a plain sentence.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, List, Optional, Tuple, Union
from urllib.parse import quote

import requests

from common.masking import redact

REFERENCE = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")
TIMEOUT: Tuple[float, float] = (2.0, 5.0)  # connect, read

UNREACHABLE = "现在连不上对话服务，看不到待处理的提交。请过一会儿刷新；一直这样的话，请联系技术人员。"
NO_KEY = "这台志愿者台没有对话服务的密钥，看不到待处理的提交。请联系技术人员。"
KEY_REFUSED = "对话服务不认这台志愿者台的密钥。请联系技术人员。"
GONE = "这条提交已经不在了，可能别人刚处理过。"
NOT_OFFERED = "这个版本的对话服务还不能列出待处理的提交。请联系技术人员。"
ODD_ANSWER = "对话服务的回答看不懂。请联系技术人员。"


class ParkedError(Exception):
    """Why staff cannot see or act on parked submissions now, as a plain sentence."""

    def __init__(self, message: str, status: int = 503) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ParkedSubmission:
    reference: str
    created_at: str  # as staff read it: 2026-01-05 14:03
    reason: str
    category: str
    district: str
    description_masked: str
    phone_masked: str
    attempts: int


def _when(value: Union[int, float, str, None]) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value).strftime("%Y-%m-%d %H:%M")
        except (OverflowError, OSError, ValueError):
            return ""
    text = str(value or "")
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text[:32]


def _text(item: dict, name: str, limit: int = 500) -> str:
    # Masked by the action server already; masked again here, as everything the console shows.
    return redact(str(item.get(name) or ""))[:limit]


def _submission(item: Any) -> Optional[ParkedSubmission]:
    if not isinstance(item, dict) or not REFERENCE.match(str(item.get("reference", ""))):
        return None
    try:
        attempts = int(item.get("attempts") or 0)
    except (TypeError, ValueError):
        attempts = 0
    return ParkedSubmission(str(item["reference"]), _when(item.get("created_at")), _text(item, "reason", 200),
                            _text(item, "category", 60), _text(item, "district", 60),
                            _text(item, "description_masked"), _text(item, "phone_masked", 40), attempts)


class ParkedClient:
    def __init__(self, base_url: str, key: Optional[str], timeout: Tuple[float, float] = TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.timeout = timeout

    async def _call(self, method: str, path: str) -> requests.Response:
        if not self.key:
            raise ParkedError(NO_KEY)
        try:
            answer = await asyncio.to_thread(requests.request, method, f"{self.base_url}{path}",
                                             headers={"Authorization": f"Bearer {self.key}"},
                                             timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as error:
            raise ParkedError(UNREACHABLE) from error
        if answer.status_code in (401, 403):
            raise ParkedError(KEY_REFUSED)
        if answer.status_code == 404:
            raise ParkedError(NOT_OFFERED) if path == "/outbox/parked" else ParkedError(GONE, 409)
        if answer.status_code >= 300:
            raise ParkedError(UNREACHABLE)
        return answer

    async def parked(self) -> List[ParkedSubmission]:
        """Everything parked, oldest first (as the action server lists it)."""
        answer = await self._call("GET", "/outbox/parked")
        try:
            content = answer.json()
        except ValueError as error:
            raise ParkedError(ODD_ANSWER) from error
        if isinstance(content, dict):
            content = content.get("parked")
        if not isinstance(content, list):
            raise ParkedError(ODD_ANSWER)
        return [found for found in map(_submission, content) if found is not None]

    async def retry(self, reference: str) -> None:
        await self._call("POST", f"/outbox/parked/{self._quoted(reference)}/retry")

    async def handled(self, reference: str) -> None:
        await self._call("POST", f"/outbox/parked/{self._quoted(reference)}/handled")

    @staticmethod
    def _quoted(reference: str) -> str:
        if not REFERENCE.match(reference):
            raise ParkedError(GONE, 409)
        return quote(reference, safe="")
