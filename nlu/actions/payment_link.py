"""The payment link by SMS to a relative far away, from the payment screen (发短信给家人).

The order shown is sent on: the relative's phone number (typed on the keypad, kept in full
only in the vault, masked in the conversation), read back, then sent through the portal,
which keeps the order open for 24 hours. The relative's SMS names whose dues, what and how
much, and the payee; the resident hears where it went.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import number_finder
from common.errands import PAY_LINK
from common.kiosk_protocol import FINISHED, INPUT, INPUT_PHONE, INPUT_YES_NO, RESULT, STEP, directive
from common.masking import mask_phone
from nlu.actions.forms import KeypadPhoneForm, yes_or_no
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.resident import kiosk_of
from nlu.actions.vault import vault
from portal.errors import PortalError, PortalRefused

PHONE = "pay_link_phone"
ASK_PHONE = "请输入家人的手机号码。付款短信会发到这个号码上。"


class ValidatePayLinkForm(KeypadPhoneForm):
    def name(self) -> str:
        return "validate_pay_link_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        # No order on screen: nothing to send (the action says so).
        return domain_slots if tracker.get_slot("pay_order_id") else []

    def validate_pay_link_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[str, Any]:
        phone = number_finder.phone_number(str(value or ""))
        if phone is None:
            return self.failed(PHONE, dispatcher, tracker, first_time="这个手机号好像不对。请再输一遍。",
                               explanation="手机号是11位数字，以1开头。请再输一遍，或者点“找人帮忙”。",
                               json_message=directive(**{INPUT: INPUT_PHONE, STEP: PHONE}))
        vault().put(tracker.sender_id, PHONE, phone)  # the conversation keeps it masked
        return self.answered(PHONE, mask_phone(phone), tracker)

    def validate_pay_link_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[str, Any]:
        return yes_or_no("pay_link_confirmed", value)


class ActionAskPayLinkPhone(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_pay_link_phone"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=ASK_PHONE, json_message=directive(**{INPUT: INPUT_PHONE, STEP: PHONE}))
        return []


class ActionAskPayLinkConfirmed(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_pay_link_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=f"把付款短信发到{tracker.get_slot(PHONE)}，对吗？",
                                 buttons=[{"title": "是的，发", "payload": "/affirm"},
                                          {"title": "不发了", "payload": "/deny"}],
                                 json_message=directive(**{INPUT: INPUT_YES_NO, STEP: "pay_link_confirmed"}))
        return []


class ActionSendPayLink(Action):
    def name(self) -> str:
        return "action_send_pay_link"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        clear = [SlotSet(slot, None) for slot in PAY_LINK.form.slots]
        order_id = tracker.get_slot("pay_order_id")
        phone = vault().get(tracker.sender_id, PHONE)
        if not order_id:
            dispatcher.utter_message(text="现在没有要付的单子。要交费，请点“缴费”。")
            return clear
        if tracker.get_slot("pay_link_confirmed") is not True:
            dispatcher.utter_message(text="好的，短信没有发。还可以扫码付款。", buttons=[
                {"title": "我付好了", "payload": "/payment_update"}, {"title": "不交了", "payload": "/payment_cancel"}])
            return clear
        if not phone:  # the vault forgot it (a long pause): ask again
            dispatcher.utter_message(text="刚才的号码没有记下来。请您再点一次“发短信给家人”。",
                                     buttons=[{"title": "发短信给家人", "payload": PAY_LINK.payload}])
            return clear
        try:
            sent = portal().send_pay_link(order_id, phone, kiosk_of(tracker))
        except PortalRefused as refused:
            closed = refused.code == "order_closed"
            dispatcher.utter_message(text="这笔单子已经付了或者关了，短信没有发。" if closed else sentence_for(refused),
                                     buttons=[{"title": "看一下付款结果", "payload": "/payment_update"}])
            return clear
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return clear
        hours = sent.expires_in // 3600
        dispatcher.utter_message(
            text=f"短信发好了，发到{sent.masked_phone}。家人打开短信里的链接就能付款，{hours}小时内有效。",
            json_message=directive(**{RESULT: {"title": "付款短信已发送", "value": sent.masked_phone,
                                               "note": f"{hours}小时内有效"}, FINISHED: PAY_LINK.id}))
        dispatcher.utter_message(response="utter_what_else")
        return clear
