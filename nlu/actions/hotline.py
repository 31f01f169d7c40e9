"""12345: report a problem, follow a case, rate a closed case.

A report asks what happened, where, which district and a phone number, then reads it all
back (phone masked) and asks for an explicit yes before anything is submitted. Submissions
go through the outbox: when the portal cannot be reached, the resident gets a local
reference and the report is sent later, exactly once.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import number_finder, text
from common.errands import HOTLINE_REPORT
from common.kiosk_protocol import FINISHED, INPUT, INPUT_PHONE, INPUT_YES_NO, PRINTABLE, RESULT, STEP, directive
from common.masking import last_four, mask_phone
from common.text import bare_sentence, meaningful
from nlu.actions import parsing
from nlu.actions.district import DistrictValidation
from nlu.actions.formatting import grouped
from nlu.actions.forms import ConfirmedForm, ElderFormValidation, free_text_answer
from nlu.actions.portal_access import outbox
from nlu.actions.portal_errors import sentence_for
from nlu.actions.vault import vault
from portal.errors import PortalError
from portal.models import CaseRequest

YES_NO_BUTTONS = [{"title": "是的", "payload": "/affirm"}, {"title": "不对，我要改", "payload": "/deny"}]


class PhoneValidation(ElderFormValidation):
    def validate_phone_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[str, Any]:
        phone = number_finder.phone_number(str(value or ""))
        if phone is None:
            return self.failed("phone_number", dispatcher, tracker,
                               first_time=text.PHONE_UNCLEAR,
                               explanation="手机号是11位数字，以1开头。没有手机的话，可以找工作人员帮忙。",
                               json_message=directive(**{INPUT: INPUT_PHONE}))
        # The conversation record keeps the masked number; the full one waits in the vault.
        vault().put(tracker.sender_id, "phone_number", phone)
        return self.answered("phone_number", mask_phone(phone), tracker)


class ValidateHotlineReportForm(DistrictValidation, PhoneValidation, ConfirmedForm):
    confirm_slot = "report_confirmed"
    changeable = {"problem_description": "改问题", "place": "改地点", "district": "改区县",
                  "phone_number": "改手机号"}

    def name(self) -> str:
        return "validate_hotline_report_form"

    def validate_problem_description(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[str, Any]:
        said = free_text_answer("problem_description", value, tracker)
        if not meaningful(said):
            return self.failed("problem_description", dispatcher, tracker,
                               first_time=text.DESCRIPTION_UNCLEAR,
                               explanation=text.DESCRIPTION_EXPLAINED)
        category = tracker.get_slot("problem_category") or parsing.problem_category(said)
        return self.answered("problem_description", said, tracker, problem_category=category)

    def validate_place(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> Dict[str, Any]:
        said = free_text_answer("place", value, tracker)
        if not meaningful(said, text.PLACE_MINIMUM):
            return self.failed("place", dispatcher, tracker, first_time=text.PLACE_UNCLEAR,
                               explanation=text.PLACE_EXPLAINED)
        return self.answered("place", said, tracker)

    def validate_report_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[str, Any]:
        return self.confirmation(value)


def read_back(tracker: Tracker) -> str:
    description = bare_sentence(str(tracker.get_slot("problem_description") or ""))
    return (f"我帮您记下了：{description}。"
            f"地点是{tracker.get_slot('place')}，{tracker.get_slot('district')}。"
            f"联系电话尾号{last_four(tracker.get_slot('phone_number') or '')}。对吗？")


class ActionAskReportConfirmed(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_report_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=read_back(tracker), buttons=YES_NO_BUTTONS,
                                 json_message=directive(**{INPUT: INPUT_YES_NO, STEP: "report_confirmed"}))
        return []


def submission_key(conversation: str, request: CaseRequest) -> str:
    """The same report in the same conversation is one case, however often it is sent."""
    content = json.dumps([conversation, request.as_json()], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:40]


class ActionSubmitHotlineReport(Action):
    def name(self) -> str:
        return "action_submit_hotline_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        clear = [SlotSet(slot, None) for slot in [*HOTLINE_REPORT.form.slots, "problem_category"]]
        phone = vault().get(tracker.sender_id, "phone_number")
        if phone is None:  # a long pause or a restart: the number is gone, ask for it again
            dispatcher.utter_message(text="为了保护您的信息，手机号要再输一次。请您重新点“反映问题”。")
            return clear
        request = CaseRequest(
            category=tracker.get_slot("problem_category") or "其他",
            description=tracker.get_slot("problem_description"), place=tracker.get_slot("place"),
            district=tracker.get_slot("district"), contact_phone=phone)
        try:
            submission = outbox().submit_or_queue(request, submission_key(tracker.sender_id, request))
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return clear
        if submission.queued:
            reference = grouped(submission.reference, 3)
            dispatcher.utter_message(
                text=f"网络暂时不通，但您的事已经记下了。接通以后会自动提交。您的登记号是 {reference}。",
                json_message=directive(**{RESULT: {"title": "登记号", "value": reference,
                                                   "note": "网络恢复后自动提交"}, PRINTABLE: True}))
        else:
            number = grouped(submission.case.case_number, 4)
            dispatcher.utter_message(
                text=f"已经帮您提交到12345了。办件编号是 {number}。以后可以用这个编号查进度。",
                json_message=directive(**{RESULT: {"title": "12345办件编号", "value": number,
                                                   "note": "请记下来，或者打印凭条"}, PRINTABLE: True,
                                          FINISHED: HOTLINE_REPORT.id}))
        dispatcher.utter_message(response="utter_what_else")
        return clear
