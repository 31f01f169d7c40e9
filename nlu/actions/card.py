"""The resident's ID card on the reader: the strongest way in, and the easiest for an
80-year-old (nothing to type).

The card's text never enters the conversation. The kiosk posts what its reader read straight
to the action server (`POST /identity/card`, `card_route` below) with the id of the visit's
conversation; the action server asks the portal to verify it (the portal still checks the
card's number and name), keeps the outcome for that conversation in the vault, and the kiosk
then says /card_placed. `ActionUseCard` takes the outcome from the vault: a verified resident
(the identity step ends, the errand goes on), or a plain sentence (an expired card, a card
the portal does not accept) with the other ways in. Nothing of the card is stored or logged.

While the identity step asks (the usual case: an errand, then the card), the identity form's
own validation takes a verified card (`verified_card_events`), so that turn runs the form
once and then the errand: no rejected form run, no separate card action, two fewer policy
predictions (docs/benchmarks.md, "Where a turn's time goes"). A card that did not verify
still goes the general way, the rule that runs `action_use_card` and then the form again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import date
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sanic.response import json as json_reply

from common.kiosk_protocol import CARD_PLACED
from common.masking import mask_id_number
from common.menu import MENU_BUTTONS
from config import get_settings
from nlu.actions import practice
from nlu.actions.device_routes import authorised, body, refused
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.resident import WAY_BUTTONS, kiosk_id, verified_slots
from nlu.actions.turns import portal_pool
from nlu.actions.vault import vault
from portal import deadline
from portal.errors import PortalError, PortalRefused

logger = logging.getLogger(__name__)

CARD = "card"  # the vault's entry for the outcome of the card placed in this conversation
CARD_INTENT = CARD_PLACED.lstrip("/")
EXPIRED = "您的身份证过期了，记得去派出所换新证。今天可以先输入身份证号码，用短信验证码核对，或者请工作人员核验。"
NOT_ACCEPTED = "这张身份证没有核对成功。请您输入身份证号码，用短信验证码核对，或者请工作人员核验。"


def check_card(conversation: str, id_number: str, name: str, valid_until: Optional[date]) -> Dict[str, Any]:
    """Ask the portal about a card read on a kiosk; keep the outcome for the conversation.
    Returns what the kiosk may know: verified or not, and the masked name."""
    practice.mark_request(conversation)  # a lesson's practice card reaches the sandbox only
    try:
        with deadline.budget(get_settings().dialogue.turn_budget_seconds):
            verified = portal().verify_card(id_number, name, valid_until, kiosk_id(conversation))
    except PortalRefused as refused:
        if refused.code not in ("card_expired", "identity_mismatch"):
            outcome = {"verified": False, "reason": "refused", "sentence": sentence_for(refused)}
        else:
            outcome = {"verified": False, "reason": "expired" if refused.code == "card_expired" else "not_accepted"}
    except PortalError as error:
        outcome = {"verified": False, "reason": "unavailable", "sentence": sentence_for(error)}
    else:
        outcome = {"verified": True, "token": verified.token, "expires_in": verified.expires_in,
                   "masked_name": verified.masked_name, "masked_number": mask_id_number(id_number)}
    vault().put(conversation, CARD, json.dumps(outcome, ensure_ascii=False))
    return {"verified": outcome["verified"], "masked_name": outcome.get("masked_name", ""),
            "reason": outcome.get("reason", "")}


def card_route() -> Blueprint:
    """`POST /identity/card` for the kiosk's card reader: {conversation, id_number, name,
    valid_until}. Only a caller holding the card key (dialogue.card_key_env) is heard."""
    routes = Blueprint("identity_card")

    @routes.post("/identity/card")
    async def read_card(request: Request) -> HTTPResponse:
        if not authorised(request):
            return refused()
        content = body(request)
        if content is None or not all(isinstance(content.get(k), str) for k in
                                                      ("conversation", "id_number", "name")):
            return json_reply({"error": "conversation, id_number and name are needed"}, status=400)
        until = content.get("valid_until")
        try:
            valid_until = date.fromisoformat(until) if isinstance(until, str) and until else None
        except ValueError:
            return json_reply({"error": "valid_until must be YYYY-MM-DD or empty"}, status=400)
        outcome = await asyncio.get_running_loop().run_in_executor(
            portal_pool(), check_card, content["conversation"], content["id_number"], content["name"], valid_until)
        return json_reply(outcome)

    return routes


def card_outcome(conversation: str) -> Dict[str, Any]:
    """The outcome check_card kept for this conversation (none kept: not accepted)."""
    kept = vault().get(conversation, CARD)
    return json.loads(kept) if kept else {"verified": False, "reason": "not_accepted"}


def _greeting_and_slots(dispatcher: CollectingDispatcher, outcome: Dict[str, Any]) -> List[Dict[str, Any]]:
    slots = verified_slots(outcome["token"], outcome["expires_in"], outcome["masked_name"], CARD,
                           outcome["masked_number"])
    dispatcher.utter_message(text=f"{outcome['masked_name']}，您好。")
    return [SlotSet(slot, value) for slot, value in slots.items()]


def verified_card_events(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[str, Any]]]:
    """For the identity form's validation: when this turn is /card_placed and the card
    verified, the greeting and the verified resident's slots; otherwise None (the form then
    goes on as it would without a card)."""
    if (tracker.latest_message.get("intent") or {}).get("name") != CARD_INTENT:
        return None
    outcome = card_outcome(tracker.sender_id)
    return _greeting_and_slots(dispatcher, outcome) if outcome.get("verified") else None


class ActionUseCard(Action):
    """/card_placed outside the identity step, or a card that did not verify: the outcome of
    the card just checked, as the resident hears it."""

    waits = False  # the portal was asked when the card was read; only the vault is read here

    def name(self) -> str:
        return "action_use_card"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        outcome = card_outcome(tracker.sender_id)
        in_form = bool(tracker.active_loop.get("name"))
        if not outcome.get("verified"):
            sentence = outcome.get("sentence") or (EXPIRED if outcome.get("reason") == "expired" else NOT_ACCEPTED)
            dispatcher.utter_message(text=sentence, buttons=[] if in_form else WAY_BUTTONS[1:])
            return []
        events = _greeting_and_slots(dispatcher, outcome)
        if not in_form:
            dispatcher.utter_message(text="请问您要办什么事？请点一下。", buttons=MENU_BUTTONS)
        return events
