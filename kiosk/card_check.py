"""Send an ID card the reader read to the action server, which asks the portal to verify it.

The card never goes to the dialogue (its text would sit in the conversation record): it goes
here, with the id of the visit's conversation, and only "verified, 张*英" comes back; the
dialogue then hears /card_placed and takes the outcome from its own vault
(nlu/actions/card.py). Nothing of the card is kept or logged on the kiosk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional

import requests

from config import Settings, secret
from kiosk.devices.id_card import IdCard

logger = logging.getLogger(__name__)


class CardCheckUnavailable(RuntimeError):
    """The action server could not be reached or refused the kiosk."""


@dataclass(frozen=True)
class CardOutcome:
    verified: bool
    masked_name: str = ""
    reason: str = ""  # "expired", "not_accepted", "unavailable"


class CardChecker:
    def __init__(self, url: str, key: str, timeout: float = 8.0, verify: object = True) -> None:
        self.url = url.rstrip("/") + "/identity/card"
        self.timeout = timeout
        self.verify = verify
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {key}"

    @classmethod
    def from_settings(cls, settings: Settings) -> Optional[CardChecker]:
        """The embedded kiosk's own action server, with the card key; a fleet kiosk's gate
        (runtime/gate.py), with the kiosk's own key and the service's CA. None when this
        kiosk has no key for either."""
        dialogue = settings.dialogue
        timeout = dialogue.turn_budget_seconds + 2
        if dialogue.embedded:
            key = secret(dialogue.card_key_env)
            return cls(f"http://127.0.0.1:{dialogue.action_port}", key, timeout) if key else None
        key = secret(dialogue.kiosk_key_env)
        if key is None:
            return None
        ca = str(settings.path(dialogue.ca_certificate)) if dialogue.ca_certificate else True
        return cls(dialogue.base_url, key, timeout, verify=ca)

    def check(self, conversation: str, card: IdCard) -> CardOutcome:
        body = {"conversation": conversation, "id_number": card.id_number, "name": card.name,
                "valid_until": card.valid_until.isoformat() if card.valid_until else ""}
        try:
            response = self.http.post(self.url, json=body, timeout=(2.0, self.timeout), verify=self.verify)
            response.raise_for_status()
            answer = response.json()
        except (requests.RequestException, ValueError) as error:
            logger.warning("card not checked: %s", type(error).__name__)
            raise CardCheckUnavailable(type(error).__name__) from error
        return CardOutcome(bool(answer.get("verified")), str(answer.get("masked_name") or ""),
                           str(answer.get("reason") or ""))

    def close(self) -> None:
        self.http.close()
