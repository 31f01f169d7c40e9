"""A verified resident in a conversation: what verification leaves in the slots, whether it
still holds, and the base of every errand that needs it.

Only the masked name and number stay in the conversation record; the portal's short-lived
token is the proof, and how the resident was verified (card, sms, staff) is kept with it.
"""

from __future__ import annotations

import time
from abc import ABCMeta, abstractmethod
from concurrent.futures import Future
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.kiosk_protocol import PRACTICE_PREFIX, SCREEN, directive
from nlu.actions.portal_errors import sentence_for
from nlu.actions.turns import alongside
from portal.errors import PortalError, PortalRefused

# The ways in without a card, and the buttons that choose them (the card needs no button).
SMS, STAFF = "sms", "staff"
WAY_BUTTONS = [{"title": "收短信验证码", "payload": f'/inform{{"identity_way": "{SMS}"}}'},
               {"title": "请工作人员核验", "payload": f'/inform{{"identity_way": "{STAFF}"}}'}]
STAFF_BUTTON = WAY_BUTTONS[1]
STOP_LOCKED = "locked"
STOP_UNAVAILABLE = "unavailable"
# A token this close to expiry is not used: the errand would fail half-way.
TOKEN_MARGIN_SECONDS = 30


def kiosk_id(conversation: str) -> str:
    """The kiosk a conversation belongs to: its id is `[practice-]<kiosk id>-<random>`."""
    sender = str(conversation or "")
    if sender.startswith(PRACTICE_PREFIX):
        sender = sender[len(PRACTICE_PREFIX):]
    return sender.rpartition("-")[0] or sender


def kiosk_of(tracker: Tracker) -> str:
    return kiosk_id(tracker.sender_id)


def identity_still_valid(tracker: Tracker) -> bool:
    expires = tracker.get_slot("resident_token_expires")
    return (bool(tracker.get_slot("resident_token")) and bool(expires)
            and float(expires) > time.time() + TOKEN_MARGIN_SECONDS)


def verified_slots(token: str, expires_in: float, masked_name: str, way: str,
                   masked_number: str) -> Dict[str, Any]:
    """What verification leaves in the conversation: masked forms and the token, nothing more."""
    return {"resident_token": token, "resident_token_expires": time.time() + expires_in,
            "person_name": masked_name, "id_number": masked_number, "verified_by": way, "identity_stop": None}


def _told_first(told: Optional[Future], said: CollectingDispatcher, dispatcher: CollectingDispatcher,
                first: int) -> List[Dict[str, Any]]:
    """The relatives' log, once fetched: its sentence goes before the errand's own."""
    if told is None:
        return []
    events = told.result()
    dispatcher.messages[first:first] = said.messages
    return events


class ResidentAction(Action, metaclass=ABCMeta):
    """An errand that needs a verified resident. When identity failed (the identity step
    already said why) it just shows the home tiles again; portal errors become a sentence.
    Subclasses implement `answer` with the resident's token. A finished errand ends with the
    pension certification's reminder when it is due soon (nlu/actions/certification_reminder.py).

    A relative acting for an elder (代办, nlu/actions/family_proxy.py): errands marked `for_proxy`
    run with the elder's proxy token; any other errand is the relative's own and ends the proxy.
    A resident's own errand first reads out, once, what relatives did for them."""

    for_proxy = False  # runs for the elder a relative acts for
    starts_proxy = False  # the errand that chooses the elder (keeps the proxy it sets)
    may_remind = True  # may end with the certification reminder (its due date is asked alongside)

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        """The errand itself, for a verified resident."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        if tracker.get_slot("identity_stop") or not identity_still_valid(tracker):
            dispatcher.utter_message(json_message=directive(**{SCREEN: "home"}))
            return [SlotSet("identity_stop", None)]
        token = tracker.get_slot("resident_token")
        from nlu.actions import family_proxy  # it builds on this module

        if self.for_proxy and family_proxy.acting(tracker):
            return family_proxy.run_for(self, dispatcher, tracker)
        from nlu.actions import certification, certification_reminder  # they build on this module

        # The relatives' log and the certification's due date are asked for while the errand
        # asks for its own answer (each call takes a few milliseconds; one after the other they
        # were a third of the card turn). What is said keeps its order: the log first.
        told_said = CollectingDispatcher()
        told = None if self.starts_proxy else alongside(family_proxy.before_own_errand, told_said, tracker, token)
        due = alongside(certification.certification_of, tracker, token) \
            if self.may_remind and not tracker.get_slot("certification_reminded") else None
        first = len(dispatcher.messages)
        try:
            answered = self.answer(dispatcher, tracker, token)
        except PortalError as error:
            before = _told_first(told, told_said, dispatcher, first)
            dispatcher.utter_message(text=sentence_for(error))
            return before + ([SlotSet("resident_token", None)] if isinstance(error, PortalRefused) else [])
        events = _told_first(told, told_said, dispatcher, first) + answered
        return events + certification_reminder.after_errand(dispatcher, tracker, token, due)  # "certify now?"
