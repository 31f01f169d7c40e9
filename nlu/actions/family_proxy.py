"""帮家里人办: a verified relative acts for an elder who authorised them (issue 18), and the
elder hears what was done for them the next time they are verified.

The relative chooses the elder (one button each; with one there is nothing to choose); the
conversation then holds a proxy token for that elder (10 minutes, taken again while the
authorisation lasts). Errands marked `for_proxy` (查养老金, 查医保, 查认证) run with it, and so
does 缴费 for the elder's own dues (nlu/actions/payment_forms.py, with the "payment" scope); their
sentences name the elder instead of 您; the portal refuses what the elder did not authorise
(403 proxy_not_allowed), said plainly. Any other errand is the relative's own: the proxy ends
first. The elder's full identity number never reaches the kiosk: the portal gives a masked
name only. Everything done is in the elder's proxy log, read out once (`tell_untold`).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.errands import AUTHORISE, CERTIFICATION, MEDICAL, PAY_SELF, PENSION, PROXY
from common.kiosk_protocol import FINISHED, INPUT, INPUT_CHOICE, STEP, directive
from nlu.actions.formatting import month_day
from nlu.actions.forms import ElderFormValidation
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.resident import TOKEN_MARGIN_SECONDS, ResidentAction, identity_still_valid, kiosk_of
from portal.errors import PortalError, PortalRefused
from portal.family_models import SCOPE_NAMES, Authorisation

NONE = "none"
CHOICE = "proxy_principal"
PROXY_SLOTS = ("proxy_token", "proxy_expires", "proxy_name", "proxy_scopes")
ENDED = [SlotSet(slot, None) for slot in (CHOICE, *PROXY_SLOTS)]
_CERTIFICATION_BUTTON = {"title": "帮家里人查认证", "payload": CERTIFICATION.payload}
# What a relative may do for an elder, by the scope of the authorisation that allows it.
SCOPE_BUTTONS: Dict[str, List[Dict[str, str]]] = {
    "query": [{"title": "帮家里人查养老金", "payload": PENSION.payload},
              {"title": "帮家里人查医保", "payload": MEDICAL.payload}, _CERTIFICATION_BUTTON],
    "certification_reminder": [_CERTIFICATION_BUTTON],
    "payment": [{"title": "帮家里人交费", "payload": PAY_SELF.payload}],
}


def errand_buttons(scopes: List[str]) -> List[Dict[str, str]]:
    """The errand buttons the scopes allow, each once, in the order above."""
    buttons: List[Dict[str, str]] = []
    for scope in scopes:
        buttons += [button for button in SCOPE_BUTTONS.get(scope, []) if button not in buttons]
    return buttons


def elders(tracker: Tracker) -> List[Authorisation]:
    """The elders who authorised this relative (active, in date)."""
    return portal().principals(tracker.get_slot("resident_token"), kiosk_id=kiosk_of(tracker))


def _take_token(tracker: Tracker, authorisation_id: str) -> Dict[str, Any]:
    """A proxy token for one elder: the slots that hold it."""
    taken = portal().proxy_token(tracker.get_slot("resident_token"), authorisation_id, kiosk_of(tracker))
    return {"proxy_token": taken.token, "proxy_expires": time.time() + taken.expires_in,
            "proxy_name": taken.masked_name, "proxy_scopes": ",".join(taken.scopes)}


def acting(tracker: Tracker) -> bool:
    return bool(tracker.get_slot("proxy_token") and tracker.get_slot(CHOICE) not in (None, NONE))


def elder_name(tracker: Tracker) -> str:
    """The masked name of the elder a relative acts for, as the portal gave it."""
    return tracker.get_slot("proxy_name") or "家里人"


def not_allowed(name: str) -> str:
    return f"{name}没有授权您办这件事。要办的话，请{name}本人来办，或者来这里重新给您授权。"


def may_pay(tracker: Tracker) -> bool:
    """The elder's "payment" scope, as the portal gave it with the proxy token."""
    return "payment" in str(tracker.get_slot("proxy_scopes") or "").split(",")


def current_token(tracker: Tracker) -> Tuple[str, Dict[str, Any]]:
    """The proxy token, taken again when it has run out (a relative may take longer over a
    payment than the token lives), with the slots that then hold it; PortalError if it cannot be."""
    if float(tracker.get_slot("proxy_expires") or 0) < time.time() + TOKEN_MARGIN_SECONDS:
        fresh = _take_token(tracker, tracker.get_slot(CHOICE))
        return fresh["proxy_token"], fresh
    return tracker.get_slot("proxy_token"), {}


