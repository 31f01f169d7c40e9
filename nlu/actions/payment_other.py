"""给别人缴费 (代他人缴费, as at 粤智助): paying anyone's contributions by their identity number.

The number is typed on the keypad and looked up at once; the portal answers a masked name only
(张*华), which the payer confirms before any dues are read. The conversation keeps the masked
number and the lookup id, never the full number. 不是 asks for the number again (or 不交了 ends
it). The payer need not be verified: the portal limits lookups per number and per kiosk. Then
the dues, the choice and the consent as for oneself (payment_forms.PaysDues), and the order for
the lookup (payments.py).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.kiosk_protocol import INPUT, INPUT_ID_NUMBER, INPUT_YES_NO, STEP, directive
from common.masking import mask_id_number
from nlu.actions import payment_dues as dues_
from nlu.actions.forms import KeypadIdNumberForm
from nlu.actions.payment_forms import READ, PaysDues, read_dues
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.resident import kiosk_of
from portal.errors import PortalError, PortalNotFound

NUMBER, CONFIRMED, LOOKUP = "pay_other_number", "pay_other_confirmed", "pay_lookup"
STOP_BUTTON = {"title": "不交了", "payload": "/cancel"}


class ValidatePayOtherForm(PaysDues, KeypadIdNumberForm):
    for_whom = dues_.OTHER

    def name(self) -> str:
        return "validate_pay_other_form"

    def can_go_on(self, tracker: Tracker) -> bool:
        return True  # no verified payer needed

    def ready_to_read(self, tracker: Tracker) -> bool:
        return False  # read once the name is confirmed (validate_pay_other_confirmed)

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        if tracker.get_slot(NUMBER) == dues_.UNAVAILABLE:
            return []  # the portal could not look the number up: said why, the form ends
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)

    def validate_pay_other_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[str, Any]:
        number = self.typed_number(value)
        if number is None:
            return self.failed(NUMBER, dispatcher, tracker, first_time="这个号码好像不对。请您再输一遍。",
                               explanation="身份证号是18位。请照着身份证再输一遍，或者点“找人帮忙”。",
                               json_message=directive(**{INPUT: INPUT_ID_NUMBER, STEP: NUMBER}))
        try:
            found = portal().look_up_payer(number, kiosk_of(tracker))
        except PortalNotFound:
            return self.failed(NUMBER, dispatcher, tracker,
                               first_time="这个身份证号没有查到缴费信息。请您核对一下，再输一遍。",
                               explanation="这个身份证号没有查到缴费信息。请核对一下再输，或者点“找人帮忙”。",
                               buttons=[STOP_BUTTON])
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return {NUMBER: dues_.UNAVAILABLE, READ: dues_.UNAVAILABLE}
        return self.answered(NUMBER, mask_id_number(number), tracker, **{
            LOOKUP: {"lookup_id": found.lookup_id, "masked_name": found.masked_name}, CONFIRMED: None})

    def validate_pay_other_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[str, Any]:
        lookup = tracker.get_slot(LOOKUP) or {}
        if value is False or not lookup:
            dispatcher.utter_message(text="好的。请您核对一下身份证号码，再输一遍。不交了，请点“不交了”。",
                                     buttons=[STOP_BUTTON])
            return {NUMBER: None, CONFIRMED: None, LOOKUP: None}
        if value is not True:
            return {CONFIRMED: None}
        read = read_dues(dispatcher, tracker, dues_.OTHER, lookup_id=lookup["lookup_id"])
        return {CONFIRMED: True, "pay_for": dues_.OTHER, "pay_consent": None, **read}


class ActionAskPayOtherNumber(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_pay_other_number"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text="请输入要交费的那个人的身份证号码。",
                                 json_message=directive(**{INPUT: INPUT_ID_NUMBER, STEP: NUMBER}))
        return []


class ActionAskPayOtherConfirmed(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_pay_other_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        name = (tracker.get_slot(LOOKUP) or {}).get("masked_name", "")
        dispatcher.utter_message(text=f"查到了。是给{name}交吗？",
                                 buttons=[{"title": f"是的，给{name}交", "payload": "/affirm"},
                                          {"title": "不是这个人", "payload": "/deny"}],
                                 json_message=directive(**{INPUT: INPUT_YES_NO, STEP: CONFIRMED}))
        return []
