"""Which county or district: the centre's own first, five at a time (never more than six
big buttons on a screen), or simply said aloud."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import understanding
from common.idnumber import GANZHOU_DISTRICTS
from common.kiosk_protocol import INPUT, INPUT_CHOICE, STEP, directive
from config import get_settings
from nlu.actions.forms import ElderFormValidation

PAGE_SIZE = 5


def ordered_districts() -> List[str]:
    home = get_settings().kiosk.district
    return [home] + [name for name in GANZHOU_DISTRICTS.values() if name != home]


def district_buttons(page: int) -> List[Dict[str, str]]:
    names = ordered_districts()
    pages = (len(names) + PAGE_SIZE - 1) // PAGE_SIZE
    page = page % pages
    buttons = [{"title": name, "payload": f'/inform{{"district": "{name}"}}'}
               for name in names[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]]
    more = "更多区县" if page + 1 < pages else "从头再看"
    buttons.append({"title": more, "payload": f'/inform{{"district_page": {(page + 1) % pages}}}'})
    return buttons


class ActionAskDistrict(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_district"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        page = int(tracker.get_slot("district_page") or 0)
        dispatcher.utter_message(text="是哪个区县？请点一下，也可以直接说。", buttons=district_buttons(page),
                                 json_message=directive(**{INPUT: INPUT_CHOICE, STEP: "district"}))
        return []


class DistrictValidation(ElderFormValidation):
    """validate_district for every form that asks for a district."""

    def validate_district(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[str, Any]:
        name = understanding.district(str(value or ""))
        paging = any(entity.get("entity") == "district_page"
                     for entity in (tracker.latest_message or {}).get("entities", []))
        if name is None and paging:
            return {"district": None}  # 更多区县: the next page is shown, nothing was wrong
        if name is None:
            return self.failed("district", dispatcher, tracker,
                               first_time="没听出是哪个区县。请点一下下面的按钮。",
                               explanation="请点一下您所在的区县，比如“章贡区”“于都县”。不清楚的话，可以找工作人员帮忙。")
        return self.answered("district", name, tracker, district_page=None)
