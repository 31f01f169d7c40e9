"""The payment forms: for whom (a household member), what is due (shown and said before any
money is asked for), which dues, and the payer's consent.

The dues are read once, when the form starts (or once the member is chosen), and kept in
`pay_open`; with one open due it is chosen for the resident, and the consent question then
carries the reading. With nothing open (or the portal out of reach) the form ends at once
and the order action says so. No order is made without 同意付款 (payments.py).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.kiosk_protocol import INPUT, INPUT_CHOICE, INPUT_YES_NO, STEP, directive
from nlu.actions import family_proxy
from nlu.actions import payment_dues as dues_
from nlu.actions.formatting import yuan
from nlu.actions.forms import ElderFormValidation, yes_or_no
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.resident import identity_still_valid, kiosk_of
from portal.errors import PortalError

READ = "pay_dues_read"
PENDING = "pending"  # pay_dues_read before the portal is asked


class PaysDues(ElderFormValidation):
    """Shared by the self and household forms: the reading, the choice, the consent."""

    for_whom = dues_.SELF

    def whose(self, tracker: Tracker) -> str:
        return self.for_whom

    def can_go_on(self, tracker: Tracker) -> bool:
        """The payer verified (pay_other needs no verified payer)."""
        return identity_still_valid(tracker)

    def ready_to_read(self, tracker: Tracker) -> bool:
        return True

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        if not self.can_go_on(tracker):
            return []  # the identity step said why
        if tracker.get_slot(READ) in (dues_.NOTHING, dues_.UNAVAILABLE):
            return domain_slots[:domain_slots.index(READ) + 1]  # filled: the form ends
        return domain_slots

    async def extract_pay_dues_read(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[str, Any]:
        """Marks the dues as to be read; validate_pay_dues_read reads them (rasa_sdk keeps only
        the slots a validation returns, not others set by an extraction)."""
        # Read when the form starts (nothing asked yet: no requested_slot), also after an earlier
        # payment form of this visit was cancelled half-way: what is due is never stale.
        started = not tracker.get_slot("requested_slot")
        if (tracker.get_slot(READ) and not started) or not self.ready_to_read(tracker):
            return {}
        return {READ: PENDING} if self.can_go_on(tracker) else {}

    def validate_pay_dues_read(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[str, Any]:
        if value != PENDING:
            return {READ: value}
        whose = self.whose(tracker)
        if whose == dues_.PROXY and not family_proxy.may_pay(tracker):
            dispatcher.utter_message(text=family_proxy.not_allowed(family_proxy.elder_name(tracker)))
            return {READ: dues_.UNAVAILABLE}
        return {**read_dues(dispatcher, tracker, whose), "pay_for": whose, "pay_consent": None}

    def validate_pay_dues(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[str, Any]:
        ids = dues_.chosen(tracker.get_slot("pay_open") or {}, str(value or ""))
        if not ids:
            return self.failed("pay_dues", dispatcher, tracker, first_time="请点一下要交的费。",
                               explanation="请点一下下面的一个按钮，比如“都交”。",
                               buttons=dues_buttons(tracker.get_slot("pay_open") or {}))
        return self.answered("pay_dues", ",".join(ids), tracker)

    def validate_pay_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        return yes_or_no("pay_consent", value)


class ValidatePaySelfForm(PaysDues):
    """One's own dues; for a relative acting for an elder (代办), the elder's."""

    def name(self) -> str:
        return "validate_pay_self_form"

    def whose(self, tracker: Tracker) -> str:
        return dues_.PROXY if family_proxy.acting(tracker) else dues_.SELF


class ValidatePayFamilyForm(PaysDues):
    for_whom = dues_.MEMBER

    def name(self) -> str:
        return "validate_pay_family_form"

    def ready_to_read(self, tracker: Tracker) -> bool:
        return False  # read once the member is known (validate_pay_member)

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        if tracker.get_slot("pay_members") == []:
            return ["pay_member"]  # nobody in the household: filled with "none", the form ends
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)

    async def extract_pay_member(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[str, Any]:
        if tracker.get_slot("pay_member") or tracker.get_slot("requested_slot") == "pay_member":
            return {}
        if not identity_still_valid(tracker) or tracker.get_slot("pay_members") is not None:
            return {}
        try:
            members = household(tracker)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return {"pay_member": dues_.UNAVAILABLE}
        if not members:
            dispatcher.utter_message(text="系统里还没有登记您家里人的信息。请您点“找人帮忙”，工作人员会帮您。")
            return {"pay_member": dues_.NOTHING}
        if len(members) == 1:
            return {"pay_member": members[0]["member_id"]}  # the only one: validated (and read) below
        return {}

    def validate_pay_member(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[str, Any]:
        if value in (dues_.NOTHING, dues_.UNAVAILABLE):
            return {"pay_member": value, "pay_members": [], READ: value}
        try:
            members = household(tracker)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return {"pay_member": None}
        text = str(value or "").strip()
        found = next((m for m in members if m["member_id"] == text), None) or next(
            (m for m in members if m["relationship"] and m["relationship"] in text), None)
        if found is None:
            return self.failed("pay_member", dispatcher, tracker, first_time="请点一下给谁交。",
                               explanation="请点一下下面的一个人。不在里面的话，请点“找人帮忙”。",
                               buttons=member_buttons(members))
        read = read_dues(dispatcher, tracker, dues_.MEMBER, found["member_id"])
        return self.answered("pay_member", found["member_id"], tracker, pay_members=members, pay_for=dues_.MEMBER,
                             **read)


def read_dues(dispatcher: CollectingDispatcher, tracker: Tracker, for_whom: str,
              member_id: Optional[str] = None, lookup_id: Optional[str] = None) -> Dict[str, Any]:
    """pay_dues_read, pay_open and pay_dues, from one portal call; with nothing open, said at
    once. The only open due is chosen for the resident; an earlier half-done choice is not kept.
    A relative's proxy token that ran out is taken again (its slots come back with the rest)."""
    renewed: Dict[str, Any] = {}
    try:
        token = None
        if for_whom == dues_.PROXY:
            token, renewed = family_proxy.current_token(tracker)
        dues = dues_.fetch(tracker, member_id, for_whom, lookup_id, proxy_token=token)
    except PortalError as error:
        dispatcher.utter_message(text=sentence_for(error))
        return {READ: dues_.UNAVAILABLE, "pay_dues": None, **renewed}
    kept = dues_.kept(dues, for_whom)
    reading = dues_.reading(dues, for_whom)
    only = dues.open[0].due_id if len(dues.open) == 1 else None
    if not dues.open:
        dispatcher.utter_message(text=reading)
        return {READ: dues_.NOTHING, "pay_open": kept, "pay_dues": None, **renewed}
    return {READ: reading, "pay_open": kept, "pay_dues": only, **renewed}


