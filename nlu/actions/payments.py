"""Paying contributions by QR code: for whom, the order (after the payer's consent only), and
following it until it is paid, expires or is cancelled.

The order is the portal's; the kiosk shows its QR code big with the amount and the payee
(the PAYMENT directive) and follows it (kiosk/payment_desk.py, through payment_route.py), then
says /payment_update, as does a resident who says 我付好了. An expired order says so and offers
a new code for the same dues; a paid one gives a printable receipt. Nothing is paid twice:
the portal pays an order once, and a new order for the same dues replaces the old code.
"""

from __future__ import annotations

import hashlib
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.errands import PAY_FAMILY, PAY_LINK, PAY_OTHER, PAY_SELF
from common.kiosk_protocol import FINISHED, INPUT, INPUT_CHOICE, PAYMENT, PRINTABLE, RESULT, SCREEN, STEP, directive
from nlu.actions import family_proxy
from nlu.actions import payment_dues as dues_
from nlu.actions.formatting import yuan
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.practice import practising
from nlu.actions.resident import identity_still_valid, kiosk_of
from portal.errors import PortalError, PortalRefused
from portal.payment_models import Order

SCAN = "请用手机扫这个码付款，或者请家人扫码。"
PAID_BUTTON = {"title": "我付好了", "payload": "/payment_update"}
STOP_BUTTON = {"title": "不交了", "payload": "/payment_cancel"}
NEW_BUTTON = {"title": "重新生成付款码", "payload": "/payment_new_order"}
LINK_BUTTON = {"title": "发短信给家人", "payload": PAY_LINK.payload}
FORM_SLOTS = ("pay_dues_read", "pay_dues", "pay_consent", "pay_member", "pay_members", "pay_other_number",
              "pay_other_confirmed", "pay_lookup")


def order_key(tracker: Tracker, due_ids: List[str]) -> str:
    """The same consent turn (a retried call) makes the same order; a new turn a new one."""
    said_at = next((e.get("timestamp") for e in reversed(tracker.events) if e.get("event") == "user"), "")
    return hashlib.sha256(f"{tracker.sender_id}|{','.join(due_ids)}|{said_at}".encode()).hexdigest()[:40]


def show_order(dispatcher: CollectingDispatcher, order: Order, intro: str = "") -> None:
    """The QR code big, with what, how much and to whom; and what to do."""
    dispatcher.utter_message(
        text=f"{intro}{SCAN}一共{yuan(order.amount)}，交给{order.payee}。付好了，请点“我付好了”。",
        buttons=[PAID_BUTTON, LINK_BUTTON, STOP_BUTTON],
        json_message=directive(**{PAYMENT: {"order_id": order.order_id, "pay_url": order.pay_url,
                                            "amount": yuan(order.amount), "payee": order.payee,
                                            "whose": order.masked_name, "items": [order.what],
                                            "expires_in": order.expires_in, "practice": practising.get()},
                                  INPUT: INPUT_CHOICE}))


def make_order(tracker: Tracker, due_ids: List[str], pay_for: str) -> Tuple[Order, List[Dict[str, Any]]]:
    """pay_for: self, member:<member id>, other:<lookup id> (the payer's token if verified, else
    none) or proxy (the elder's own, with the proxy token a relative holds, taken again if it ran
    out: the events that keep the new one come back with the order)."""
    kind, _, ref = pay_for.partition(":")
    key, kiosk = order_key(tracker, due_ids), kiosk_of(tracker)
    if kind == dues_.OTHER:
        token = tracker.get_slot("resident_token") if identity_still_valid(tracker) else None
        return portal().create_order(due_ids, key, kiosk, token=token, lookup_id=ref), []
    if kind == dues_.PROXY:
        token, renewed = family_proxy.current_token(tracker)
        return (portal().create_order(due_ids, key, kiosk, token=token),
                [SlotSet(slot, value) for slot, value in renewed.items()])
    return portal().create_order(due_ids, key, kiosk, token=tracker.get_slot("resident_token"),
                                 member_id=ref if kind == dues_.MEMBER else None), []


