"""Who the resident is, when there is no ID card on the reader: the number typed, then a
one-time code the portal sends by SMS to the resident's registered phone, or a staff member
who checks the card in person and confirms on the centre console.

Nothing here can be passed with what a stranger knows (a neighbour's number is printed on
many forms): the code goes to the resident's own phone, and the portal answers the same for
numbers that are not residents. A card placed at any moment ends this form at once
(nlu/actions/card.py). Only masked forms stay in the conversation; the full number waits in
the vault. A locked number or an unreachable portal ends the form (`identity_stop`) with a
sentence saying what to do instead.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from common import idnumber, numbers
from common.kiosk_protocol import (
    CARD_ON_READER,
    IDENTITY_CHECK,
    INPUT,
    INPUT_CHOICE,
    INPUT_ID_NUMBER,
    INPUT_SMS_CODE,
    STEP,
    directive,
)
from common.masking import mask_id_number
from nlu.actions import practice
from nlu.actions.card import verified_card_events
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import CODE_SHAPE, sentence_for
from nlu.actions.resident import (
    SMS,
    STAFF,
    STAFF_BUTTON,
    STOP_LOCKED,
    STOP_UNAVAILABLE,
    WAY_BUTTONS,
    identity_still_valid,
    kiosk_of,
    verified_slots,
)
from nlu.actions.vault import vault
from portal.errors import PortalError, PortalRefused, PortalUnavailable
from portal.transport import attempts_left

# How a resident says which way, when they do not tap: the staff words first ("没有手机").
STAFF_WORDS = ("工作人员", "人工", "没有手机", "没手机", "不用手机", "找人", "当面")
SMS_WORDS = ("短信", "验证码", "手机", "发码")
NOT_RECEIVED = ("没收到", "收不到", "没有收到", "没来", "没看到")


def way_said(text: str) -> str:
    """'sms', 'staff' or '' for a tapped value or the words said."""
    if text in (SMS, STAFF):
        return text
    if any(word in text for word in STAFF_WORDS):
        return STAFF
    return SMS if any(word in text for word in SMS_WORDS) else ""


RESEND_BUTTON = {"title": "再发一次", "payload": "/resend_code"}
ASK_CODE = "请输入6位验证码。验证码在短信里，已经发到您登记的手机上。"
CLEARED = {"id_number": None, "identity_way": None, "sms_code": None, "staff_check": None, "staff_check_id": None}


class ValidateIdentityForm(FormValidationAction):
    def name(self) -> str:
        return "validate_identity_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        # A verified card answers the whole step in this run: with requested_slot cleared
        # the form ends here, and the errand follows in the same turn (nlu/actions/card.py).
        card = verified_card_events(dispatcher, tracker)
        if card is not None:
            return card + [SlotSet(REQUESTED_SLOT, None)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        # Verified (a card, a code, a staff member), stopped, or not yet: then the questions
        # of the way the resident chose.
        if tracker.get_slot("identity_stop") or identity_still_valid(tracker):
            return []
        way = tracker.get_slot("identity_way")
        asked = ["id_number", "identity_way"]
        if way == SMS:
            asked.append("sms_code")
        elif way == STAFF:
            asked.append("staff_check")
        return asked

    def validate_id_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[str, Any]:
        kept = vault().get(tracker.sender_id, "id_number")
        if kept and str(value) == mask_id_number(kept):
            return {"id_number": value}  # already typed in this visit
        number = idnumber.normalise(str(value or ""))
        if not idnumber.is_valid(number):
            dispatcher.utter_message(text="这个号码好像不对。请您再输一遍。",
                                     json_message=directive(**{INPUT: INPUT_ID_NUMBER, STEP: "id_number"}))
            return {"id_number": None}
        # The conversation record keeps the masked number; the full one waits in the vault.
        vault().put(tracker.sender_id, "id_number", number)
        return {"id_number": mask_id_number(number), "identity_way": None, "sms_code": None}

    def validate_identity_way(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[str, Any]:
        number = vault().get(tracker.sender_id, "id_number")
        if number is None:
            return self._number_again(dispatcher)
        way = way_said(str(value or ""))
        try:
            if way == SMS:
                portal().send_sms_code(number, kiosk_of(tracker))
                return {"identity_way": SMS, "sms_code": None}
            if way == STAFF:
                check = portal().request_staff_check(number, kiosk_of(tracker))
                return {"identity_way": STAFF, "staff_check_id": check.check_id, "staff_check": None}
        except PortalError as error:
            return self._refused(dispatcher, error)
        dispatcher.utter_message(text="请点一下下面的一个按钮。", buttons=WAY_BUTTONS)
        return {"identity_way": None}

    def validate_sms_code(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[str, Any]:
        number = vault().get(tracker.sender_id, "id_number")
        said = str(value or "")
        code = numbers.normalise_digits(said).replace("X", "")
        if number is None:
            return self._number_again(dispatcher)
        if not code and any(words in said for words in NOT_RECEIVED):
            dispatcher.utter_message(text="短信有时候要等一两分钟。还没收到的话，可以点“再发一次”，或者请工作人员核验。")
            return {"sms_code": None}
        if len(code) != 6:
            dispatcher.utter_message(text=CODE_SHAPE)
            return {"sms_code": None}
        try:
            verified = portal().verify_sms_code(number, code, kiosk_of(tracker))
        except PortalRefused as error:
            if error.code == "identity_mismatch":
                left = attempts_left(error)
                # The question that follows offers 再发一次 and the staff check.
                dispatcher.utter_message(text=f"验证码不对，还可以再试{left}次。" if left else "验证码不对。")
                return {"sms_code": None}
            return self._refused(dispatcher, error)
        except PortalError as error:
            return self._refused(dispatcher, error)
        dispatcher.utter_message(text=f"{verified.masked_name}，您好。")
        return {**verified_slots(verified.token, verified.expires_in, verified.masked_name, SMS,
                                 mask_id_number(number)), "sms_code": "●●●●●●"}

    def validate_staff_check(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        check_id = tracker.get_slot("staff_check_id")
        number = vault().get(tracker.sender_id, "id_number") or ""
        if not check_id:
            return self._number_again(dispatcher)
        try:
            status = portal().staff_check(check_id, kiosk_of(tracker))
        except PortalError as error:
            return self._refused(dispatcher, error)
        if status.status == "confirmed" and status.token:
            name = status.masked_name or ""
            dispatcher.utter_message(text=f"工作人员已经核对好了。{name}，您好。")
            return {**verified_slots(status.token, status.expires_in or 600, name, STAFF,
                                     mask_id_number(number) if number else ""), "staff_check": check_id}
        if status.status == "waiting":
            dispatcher.utter_message(text="工作人员还在路上，请您再等一下。")
            return {"staff_check": None}
        dispatcher.utter_message(text="这次没有核对成功。请您带上身份证，到服务台问一问工作人员。")
        return {**CLEARED, "identity_stop": STOP_LOCKED}

    @staticmethod
    def _number_again(dispatcher: CollectingDispatcher) -> Dict[str, Any]:
        """The vault forgot the number (a long pause, a restart): ask for it once more."""
        dispatcher.utter_message(text="请您再输入一次身份证号码。",
                                 json_message=directive(**{INPUT: INPUT_ID_NUMBER, STEP: "id_number"}))
        return dict(CLEARED)

    @staticmethod
    def _refused(dispatcher: CollectingDispatcher, error: PortalError) -> Dict[str, Any]:
        dispatcher.utter_message(text=sentence_for(error))
        reason = STOP_UNAVAILABLE if isinstance(error, PortalUnavailable) else STOP_LOCKED
        return {**CLEARED, "identity_stop": reason}


class ActionAskIdentityWay(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_identity_way"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(
            text="请选一种方式，核对是您本人。",
            buttons=WAY_BUTTONS, json_message=directive(**{INPUT: INPUT_CHOICE, STEP: "identity_way",
                                                           CARD_ON_READER: "ask"}))
        return []


class ActionAskSmsCode(Action):
    def name(self) -> str:
        return "action_ask_sms_code"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        shown = practice.code_for_practice(vault().get(tracker.sender_id, "id_number"))
        if shown:  # a guided lesson: the practice resident's phone is not in the learner's hand
            dispatcher.utter_message(text=f"练习用的验证码是 {shown}。")
        dispatcher.utter_message(text=ASK_CODE, buttons=[RESEND_BUTTON, STAFF_BUTTON],
                                 json_message=directive(**{INPUT: INPUT_SMS_CODE, STEP: "sms_code"}))
        return []


class ActionAskStaffCheck(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_staff_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        check = tracker.get_slot("staff_check_id")
        # The console's decision arrives by itself; the button is for a centre without one
        # (the portal, not the button, says whether staff confirmed).
        done = {"title": "工作人员核对好了", "payload": "/inform" + json.dumps({"staff_check": check})}
        dispatcher.utter_message(
            text="好的，工作人员马上过来，看一下您的身份证。请您在这里稍等。", buttons=[done],
            json_message=directive(**{IDENTITY_CHECK: check, STEP: "staff_check"}))
        return []


class ActionResendCode(Action):
    """再发一次: a new code to the same phone (the portal limits how often)."""

    def name(self) -> str:
        return "action_resend_code"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        number = vault().get(tracker.sender_id, "id_number")
        if number is None:
            return [SlotSet(slot, value) for slot, value in CLEARED.items()]
        try:
            portal().send_sms_code(number, kiosk_of(tracker))
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        dispatcher.utter_message(text="好的，又发了一条短信。")
        return [SlotSet("sms_code", None)]
