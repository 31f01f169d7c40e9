"""A detail said with no errand under way ("明天上午", "章贡区", a phone number, "我叫张桂英").

Outside a form such a sentence used to get no reply at all. Now every detail leads
somewhere: a day or a hall service is an appointment, a problem or its place is a 12345
report (the details are kept, so they are not asked again), a case number is a case to follow,
a district, a phone number or a rating is answered with a question and the errands it could be
for, and anything else with the menu. The resident always sees and hears a sentence and a way on.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import errands
from common.menu import MENU_BUTTONS

APPOINTMENT_DETAILS = {"hall_service", "appointment_date", "appointment_time", "appointment_period"}


def _button(errand: errands.Errand, title: str = "") -> Dict[str, str]:
    return {"title": title or (errand.tile.label if errand.tile else errand.name), "payload": errand.payload}


def _start(errand: errands.Errand) -> List[Dict[str, Any]]:
    """Start an errand as if its tile had been tapped (the generated rules take it from here)."""
    return [SlotSet("errand", errand.id), FollowupAction(errand.first_step)]


class ActionAnswerDetail(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_answer_detail"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        said = {entity.get("entity"): entity.get("value") for entity in tracker.latest_message.get("entities", [])}
        if "problem_description" in said:  # "我们那里路灯坏了": a report, whatever else it names
            dispatcher.utter_message(text="好的，帮您向12345反映。")
            return _start(errands.HOTLINE_REPORT)
        if said.keys() & APPOINTMENT_DETAILS:
            dispatcher.utter_message(text="好的，帮您预约去大厅办事。")
            return _start(errands.APPOINTMENT)
        if "case_number" in said:
            dispatcher.utter_message(text="好的，帮您查这件事的办理进度。")
            return _start(errands.HOTLINE_TRACK)
        if said.get("track_by") == "mine":  # 查我反映过的事, tapped after a case was not found
            dispatcher.utter_message(text="好的，帮您查您反映过的事。")
            return _start(errands.HOTLINE_TRACK)
        if "rating" in said:
            dispatcher.utter_message(text="您是想评价办好的事吗？请点一下。",
                                     buttons=[_button(errands.HOTLINE_RATE, "评价办件"), *MENU_BUTTONS[:4]])
            return []
        if "district" in said:
            dispatcher.utter_message(text=f"好的，{said['district']}。您想办什么事？请点一下。",
                                     buttons=[_button(errands.APPOINTMENT), _button(errands.HALL_INFO, "办事大厅在哪"),
                                              _button(errands.HOTLINE_REPORT)])
            return []
        if "phone_number" in said:
            dispatcher.utter_message(text="您是想查12345反映过的事吗？请点一下。",
                                     buttons=[_button(errands.HOTLINE_TRACK), _button(errands.HOTLINE_REPORT)])
            return [SlotSet("phone_number", None)]
        if "person_name" in said or "id_number" in said:
            dispatcher.utter_message(text="您好！请先点一下您要办的事，我再帮您核对身份。", buttons=MENU_BUTTONS)
            return [SlotSet("id_number", None)]
        dispatcher.utter_message(text="您想办什么事？请点一下，或者直接说。", buttons=MENU_BUTTONS)
        return []
