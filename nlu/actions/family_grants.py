"""我的授权: whom the verified resident has authorised (who, what, until when), and withdrawing
one after an explicit yes (portal/sandbox/family.py: withdrawn at once, tokens and all).

Which authorisation is meant is chosen like an appointment (nlu/actions/appointment_manage.py):
with one it is that one; otherwise one button per authorisation; with none the form ends at
once and the action says so.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.errands import AUTHORISATION_WITHDRAW, AUTHORISE, MY_AUTHORISATIONS
from common.kiosk_protocol import FINISHED, INPUT, INPUT_CHOICE, INPUT_YES_NO, RESULT, STEP, directive
from nlu.actions.forms import NONE, Choice, ElderFormValidation, yes_or_no
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.resident import ResidentAction, identity_still_valid, kiosk_of
from portal.errors import PortalError
from portal.family_models import Authorisation

CHOICE = "authorisation_choice"
AUTHORISE_BUTTON = {"title": "授权家人代办", "payload": AUTHORISE.payload}
WITHDRAW_BUTTON = {"title": "取消授权", "payload": AUTHORISATION_WITHDRAW.payload}
HOME_BUTTON = {"title": "回首页", "payload": "/cancel"}


def granted(tracker: Tracker) -> List[Authorisation]:
    """The resident's authorisations: active ones, and those waiting for the relative's code."""
    return portal().authorisations(tracker.get_slot("resident_token"), kiosk_id=kiosk_of(tracker))


def until_words(grant: Authorisation) -> str:
    if grant.status == "pending" or grant.valid_until is None:
        return "还在等家人输验证码"
    day = grant.valid_until
    return f"到{day.year}年{day.month}月{day.day}日"


def spoken(grant: Authorisation) -> str:
    """'女儿陈*梅，可以帮您查询、认证提醒，到2027年1月2日'."""
    return f"{grant.relationship}{grant.masked_name}，可以帮您{grant.scope_words}，{until_words(grant)}"


def _matching(value: str, grants: List[Authorisation]) -> Optional[Authorisation]:
    """By its id (a tapped button), by who ("我女儿的"), or by its place ("第一个")."""
    value = value.strip()
    found = next((g for g in grants if g.authorisation_id == value), None)
    if found:
        return found
    by_who = [g for g in grants if g.relationship in value or g.masked_name in value]
    if len(by_who) == 1:
        return by_who[0]
    for position, words in enumerate(("第一", "第二", "第三", "第四", "第五")):
        if words in value and position < len(grants):
            return grants[position]
    return None


def choice_buttons(grants: List[Authorisation]) -> List[Dict[str, str]]:
    return [{"title": f"{g.relationship} {g.masked_name}", "payload": f'/inform{{"{CHOICE}": "{g.authorisation_id}"}}'}
            for g in grants]


GRANT_CHOICE = Choice(granted, _matching, lambda item: item.authorisation_id, choice_buttons,
                      first_time="请点一下要取消哪一位家人的授权。",
                      explanation="请点一下下面的一位家人。都不是的话，请点“找人帮忙”。")


def say_none(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(text="您还没有授权家人帮您办事。要授权吗？请点一下。",
                             buttons=[AUTHORISE_BUTTON, HOME_BUTTON], json_message=directive(**{INPUT: INPUT_CHOICE}))


class ActionMyAuthorisations(ResidentAction):
    def name(self) -> str:
        return "action_my_authorisations"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        grants = granted(tracker)
        if not grants:
            say_none(dispatcher)
            return []
        said = "".join(f"第{n}位，{spoken(g)}。" for n, g in enumerate(grants, 1))
        dispatcher.utter_message(
            text=f"您授权了{len(grants)}位家人。{said}要取消，请点“取消授权”。",
            buttons=[WITHDRAW_BUTTON, AUTHORISE_BUTTON, HOME_BUTTON],
            json_message=directive(**{INPUT: INPUT_CHOICE, FINISHED: MY_AUTHORISATIONS.id}))
        return []


class ValidateAuthorisationWithdrawForm(ElderFormValidation):
    def name(self) -> str:
        return "validate_authorisation_withdraw_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        if not identity_still_valid(tracker):
            return []
        if tracker.get_slot(CHOICE) == NONE:
            return [CHOICE]
        return domain_slots

    async def extract_authorisation_choice(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                           domain: DomainDict) -> Dict[str, Any]:
        """Before the question: none, or only one, to choose from."""
        if tracker.get_slot(CHOICE) or tracker.get_slot("requested_slot") == CHOICE:
            return {}
        if not identity_still_valid(tracker):
            return {}
        try:
            grants = granted(tracker)
        except PortalError:
            return {}  # the question says what went wrong
        if len(grants) <= 1:
            return {CHOICE: grants[0].authorisation_id if grants else NONE}
        return {}

    def validate_authorisation_choice(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[str, Any]:
        return self.chosen(CHOICE, GRANT_CHOICE, value, dispatcher, tracker)

    def validate_withdraw_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[str, Any]:
        return yes_or_no("withdraw_confirmed", value)


class ActionAskAuthorisationChoice(Action):
    def name(self) -> str:
        return "action_ask_authorisation_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        try:
            grants = granted(tracker)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        if not grants:
            say_none(dispatcher)
            return []
        dispatcher.utter_message(text=f"您授权了{len(grants)}位家人。要取消哪一位的？请点一下。",
                                 buttons=choice_buttons(grants),
                                 json_message=directive(**{INPUT: INPUT_CHOICE, STEP: CHOICE}))
        return []


def _chosen(tracker: Tracker) -> Optional[Authorisation]:
    return next((g for g in granted(tracker) if g.authorisation_id == tracker.get_slot(CHOICE)), None)


class ActionAskWithdrawConfirmed(Action):
    def name(self) -> str:
        return "action_ask_withdraw_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        try:
            grant = _chosen(tracker)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        if grant is None:  # withdrawn meanwhile: choose again
            return [SlotSet(CHOICE, None), SlotSet("requested_slot", CHOICE)] + \
                await ActionAskAuthorisationChoice().run(dispatcher, tracker, domain)
        dispatcher.utter_message(
            text=f"要取消这个授权吗？{spoken(grant)}。取消以后，{grant.masked_name}就不能再帮您办了。",
            buttons=[{"title": "是的，取消", "payload": "/affirm"}, {"title": "不取消", "payload": "/deny"}],
            json_message=directive(**{INPUT: INPUT_YES_NO, STEP: "withdraw_confirmed"}))
        return []


class ActionWithdrawAuthorisation(ResidentAction):
    def name(self) -> str:
        return "action_withdraw_authorisation"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        clear = [SlotSet(slot, None) for slot in AUTHORISATION_WITHDRAW.form.slots]
        choice = tracker.get_slot(CHOICE)
        if choice == NONE or not choice:
            say_none(dispatcher)
            return clear
        if tracker.get_slot("withdraw_confirmed") is not True:
            dispatcher.utter_message(text="好的，授权给您留着，没有取消。")
            dispatcher.utter_message(response="utter_what_else")
            return clear
        grant = portal().withdraw_authorisation(token, choice, kiosk_id=kiosk_of(tracker))
        who = f"{grant.relationship}{grant.masked_name}"
        dispatcher.utter_message(
            text=f"已经取消了。{who}从现在起不能再帮您办事了。",
            json_message=directive(**{RESULT: {"title": "授权已取消", "value": who, "note": ""},
                                      FINISHED: AUTHORISATION_WITHDRAW.id}))
        dispatcher.utter_message(response="utter_what_else")
        return clear
