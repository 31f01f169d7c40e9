"""Answers that need no identity: where a service hall is, and plain policy answers."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import understanding
from common.errands import HALL_INFO, POLICY
from common.kiosk_protocol import FINISHED, PRINTABLE, RESULT, directive
from nlu.actions.district import DistrictValidation
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from portal.errors import PortalError

NO_ANSWER = "这个问题我还答不上来。您可以点“找人帮忙”，或者打12345问一问。"


class ValidateHallInfoForm(DistrictValidation):
    def name(self) -> str:
        return "validate_hall_info_form"


class ActionHallInfo(Action):
    def name(self) -> str:
        return "action_hall_info"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        try:
            halls = portal().halls(understanding.district(tracker.get_slot("district")))
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        if not halls:
            dispatcher.utter_message(text="这个区县的办事大厅还没有查到。请点“找人帮忙”。")
            return []
        hall = halls[0]
        dispatcher.utter_message(
            text=f"{hall.name}在{hall.address}。办公时间：{hall.hours}。电话：{hall.phone}。",
            json_message=directive(**{RESULT: {"title": hall.name, "value": hall.address, "note": hall.hours},
                                      PRINTABLE: True, FINISHED: HALL_INFO.id}))
        dispatcher.utter_message(text="您要预约去办事吗？",
                                 buttons=[{"title": "预约办事", "payload": "/book_appointment"},
                                          {"title": "不用了", "payload": "/deny"}])
        return [SlotSet("errand", None)]


class ActionAnswerPolicy(Action):
    def name(self) -> str:
        return "action_answer_policy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        question = (tracker.latest_message or {}).get("text") or ""
        if question.startswith("/"):
            question = ""  # a tapped button carries no question
        if not question:
            dispatcher.utter_message(text="您想问什么政策？请直接说，比如“高龄补贴怎么领”。")
            return []
        try:
            answers = portal().search_policies(question)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        if not answers:
            dispatcher.utter_message(text=NO_ANSWER)
            return []
        best = answers[0]
        dispatcher.utter_message(text=f"{best.title}：{best.answer}", json_message=directive(**{FINISHED: POLICY.id}))
        dispatcher.utter_message(response="utter_what_else")
        return []