def household(tracker: Tracker) -> List[Dict[str, str]]:
    members = portal().family_members(tracker.get_slot("resident_token"), kiosk_id=kiosk_of(tracker)).members
    return [{"member_id": m.member_id, "masked_name": m.masked_name, "relationship": m.relationship}
            for m in members]


def member_buttons(members: List[Dict[str, str]]) -> List[Dict[str, str]]:
    return [{"title": f"{m['relationship']} {m['masked_name']}",
             "payload": f'/inform{{"pay_member": "{m["member_id"]}"}}'} for m in members]


def dues_buttons(kept: Dict[str, Any]) -> List[Dict[str, str]]:
    items = kept.get("open") or []
    buttons = [{"title": f"{item['what']} {yuan(dues_.total([item]))}",
                "payload": f'/inform{{"pay_dues": "{item["due_id"]}"}}'} for item in items]
    if len(items) > 1:
        buttons.append({"title": f"都交 {yuan(dues_.total(items))}",
                        "payload": f'/inform{{"pay_dues": "{dues_.ALL}"}}'})
    return buttons


class ActionAskPayMember(Action):
    def name(self) -> str:
        return "action_ask_pay_member"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        try:
            members = household(tracker)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        dispatcher.utter_message(text="给家里哪一位交？请点一下。", buttons=member_buttons(members),
                                 json_message=directive(**{INPUT: INPUT_CHOICE, STEP: "pay_member"}))
        return []


class ActionAskPayDues(Action):
    waits = False  # everything was read when the form started: runs on the event loop

    def name(self) -> str:
        return "action_ask_pay_dues"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        kept = tracker.get_slot("pay_open") or {}
        dispatcher.utter_message(text=f"{tracker.get_slot(READ) or ''}要交哪一个？请点一下。",
                                 buttons=dues_buttons(kept),
                                 json_message=directive(**{INPUT: INPUT_CHOICE, STEP: "pay_dues"}))
        return []


def consent_question(tracker: Tracker) -> str:
    kept = tracker.get_slot("pay_open") or {}
    items = dues_.items_of(kept, str(tracker.get_slot("pay_dues") or "").split(","))
    whom = "您自己" if kept.get("for") == dues_.SELF else kept.get("name", "")
    # With one open due the dues question was never asked: the reading comes first.
    read = tracker.get_slot(READ) if len(kept.get("open") or []) == 1 else ""
    return (f"{read or ''}给{whom}交{'、'.join(item['what'] for item in items)}，一共{yuan(dues_.total(items))}，"
            f"收款单位是{kept.get('payee', '')}。同意付款吗？")


class ActionAskPayConsent(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_pay_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=consent_question(tracker),
                                 buttons=[{"title": "同意付款", "payload": "/affirm"},
                                          {"title": "不交了", "payload": "/deny"}],
                                 json_message=directive(**{INPUT: INPUT_YES_NO, STEP: "pay_consent"}))
        return []
