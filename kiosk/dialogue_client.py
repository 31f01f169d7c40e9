"""The kiosk's only line to the dialogue: Rasa's REST channel, plus a wipe when a session ends.

Touch and voice are two ways of saying the same thing: a tapped tile sends its payload
(`/query_pension`), speech sends the recognised text; both come back as one `Reply`.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

import requests

from common import kiosk_protocol as protocol

logger = logging.getLogger(__name__)

PRACTICE_PREFIX = protocol.PRACTICE_PREFIX


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """Everything Rasa said in one turn, merged: texts in order, buttons, kiosk directives."""

    texts: Tuple[str, ...] = ()
    buttons: Tuple[Button, ...] = ()
    directives: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "".join(self.texts)

    @property
    def input_kind(self) -> Optional[str]:
        return self.directives.get(protocol.INPUT)

    @property
    def result(self) -> Optional[Mapping[str, str]]:
        return self.directives.get(protocol.RESULT)

    @property
    def goes_home(self) -> bool:
        return self.directives.get(protocol.SCREEN) == "home"

    @property
    def help_requested(self) -> bool:
        return bool(self.directives.get(protocol.HELP_REQUESTED))

    @property
    def speech_change(self) -> Optional[str]:
        return self.directives.get(protocol.SPEECH)

    @property
    def bigger_text(self) -> bool:
        return self.directives.get(protocol.TEXT_SIZE) == "bigger"

    @property
    def printable(self) -> bool:
        return bool(self.directives.get(protocol.PRINTABLE))

    @property
    def finished(self) -> str:
        return str(self.directives.get(protocol.FINISHED) or "")

    @property
    def fallback(self) -> bool:
        return bool(self.directives.get(protocol.FALLBACK))

    @property
    def ends_session(self) -> bool:
        return bool(self.directives.get(protocol.END_SESSION))


def parse_reply(messages: Any) -> Reply:
    """Rasa's list of message objects -> one Reply; anything malformed is skipped, not fatal."""
    texts: List[str] = []
    buttons: List[Button] = []
    directives: Dict[str, Any] = {}
    if not isinstance(messages, list):
        raise DialogueUnavailable("dialogue answered something that is not a message list")
    for message in messages:
        if not isinstance(message, dict):
            continue
        if isinstance(message.get("text"), str) and message["text"].strip():
            texts.append(message["text"].strip())
        for button in message.get("buttons") or []:
            if isinstance(button, dict) and button.get("title") and button.get("payload"):
                buttons.append(Button(str(button["title"]), str(button["payload"])))
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get(protocol.KEY), dict):
            directives.update(custom[protocol.KEY])
    return Reply(tuple(texts), tuple(buttons), directives)


class DialogueUnavailable(RuntimeError):
    """Rasa could not be reached or answered nonsense."""


class DialogueClient:
    def __init__(self, base_url: str, kiosk_id: str, timeout: float = 20.0,
                 auth_token: Optional[str] = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.timeout = timeout
        self.auth_token = auth_token
        self.http = requests.Session()
        self.practice = False  # guided lesson: served from the portal sandbox, nothing real
        self.sender_id = self._new_sender()

    def _new_sender(self) -> str:
        # Unique per session and per kiosk: two kiosks, or two residents, never share one.
        prefix = PRACTICE_PREFIX if self.practice else ""
        return f"{prefix}{self.kiosk_id}-{uuid.uuid4().hex}"

    def send(self, message: str) -> Reply:
        try:
            response = self.http.post(
                f"{self.base_url}/webhooks/rest/webhook",
                json={"sender": self.sender_id, "message": message},
                timeout=(3.0, self.timeout),
            )
            response.raise_for_status()
            return parse_reply(response.json())
        except (requests.RequestException, ValueError) as error:
            logger.warning("dialogue request failed: %s", type(error).__name__)
            raise DialogueUnavailable(str(error)) from error

    def end_session(self) -> None:
        """Forget this conversation in Rasa (its events hold what the resident said), then start
        a new sender id. Best effort: an unreachable Rasa must not block going home."""
        old = self.sender_id
        self.sender_id = self._new_sender()
        self.forget(old)

    def forget(self, sender_id: str) -> bool:
        """Replace a conversation's events with none (the fleet's store then deletes it)."""
        if not self.auth_token:
            return False
        try:
            self.http.put(
                f"{self.base_url}/conversations/{sender_id}/tracker/events",
                params={"token": self.auth_token}, json=[], timeout=(3.0, 5.0),
            ).raise_for_status()
            return True
        except requests.RequestException as error:
            logger.warning("could not wipe the finished conversation: %s", type(error).__name__)
            return False

    def close(self) -> None:
        self.http.close()