def order_for(tracker: Tracker) -> str:
    """What the finished form pays for, in make_order's words."""
    whom, member, lookup = tracker.get_slot("pay_for"), tracker.get_slot("pay_member"), tracker.get_slot("pay_lookup")
    if whom == dues_.MEMBER and member:
        return f"{dues_.MEMBER}:{member}"
    if whom == dues_.OTHER and lookup:
        return f"{dues_.OTHER}:{lookup['lookup_id']}"
    return dues_.PROXY if whom == dues_.PROXY else dues_.SELF


class ActionAskPayer(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_payer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        other = {"title": "给别人交", "payload": PAY_OTHER.payload}
        buttons = [{"title": "给自己交", "payload": PAY_SELF.payload},
                   {"title": "给家里人交", "payload": PAY_FAMILY.payload}, other]
        if family_proxy.acting(tracker):  # a relative acting for an elder: 给自己交 is the elder's
            buttons = [{"title": f"给{family_proxy.elder_name(tracker)}交", "payload": PAY_SELF.payload},
                       other]
        dispatcher.utter_message(text="给谁交费？请点一下。", buttons=buttons,
                                 json_message=directive(**{INPUT: INPUT_CHOICE, STEP: "payer"}))
        return []


class ActionCreatePaymentOrder(Action):
    """The end of a payment form: nothing to pay, the payer said 不交了, or the order."""

    def name(self) -> str:
        return "action_create_payment_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        clear = [SlotSet(slot, None) for slot in FORM_SLOTS]
        pay_for = order_for(tracker)
        if not pay_for.startswith(dues_.OTHER) and not identity_still_valid(tracker):
            dispatcher.utter_message(json_message=directive(**{SCREEN: "home"}))
            return clear + [SlotSet("identity_stop", None)]
        read = tracker.get_slot("pay_dues_read")
        if read in (dues_.NOTHING, dues_.UNAVAILABLE):  # already said why
            dispatcher.utter_message(response="utter_what_else")
            return clear
        if tracker.get_slot("pay_consent") is not True:
            dispatcher.utter_message(text="好的，这次不交了，没有扣钱。")
            dispatcher.utter_message(response="utter_what_else")
            return clear
        due_ids = str(tracker.get_slot("pay_dues") or "").split(",")
        try:
            order, renewed = make_order(tracker, due_ids, pay_for)
        except PortalError as error:
            dispatcher.utter_message(text=paid_already(error) or refusal(error, tracker))
            return clear
        show_order(dispatcher, order)
        return clear + renewed + [SlotSet("pay_order_id", order.order_id), SlotSet("pay_for", pay_for)]


def refusal(error: PortalError, tracker: Tracker) -> str:
    """What the elder did not authorise (代办) is said plainly; anything else as always."""
    if isinstance(error, PortalRefused) and error.code == "proxy_not_allowed":
        return family_proxy.not_allowed(family_proxy.elder_name(tracker))
    return sentence_for(error)


def paid_already(error: PortalError) -> Optional[str]:
    if isinstance(error, PortalRefused) and error.code == "already_paid":
        return "这笔费已经交过了，不用再交。"
    return None


def receipt(dispatcher: CollectingDispatcher, order: Order, pay_for: str) -> None:
    errand = {dues_.MEMBER: PAY_FAMILY, dues_.OTHER: PAY_OTHER}.get(pay_for.partition(":")[0], PAY_SELF)
    dispatcher.utter_message(
        text=f"交好了。{order.what}，一共{yuan(order.amount)}，已经交上了。要凭条的话，请点“打印凭条”。",
        json_message=directive(**{RESULT: {"title": "缴费成功", "value": yuan(order.amount), "note": order.what},
                                  PRINTABLE: True, FINISHED: errand.id}))
    dispatcher.utter_message(response="utter_what_else")


FOLLOWED = ("pay_order_id", "pay_for")


class ActionPaymentUpdate(Action):
    """/payment_update (the kiosk saw the order change) or 我付好了: what the order is now."""

    def name(self) -> str:
        return "action_payment_update"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        order_id = tracker.get_slot("pay_order_id")
        if not order_id:
            dispatcher.utter_message(text="现在没有等着付款的单子。")
            dispatcher.utter_message(response="utter_what_else")
            return []
        try:
            order = portal().order(order_id, kiosk_of(tracker))
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error), buttons=[PAID_BUTTON, STOP_BUTTON])
            return []
        return answer_for(dispatcher, order, str(tracker.get_slot("pay_for") or dues_.SELF))