def run_for(action: ResidentAction, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    """`action` for the elder the relative acts for: with the proxy token (taken again when it
    ran out), its sentences naming the elder; what the elder did not authorise said plainly."""
    name, events = elder_name(tracker), []
    try:
        token, renewed = current_token(tracker)
        events = [SlotSet(slot, value) for slot, value in renewed.items()]
        inner = CollectingDispatcher()
        events += action.answer(inner, tracker, token)
    except PortalRefused as refused:
        if refused.code == "proxy_not_allowed":
            dispatcher.utter_message(text=not_allowed(name))
            dispatcher.utter_message(response="utter_what_else")
            return events
        if refused.code in ("token_invalid", "authorisation_not_found"):
            dispatcher.utter_message(text=f"{name}给您的授权已经结束了，这件事不能再代办了。")
            return ENDED
        dispatcher.utter_message(text=sentence_for(refused))
        return events
    except PortalError as error:
        dispatcher.utter_message(text=sentence_for(error))
        return events
    for message in inner.messages:
        text = message.get("text") or ""
        if text.startswith("您"):  # "您12月的养老金…" is the elder's: "张*英12月的养老金…"
            message["text"] = name + text[1:]
        dispatcher.messages.append(message)
    return events


def before_own_errand(dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
    """Before an errand of the resident's own: a proxy still held ends (said once), or else the
    untold proxy log is read out (once: it is marked told)."""
    if tracker.get_slot("proxy_token"):
        name = elder_name(tracker)
        dispatcher.utter_message(text=f"好的，不帮{name}办了。这件事是给您自己办的。")
        return ENDED
    return tell_untold(dispatcher, tracker, token)


def tell_untold(dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
    """'您女儿陈*梅在12月3日帮您查了养老金、查了医保。', then marked told, so never said twice."""
    try:
        actions = portal().proxy_log(token, untold=True, kiosk_id=kiosk_of(tracker))
        if not actions:
            return []
        grouped: OrderedDict[tuple, List[str]] = OrderedDict()
        for entry in actions:
            done = grouped.setdefault((entry.relationship, entry.masked_name, month_day(entry.at.date())), [])
            if entry.detail not in done:
                done.append(entry.detail)
        dispatcher.utter_message(text="".join(f"您{relation}{name}在{day}帮您{'、'.join(done)}。"
                                              for (relation, name, day), done in grouped.items()))
        portal().mark_told(token, [entry.id for entry in actions], kiosk_id=kiosk_of(tracker))
    except PortalError:
        pass  # told next time: the errand goes on
    return []


def _matching(value: str, grants: List[Authorisation]) -> Optional[Authorisation]:
    value = value.strip()
    found = next((g for g in grants if g.authorisation_id == value), None)
    if found:
        return found
    by_name = [g for g in grants if g.masked_name in value]
    if len(by_name) == 1:
        return by_name[0]
    for position, words in enumerate(("第一", "第二", "第三", "第四", "第五")):
        if words in value and position < len(grants):
            return grants[position]
    return None


def choice_buttons(grants: List[Authorisation]) -> List[Dict[str, str]]:
    return [{"title": g.masked_name, "payload": f'/inform{{"{CHOICE}": "{g.authorisation_id}"}}'} for g in grants]


class ValidateProxyForm(ElderFormValidation):
    def name(self) -> str:
        return "validate_proxy_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        return domain_slots if identity_still_valid(tracker) else []

    async def extract_proxy_principal(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[str, Any]:
        """Before the question: nobody, or only one elder, to choose from."""
        if tracker.get_slot("requested_slot") == CHOICE or not identity_still_valid(tracker):
            return {}
        try:
            grants = elders(tracker)
        except PortalError:
            return {}  # the question says what went wrong
        if len(grants) <= 1:
            return {CHOICE: grants[0].authorisation_id if grants else NONE}
        return {CHOICE: None}  # a choice from before: chosen again

    def validate_proxy_principal(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[str, Any]:
        if value == NONE:
            return {CHOICE: NONE}
        try:
            grants = elders(tracker)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return {CHOICE: None}
        if not grants:
            return {CHOICE: NONE}
        found = _matching(str(value or ""), grants)
        if found is None:
            return self.failed(CHOICE, dispatcher, tracker, first_time="请点一下您要帮谁办。",
                               explanation="请点一下下面的一位家里人。都不是的话，请点“找人帮忙”。",
                               buttons=choice_buttons(grants))
        return self.answered(CHOICE, found.authorisation_id, tracker)


class ActionAskProxyPrincipal(Action):
    def name(self) -> str:
        return "action_ask_proxy_principal"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        try:
            grants = elders(tracker)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        dispatcher.utter_message(text=f"有{len(grants)}位家里人授权您帮他们办事。您要帮谁办？请点一下。",
                                 buttons=choice_buttons(grants),
                                 json_message=directive(**{INPUT: INPUT_CHOICE, STEP: CHOICE}))
        return []


class ActionStartProxy(ResidentAction):
    """The proxy token for the chosen elder, and what the relative may do for them."""

    starts_proxy = True

    def name(self) -> str:
        return "action_start_proxy"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        choice = tracker.get_slot(CHOICE)
        if not choice or choice == NONE:
            dispatcher.utter_message(
                text="现在还没有家里人授权您帮他们办事。请家里人带上身份证来这里，点“授权家人代办”。",
                buttons=[{"title": "授权家人代办", "payload": AUTHORISE.payload}],
                json_message=directive(**{INPUT: INPUT_CHOICE}))
            return ENDED
        held = _take_token(tracker, choice)
        name, scopes = held["proxy_name"], held["proxy_scopes"].split(",")
        what = "、".join(SCOPE_NAMES[scope] for scope in scopes)
        text, buttons = f"好的，现在是帮{name}办。{name}授权您：{what}。", errand_buttons(scopes)
        if "query" not in scopes:
            text += "不能代查养老金和医保。"
        if buttons:
            text += "请点一下要代办的事。"
        dispatcher.utter_message(text=text, buttons=buttons,
                                 json_message=directive(**{INPUT: INPUT_CHOICE, FINISHED: PROXY.id}))
        return [SlotSet(slot, value) for slot, value in held.items()]
