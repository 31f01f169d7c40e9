"""Who the resident is: identity number on the keypad, then their own name, tapped or said.

The name step offers four masked names (the resident's own among three others) so that a
single tap proves identity; saying the full name works too. After verification only the
masked name stays in the conversation. When the portal is down or the number is locked,
`identity_stop` ends the form and the errand's action explains what to do instead.
"""

from __future__ import annotations

import time
from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import idnumber
from common.kiosk_protocol import INPUT, INPUT_CHOICE, INPUT_ID_NUMBER, SCREEN, directive
from common.masking import mask_id_number
from nlu.actions import parsing
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.vault import vault
from portal.errors import PortalError, PortalNotFound, PortalRefused, PortalUnavailable

STOP_LOCKED = "locked"
STOP_UNAVAILABLE = "unavailable"


def _challenge(number: str) -> Dict[str, Any]:
    answer = portal().identity_challenge(number)
    return {"challenge_id": answer.challenge_id, "options": list(answer.options)}


def identity_still_valid(tracker: Tracker) -> bool:
    expires = tracker.get_slot("resident_token_expires")
    return bool(tracker.get_slot("resident_token")) and bool(expires) and float(expires) > time.time() + 30


class ValidateIdentityForm(FormValidationAction):
    def name(self) -> str:
        return "validate_identity_form"

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher,
        tracker: Tracker, domain: DomainDict,
    ) -> List[str]:
        # A locked number or an unreachable portal ends the form; the errand explains.
        if tracker.get_slot("identity_stop"):
            return []
        return domain_slots

    def validate_id_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
    ) -> Dict[str, Any]:
        kept = vault().get(tracker.sender_id, "id_number")
        if kept and str(value) == mask_id_number(kept) and identity_still_valid(tracker):
            return {"id_number": value}  # the verified resident, met again in a later errand
        number = idnumber.normalise(str(value or ""))
        if not idnumber.is_valid(number):
            dispatcher.utter_message(text="这个号码好像不对。请您再输一遍。",
                                     json_message=directive(**{INPUT: INPUT_ID_NUMBER}))
            return {"id_number": None}
        if number == kept and identity_still_valid(tracker):
            return {"id_number": mask_id_number(number)}
        try:
            challenge = _challenge(number)
        except PortalNotFound:
            dispatcher.utter_message(text="这个身份证号没有查到。请您核对一下，再输一遍。",
                                     json_message=directive(**{INPUT: INPUT_ID_NUMBER}))
            return {"id_number": None}
        except PortalError as error:
            return self._stop(dispatcher, error)
        dispatcher.utter_message(text=f"好的，身份证号 {mask_id_number(number)}。")
        # The conversation record keeps the masked number; the full one waits in the vault.
        vault().put(tracker.sender_id, "id_number", number)
        return {"id_number": mask_id_number(number), "identity_challenge": challenge, "person_name": None,
                "resident_token": None, "resident_token_expires": None}

    def validate_person_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
    ) -> Dict[str, Any]:
        text = str(value or "")
        said = (tracker.latest_message or {}).get("text") or ""
        if not parsing.is_masked_name(text) and parsing.full_name(said):
            text = said  # the whole sentence ("我叫王桂英") beats a partly recognised name entity
        if parsing.is_masked_name(text) and identity_still_valid(tracker):
            return {"person_name": text}
        challenge = tracker.get_slot("identity_challenge") or {}
        number = vault().get(tracker.sender_id, "id_number")
        if number is None:  # the vault forgot it (a long pause, a restart): ask once more
            dispatcher.utter_message(text="请您再输入一次身份证号码。",
                                     json_message=directive(**{INPUT: INPUT_ID_NUMBER}))
            return {"id_number": None, "person_name": None, "identity_challenge": None}
        try:
            if parsing.is_masked_name(text) and text in challenge.get("options", []):
                verified = portal().verify_identity(
                    number, challenge_id=challenge["challenge_id"],
                    choice=challenge["options"].index(text))
            else:
                name = parsing.full_name(text)
                if name is None:
                    dispatcher.utter_message(text="没听清您的名字。请点一下您的名字，或者再说一遍全名。")
                    return {"person_name": None}
                verified = portal().verify_identity(number, name=name)
        except PortalRefused as error:
            if error.code in ("identity_mismatch", "challenge_expired"):
                return self._ask_again(dispatcher, number, error)
            return self._stop(dispatcher, error)
        except PortalError as error:
            return self._stop(dispatcher, error)
        dispatcher.utter_message(text=f"{verified.masked_name}，您好。")
        return {"person_name": verified.masked_name, "resident_token": verified.token,
                "resident_token_expires": time.time() + verified.expires_in,
                "identity_challenge": None}

    def _ask_again(self, dispatcher: CollectingDispatcher, number: str,
                   error: PortalRefused) -> Dict[str, Any]:
        if error.code == "identity_mismatch":
            dispatcher.utter_message(text="名字和身份证号对不上。请您再选一次。")
        try:
            return {"person_name": None, "identity_challenge": _challenge(number)}
        except PortalError as second:
            return self._stop(dispatcher, second)

    @staticmethod
    def _stop(dispatcher: CollectingDispatcher, error: PortalError) -> Dict[str, Any]:
        dispatcher.utter_message(text=sentence_for(error))
        reason = STOP_UNAVAILABLE if isinstance(error, PortalUnavailable) else STOP_LOCKED
        return {"identity_stop": reason, "id_number": None, "person_name": None,
                "identity_challenge": None}


class ActionAskPersonName(Action):
    """Asks for the name with the four masked choices as big buttons."""

    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_person_name"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        challenge: Optional[Dict[str, Any]] = tracker.get_slot("identity_challenge")
        options = (challenge or {}).get("options", [])
        buttons = [{"title": option, "payload": f'/inform{{"person_name": "{option}"}}'}
                   for option in options]
        dispatcher.utter_message(text="请点一下您的名字。也可以直接说出您的全名。", buttons=buttons,
                                 json_message=directive(**{INPUT: INPUT_CHOICE}))
        return []


class ResidentAction(Action, metaclass=ABCMeta):
    """An errand that needs a verified resident. When identity failed (the identity step
    already said why) it just shows the home tiles again; portal errors become a sentence.
    Subclasses implement `answer` with the resident's token."""

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        """The errand itself, for a verified resident."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        if tracker.get_slot("identity_stop") or not identity_still_valid(tracker):
            dispatcher.utter_message(json_message=directive(**{SCREEN: "home"}))
            return [SlotSet("identity_stop", None)]
        try:
            return self.answer(dispatcher, tracker, tracker.get_slot("resident_token"))
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return [SlotSet("resident_token", None)] if isinstance(error, PortalRefused) else []
