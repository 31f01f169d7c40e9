"""Reminders of the yearly pension certification: the pension stops when it is missed.

Two kinds. At the kiosk: when a verified resident finishes any other errand and their
certification is due within 60 days (or overdue), the errand ends with one short sentence
offering to certify now (`after_errand`, called by every verified errand: ResidentAction);
once a visit is enough. By SMS: the resident may ask the portal to send a text 30 days before
the next due date, to their own registered phone or to a family member's (typed on the keypad;
the conversation keeps it masked, the vault the full number for the one call).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from datetime import date
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import number_finder
from common.errands import CERTIFICATION, CERTIFICATION_REMINDER
from common.kiosk_protocol import (
    CERTIFICATION_SCREEN,
    FINISHED,
    INPUT,
    INPUT_CHOICE,
    INPUT_PHONE,
    KEY,
    SCREEN,
    STEP,
    directive,
)
from common.masking import mask_phone
from nlu.actions.certification import certification_of, when
from nlu.actions.forms import KeypadPhoneForm
from nlu.actions.portal_access import portal
from nlu.actions.resident import ResidentAction, kiosk_of
from nlu.actions.vault import vault
from portal.errors import PortalError

logger = logging.getLogger(__name__)

REMIND_WITHIN_DAYS = 60
CERTIFY_NOW = {"title": "现在认证", "payload": CERTIFICATION.payload}
SELF, FAMILY = "self", "family"
TO_BUTTONS = [{"title": "发给我自己", "payload": '/inform{"reminder_to": "self"}'},
              {"title": "发给家人", "payload": '/inform{"reminder_to": "family"}'}]
FAMILY_WORDS = ("家人", "家里", "儿子", "女儿", "老伴", "孙子", "孙女", "儿媳", "女婿", "亲戚", "别人")
SELF_WORDS = ("我自己", "自己", "本人", "我的手机", "发给我", "提醒我")
PHONE_AGAIN = "手机号是11位数字，以1开头。请再输一遍。"
FAMILY_AGAIN = {"title": "提醒家人", "payload": '/certification_reminder{"reminder_to": "family"}'}


def _finished_errand(messages: List[Dict[str, Any]]) -> str:
    for message in messages:
        custom = message.get("custom") or {}
        finished = (custom.get(KEY) or {}).get(FINISHED) if isinstance(custom, dict) else None
        if finished:
            return str(finished)
    return ""


def after_errand(dispatcher: CollectingDispatcher, tracker: Tracker, token: str,
                 asked: Optional[Future] = None) -> List[Dict[str, Any]]:
    """One sentence offering to certify now, when the errand just finished and the resident's
    certification is due soon; said instead of the closing 您还想办别的事吗, once a visit. Quiet when
    the portal cannot say: the errand's own answer is what matters. `asked`: certification_of,
    already asked while the errand ran (ResidentAction)."""
    errand = _finished_errand(dispatcher.messages)
    if errand in ("", CERTIFICATION.id, CERTIFICATION_REMINDER.id) or tracker.get_slot("certification_reminded"):
        return []
    try:
        certification = asked.result() if asked is not None else certification_of(tracker, token)
    except PortalError as error:
        logger.info("no certification reminder: %s", type(error).__name__)
        return []
    if (certification.due_date - date.today()).days > REMIND_WITHIN_DAYS:
        return [SlotSet("certification_reminded", True)]
    late = certification.status == "overdue"
    sentence = f"养老资格认证{'过期了' if late else '快到期了'}，要现在认证吗？"
    made = CollectingDispatcher()  # the message as utter_message makes it, to put in the closing line's place
    made.utter_message(text=sentence, buttons=[CERTIFY_NOW], json_message=directive(**{SCREEN: CERTIFICATION_SCREEN}))
    reminder = made.messages[0]
    closing = [i for i, message in enumerate(dispatcher.messages) if message.get("response") == "utter_what_else"]
    if closing:  # the offer is the errand's closing question (a result screen has room for one)
        dispatcher.messages[closing[-1]] = reminder
    else:
        dispatcher.messages.append(reminder)
    return [SlotSet("certification_reminded", True)]


def _said_to(value: Any) -> str:
    text = str(value or "")
    if text in (SELF, FAMILY):
        return text
    if any(word in text for word in FAMILY_WORDS):
        return FAMILY
    return SELF if any(word in text for word in SELF_WORDS) else ""


class ValidateCertificationReminderForm(KeypadPhoneForm):
    def name(self) -> str:
        return "validate_certification_reminder_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        return ["reminder_to", "reminder_phone"] if tracker.get_slot("reminder_to") == FAMILY else ["reminder_to"]

    def validate_reminder_to(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        to = _said_to(value)
        if not to:
            return self.failed("reminder_to", dispatcher, tracker, first_time="请点一下，短信发给谁。",
                               explanation="请点“发给我自己”，或者“发给家人”。", buttons=TO_BUTTONS)
        return self.answered("reminder_to", to, tracker)

    def validate_reminder_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[str, Any]:
        phone = number_finder.phone_number(str(value or ""))
        if phone is None:
            return self.failed("reminder_phone", dispatcher, tracker, first_time=PHONE_AGAIN,
                               explanation="手机号是11位数字，以1开头。不知道号码的话，可以先发给您自己。",
                               json_message=directive(**{INPUT: INPUT_PHONE, STEP: "reminder_phone"}))
        # The conversation record keeps the masked number; the full one waits in the vault.
        vault().put(tracker.sender_id, "reminder_phone", phone)
        return self.answered("reminder_phone", mask_phone(phone), tracker)


class ActionAskReminderTo(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_reminder_to"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text="短信提醒发给谁？请点一下。", buttons=TO_BUTTONS,
                                 json_message=directive(**{INPUT: INPUT_CHOICE, STEP: "reminder_to"}))
        return []


class ActionSetCertificationReminder(ResidentAction):
    may_remind = False  # it is the reminder itself

    def name(self) -> str:
        return "action_set_certification_reminder"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        family = tracker.get_slot("reminder_to") == FAMILY
        phone = vault().get(tracker.sender_id, "reminder_phone") if family else None
        cleared = [SlotSet("reminder_to", None), SlotSet("reminder_phone", None)]
        if family and not phone:  # the vault forgot it (a long pause): start again with one tap
            dispatcher.utter_message(text="刚才的号码没有记下来。请您再点一次“提醒家人”。", buttons=[FAMILY_AGAIN])
            return cleared
        reminder = portal().certification_reminder(token, phone, kiosk_of(tracker))
        whose = "" if family else "您"
        dispatcher.utter_message(
            text=f"好的。{when(reminder.remind_on)}，会发短信到{whose}尾号{reminder.masked_phone[-4:]}的手机上，提醒认证。",
            json_message=directive(**{FINISHED: CERTIFICATION_REMINDER.id}))
        dispatcher.utter_message(response="utter_what_else")
        return cleared