def answer_for(dispatcher: CollectingDispatcher, order: Order, pay_for: str) -> List[Dict[str, Any]]:
    done = [SlotSet(slot, None) for slot in FOLLOWED]
    if order.status == "paid":
        receipt(dispatcher, order, pay_for)
        return done
    if order.status == "expired":
        dispatcher.utter_message(text="付款码过期了，没有扣钱。要重新生成一个付款码吗？",
                                 buttons=[NEW_BUTTON, STOP_BUTTON], json_message=directive(**{INPUT: INPUT_CHOICE}))
        return []
    if order.status == "cancelled":
        dispatcher.utter_message(text="这笔单子已经取消了，没有扣钱。")
        dispatcher.utter_message(response="utter_what_else")
        return done
    show_order(dispatcher, order, intro="还没有收到付款。")
    return []


class ActionPaymentNewOrder(Action):
    """A new QR code for the same dues (after the old one expired): the consent stands."""

    def name(self) -> str:
        return "action_payment_new_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        order_id = tracker.get_slot("pay_order_id")
        if not order_id:
            dispatcher.utter_message(text="现在没有要付的单子。要交费，请点“缴费”。")
            return []
        pay_for = str(tracker.get_slot("pay_for") or "")
        if not pay_for.startswith(dues_.OTHER) and not identity_still_valid(tracker):
            dispatcher.utter_message(text="刚才的验证过期了。请重新点“缴费”。")
            return [SlotSet(slot, None) for slot in FOLLOWED]
        try:
            old = portal().order(order_id, kiosk_of(tracker))
            order, renewed = make_order(tracker, [item.due_id for item in old.items], pay_for)
        except PortalError as error:
            dispatcher.utter_message(text=paid_already(error) or refusal(error, tracker))
            dispatcher.utter_message(response="utter_what_else")
            return [SlotSet(slot, None) for slot in FOLLOWED]
        show_order(dispatcher, order, intro="新的付款码好了。")
        return renewed + [SlotSet("pay_order_id", order.order_id)]


class ActionPaymentCancel(Action):
    def name(self) -> str:
        return "action_payment_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        order_id = tracker.get_slot("pay_order_id")
        done = [SlotSet(slot, None) for slot in FOLLOWED]
        if order_id:
            try:
                portal().cancel_order(order_id, kiosk_of(tracker))
            except PortalRefused as refused:
                if refused.code != "already_paid":
                    dispatcher.utter_message(text=sentence_for(refused))
                    return []
                return answer_for(dispatcher, portal().order(order_id, kiosk_of(tracker)),
                                  str(tracker.get_slot("pay_for") or dues_.SELF))
            except PortalError as error:
                dispatcher.utter_message(text=sentence_for(error), buttons=[STOP_BUTTON])
                return []
        dispatcher.utter_message(text="好的，这笔不交了，没有扣钱。")
        dispatcher.utter_message(response="utter_what_else")
        return done


class ActionPracticePay(Action):
    """A guided lesson "pays" on the sandbox's page for the learner; never in a real visit."""

    def name(self) -> str:
        return "action_practice_pay"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        order_id = tracker.get_slot("pay_order_id")
        if not practising.get() or not order_id:
            dispatcher.utter_message(text="请用手机扫码付款。付好了，请点“我付好了”。", buttons=[PAID_BUTTON])
            return []
        try:
            client = portal()
            client.sandbox_pay(client.order(order_id, kiosk_of(tracker)).pay_url)
            order = client.order(order_id, kiosk_of(tracker))
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        return answer_for(dispatcher, order, str(tracker.get_slot("pay_for") or dues_.SELF))
