"""授权家人代办: a verified elder lets a relative act for them (issue 18).

The relative's identity number is typed on the keypad (full only in the vault, masked in the
conversation); who they are, what they may do and for how long are buttons (or said). All of
it is read back and nothing goes to the portal before an explicit 是的. Then the portal sends a
code to the relative's own phone and returns their masked name: the elder hears whose phone it
went to (不是这个人 withdraws it at once), and the relative types the code here. Only then is
the authorisation active (portal/sandbox/family.py).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import numbers
from common.errands import AUTHORISE
from common.kiosk_protocol import (
    FINISHED,
    INPUT,
    INPUT_ID_NUMBER,
    INPUT_SMS_CODE,
    INPUT_YES_NO,
    RESULT,
    STEP,
    directive,
)
from common.masking import mask_id_number
from nlu.actions.family_words import (
    DAY_BUTTONS,
    DAY_NAMES,
    RELATION_BUTTONS,
    SCOPE_BUTTONS,
    SCOPE_CHOICES,
    days_said,
    pronoun,
    relationship_said,
    scope_words,
    scopes_said,
)
from nlu.actions.forms import KeypadIdNumberForm
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import CODE_SHAPE, sentence_for
from nlu.actions.resident import ResidentAction, identity_still_valid, kiosk_of
from nlu.actions.vault import vault
from portal.errors import PortalError, PortalRefused
from portal.transport import attempts_left

NUMBER, CODE = "agent_id_number", "agent_code"
PENDING, NAME, OUTCOME = "authorisation_pending", "agent_masked_name", "authorise_outcome"
CLEARED = [NUMBER, "agent_relationship", "agent_scopes", "agent_days", "authorise_confirmed", CODE,
           PENDING, NAME, OUTCOME]


class ValidateAuthoriseForm(KeypadIdNumberForm):
    def name(self) -> str:
        return "validate_authorise_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        # Not verified (the identity step said why), answered 不对, or the portal said no: done.
        if not identity_still_valid(tracker) or tracker.get_slot("authorise_confirmed") is False:
            return []
        if tracker.get_slot(OUTCOME):
            return []
        return domain_slots

    def validate_agent_id_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[str, Any]:
        kept = vault().get(tracker.sender_id, NUMBER)
        if kept and str(value) == mask_id_number(kept):
            return {NUMBER: value}
        number = self.typed_number(value)
        ask_again = directive(**{INPUT: INPUT_ID_NUMBER, STEP: NUMBER})
        if number is None:
            return self.failed(NUMBER, dispatcher, tracker, first_time="这个号码好像不对。请您再输一遍。",
                               explanation="身份证号是18位。请照着家人的身份证再输一遍，或者点“找人帮忙”。",
                               json_message=ask_again)
        if number == vault().get(tracker.sender_id, "id_number"):
            return self.failed(NUMBER, dispatcher, tracker, first_time="这是您自己的号码。请输入家人的身份证号码。",
                               explanation="这是您自己的号码。请输入要帮您办事的家人的身份证号码。",
                               json_message=ask_again)
        vault().put(tracker.sender_id, NUMBER, number)
        return self.answered(NUMBER, mask_id_number(number), tracker)

    def validate_agent_relationship(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[str, Any]:
        relation = relationship_said(str(value or ""))
        if not relation:
            return self.failed("agent_relationship", dispatcher, tracker, first_time="请点一下这位家人是您的什么人。",
                               explanation="请点一下下面的一个按钮。都不是的话，请点“其他亲属”。",
                               buttons=RELATION_BUTTONS)
        return self.answered("agent_relationship", relation, tracker)

    def validate_agent_scopes(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[str, Any]:
        scopes = scopes_said(str(value or ""))
        if not scopes:
            return self.failed("agent_scopes", dispatcher, tracker, first_time="请点一下家人可以帮您办哪些事。",
                               explanation="请点一下下面的一个按钮：只查询，查询和认证提醒，或者全部。",
                               buttons=SCOPE_BUTTONS)
        return self.answered("agent_scopes", scopes, tracker)

    def validate_agent_days(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[str, Any]:
        days = days_said(str(value or ""))
        if not days:
            return self.failed("agent_days", dispatcher, tracker, first_time="请点一下授权多长时间。",
                               explanation="请点一下下面的一个按钮：一个月、三个月或者一年。", buttons=DAY_BUTTONS)
        return self.answered("agent_days", str(days), tracker)

    def validate_authorise_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[str, Any]:
        if value is False:
            return {"authorise_confirmed": False}
        if value is not True:
            return {"authorise_confirmed": None}
        number = vault().get(tracker.sender_id, NUMBER)
        if not number:  # the vault forgot it (a long pause): typed again, then read back again
            dispatcher.utter_message(text="刚才的号码没有记下来。请您再输一次家人的身份证号码。")
            return {NUMBER: None, "authorise_confirmed": None}
        try:
            granted = portal().authorise(tracker.get_slot("resident_token"), number,
                                         tracker.get_slot("agent_relationship"),
                                         SCOPE_CHOICES[tracker.get_slot("agent_scopes")],
                                         int(tracker.get_slot("agent_days")), kiosk_of(tracker))
        except PortalRefused as refused:
            if refused.code == "agent_not_found":
                dispatcher.utter_message(text="这个身份证号没有查到。请您核对一下，再输一遍。")
                return {NUMBER: None, "authorise_confirmed": None}
            dispatcher.utter_message(text=sentence_for(refused))
            return {"authorise_confirmed": True, OUTCOME: "refused"}
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return {"authorise_confirmed": True, OUTCOME: "refused"}
        return {"authorise_confirmed": True, PENDING: granted.authorisation_id, NAME: granted.masked_name}

    def validate_agent_code(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[str, Any]:
        token, pending = tracker.get_slot("resident_token"), tracker.get_slot(PENDING)
        if value in (False, "no"):  # 不是这个人: the pending authorisation is withdrawn at once
            try:
                portal().withdraw_authorisation(token, pending, kiosk_id=kiosk_of(tracker))
            except PortalError as error:
                dispatcher.utter_message(text=sentence_for(error))
            return {CODE: "withdrawn", OUTCOME: "withdrawn"}
        said = str(value or "")
        code = numbers.normalise_digits(said).replace("X", "")
        if len(code) != 6:
            if any(words in said for words in ("没收到", "收不到", "没有收到")):
                dispatcher.utter_message(text="短信有时候要等一两分钟。请家人看一下手机。")
                return {CODE: None}
            return self.failed(CODE, dispatcher, tracker, first_time=CODE_SHAPE,
                               explanation="验证码是6位数字，在家人手机的短信里。请再输一遍，或者点“找人帮忙”。")
        try:
            granted = portal().confirm_authorisation(token, pending, code, kiosk_of(tracker))
        except PortalRefused as refused:
            if refused.code == "identity_mismatch":
                left = attempts_left(refused)
                dispatcher.utter_message(text=f"验证码不对，还可以再试{left}次。" if left else "验证码不对。")
                return {CODE: None}
            said_back = ("验证码错了好几次，这次授权没有成功。要授权，请您重新开始。"
                         if refused.code == "too_many_attempts" else sentence_for(refused))
            dispatcher.utter_message(text=said_back)
            return {CODE: "void", OUTCOME: "void"}
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return {CODE: None}
        until = granted.valid_until.isoformat() if granted.valid_until else ""
        return {CODE: "●●●●●●", OUTCOME: f"active:{until}"}


class ActionAskAgentIdNumber(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_agent_id_number"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text="请输入要帮您办事的家人的身份证号码。",
                                 json_message=directive(**{INPUT: INPUT_ID_NUMBER, STEP: NUMBER}))
        return []


class ActionAskAuthoriseConfirmed(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_authorise_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        relation = tracker.get_slot("agent_relationship")
        days = int(tracker.get_slot("agent_days") or 0)
        dispatcher.utter_message(
            text=(f"请您核对一下。授权给您的{relation}，身份证号{tracker.get_slot(NUMBER)}。"
                  f"{pronoun(relation)}可以帮您{scope_words(tracker.get_slot('agent_scopes') or '')}，"
                  f"授权{DAY_NAMES.get(days, f'{days}天')}。对吗？"),
            buttons=[{"title": "是的，授权", "payload": "/affirm"}, {"title": "不对，先不授权", "payload": "/deny"}],
            json_message=directive(**{INPUT: INPUT_YES_NO, STEP: "authorise_confirmed"}))
        return []


class ActionAskAgentCode(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_agent_code"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        name = tracker.get_slot(NAME) or "您家人"
        dispatcher.utter_message(
            text=f"验证码已经发到{name}的手机上了。请{name}在这里输入短信里的6位验证码。",
            buttons=[{"title": "不是这个人", "payload": "/deny"}],
            json_message=directive(**{INPUT: INPUT_SMS_CODE, STEP: CODE}))
        return []


class ActionAuthoriseFamily(ResidentAction):
    def name(self) -> str:
        return "action_authorise_family"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        outcome = str(tracker.get_slot(OUTCOME) or "")
        relation, name = tracker.get_slot("agent_relationship") or "", tracker.get_slot(NAME) or ""
        clear = [SlotSet(slot, None) for slot in CLEARED]
        if outcome.startswith("active:"):
            until = outcome.partition(":")[2]
            shown = f"{int(until[:4])}年{int(until[5:7])}月{int(until[8:10])}日" if len(until) == 10 else ""
            what = scope_words(tracker.get_slot("agent_scopes") or "")
            dispatcher.utter_message(
                text=(f"授权好了。您的{relation}{name}可以帮您{what}，到{shown}为止。"
                      "不想让家人办了，可以说“我的授权”，随时取消。"),
                json_message=directive(**{RESULT: {"title": "授权好了", "value": f"{relation} {name}",
                                                   "note": f"到{shown}"}, FINISHED: AUTHORISE.id}))
        elif outcome == "withdrawn":
            dispatcher.utter_message(text="好的，这次授权取消了，没有生效。")
        elif outcome != "void" and outcome != "refused":
            dispatcher.utter_message(text="好的，没有授权。")
        dispatcher.utter_message(response="utter_what_else")
        return clear
