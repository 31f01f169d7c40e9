"""The kiosk's only line to the dialogue: Rasa's REST channel, plus a wipe when a session ends.

Touch and voice are two ways of saying the same thing: a tapped tile sends its payload
(`/query_pension`), speech sends the recognised text; both come back as one `Reply`.

Two ways in. Embedded (and any kiosk given no key of its own): the kiosk's Rasa on loopback,
wiped through Rasa's API with the token the supervisor made, as Rasa wants it (in the URL).
A kiosk of a city fleet: its own key (`python main.py fleet add-kiosk`), in a header on every
request, over HTTPS checked against dialogue.ca_certificate; the wipe goes through the
fleet's conversation gate (runtime/gate.py). Such a client never holds the master token.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import requests

from common import kiosk_protocol as protocol
from config import ConfigError, Settings, secret

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
    def identity_check(self) -> str:
        """The staff identity check the dialogue asked for (its id), or ''."""
        return str(self.directives.get(protocol.IDENTITY_CHECK) or "")

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
                 auth_token: Optional[str] = None, *, kiosk_key: Optional[str] = None,
                 ca_certificate: Optional[str] = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.timeout = timeout
        self.kiosk_key = kiosk_key
        self.auth_token = None if kiosk_key else auth_token  # a kiosk with a key never sends the token
        # Given on every request: a session's own `verify` loses to REQUESTS_CA_BUNDLE.
        self.verify: Union[str, bool] = ca_certificate or True
        self.http = requests.Session()
        if kiosk_key:
            self.http.headers["Authorization"] = f"Bearer {kiosk_key}"
        self.practice = False  # guided lesson: served from the portal sandbox, nothing real
        self.sender_id = self._new_sender()

    @classmethod
    def from_settings(cls, settings: Settings, timeout: Optional[float] = None) -> DialogueClient:
        """The client this kiosk's settings describe: its own Rasa with the supervisor's token
        when embedded; a central service with the kiosk's own key when it has one."""
        dialogue = settings.dialogue
        key = None if dialogue.embedded else secret(dialogue.kiosk_key_env)
        if key and not dialogue.base_url.startswith("https://"):
            raise ConfigError("dialogue.rasa_url must be https:// when the kiosk has a key "
                              f"({dialogue.kiosk_key_env}): the key must not cross the network in clear")
        ca = str(settings.path(dialogue.ca_certificate)) if dialogue.ca_certificate else None
        return cls(dialogue.base_url, settings.kiosk.kiosk_id, timeout or dialogue.request_timeout_seconds,
                   None if key else secret(dialogue.auth_token_env), kiosk_key=key, ca_certificate=ca)

    def _new_sender(self) -> str:
        # Unique per session and per kiosk: two kiosks, or two residents, never share one.
        prefix = PRACTICE_PREFIX if self.practice else ""
        return f"{prefix}{self.kiosk_id}-{uuid.uuid4().hex}"

    def send(self, message: str) -> Reply:
        try:
            response = self.http.post(
                f"{self.base_url}/webhooks/rest/webhook",
                json={"sender": self.sender_id, "message": message},
                timeout=(3.0, self.timeout), verify=self.verify,
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
        """Replace a conversation's events with none (the fleet's store then deletes it); with
        a kiosk key, the gate does that for this kiosk's own conversations."""
        try:
            if self.kiosk_key:
                self.http.delete(f"{self.base_url}/gate/conversations/{sender_id}",
                                 timeout=(3.0, 5.0), verify=self.verify).raise_for_status()
                return True
            if not self.auth_token:
                return False
            self.http.put(
                f"{self.base_url}/conversations/{sender_id}/tracker/events",
                params={"token": self.auth_token}, json=[], timeout=(3.0, 5.0), verify=self.verify,
            ).raise_for_status()
            return True
        except requests.RequestException as error:
            logger.warning("could not wipe the finished conversation: %s", type(error).__name__)
            return False

    def close(self) -> None:
        self.http.close()
