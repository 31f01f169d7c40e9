"""12345 cases a resident reported: how far each has come, and a rating once it is done.

Both need a verified resident who is the case's reporter: a case number alone (printed on
a receipt, or guessed) shows nothing, and someone else's case answers exactly like one that
does not exist. Descriptions are masked before they are shown or spoken. A rating keeps the
resident's own words ("办得太慢了") and is read back before it is sent.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import number_finder, numbers, understanding
from common.errands import HOTLINE_RATE, HOTLINE_TRACK
from common.kiosk_protocol import FINISHED, INPUT, INPUT_YES_NO, RESULT, STEP, directive
from common.masking import redact
from common.text import bare_sentence
from nlu.actions.forms import ConfirmedForm, ElderFormValidation
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import CASE_NUMBER_WRONG, sentence_for
from nlu.actions.resident import ResidentAction, identity_still_valid, kiosk_of
from portal.errors import PortalError, PortalNotFound, PortalRefused
from portal.models import Case

MINE = {"title": "查我反映过的事", "payload": '/inform{"track_by": "mine"}'}
SCORE_WORDS = {1: "很不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "很满意"}
NOT_FOUND = "没有查到您反映过的这件事。请核对一下编号，或者点“查我反映过的事”。"


def case_number_checked(form: ElderFormValidation, value: Any, dispatcher: CollectingDispatcher,
                        tracker: Tracker, offer_mine: bool = True) -> Dict[str, Any]:
    """A case number with its check digit, or why not. 查我反映过的事 is offered only where the
    form can take it (following a case); inside the rating it would be a button that does nothing."""
    number = number_finder.case_number(str(value or ""))
    if number is None or not numbers.is_valid_case_number(number):
        if not offer_mine:
            return form.failed("case_number", dispatcher, tracker, first_time=CASE_NUMBER_WRONG,
                               explanation="办件编号在您的凭条或短信上，一共16位数字。")
        return form.failed("case_number", dispatcher, tracker,
                           first_time=CASE_NUMBER_WRONG,
                           explanation="办件编号在您的凭条或短信上，一共16位数字。找不到的话，可以点“查我反映过的事”。",
                           buttons=[MINE])
    return form.answered("case_number", number, tracker)


class ValidateHotlineTrackForm(ElderFormValidation):
    def name(self) -> str:
        return "validate_hotline_track_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        # Not verified (the identity step said why), or "my cases": nothing to ask.
        if not identity_still_valid(tracker) or tracker.get_slot("track_by") == "mine":
            return []
        # track_by is listed so that tapping 查我反映过的事 counts as an answer to this form.
        return ["track_by", "case_number"] if tracker.get_slot("track_by") else ["case_number"]

    def validate_case_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        return case_number_checked(self, value, dispatcher, tracker)


def describe_case(case: Case) -> str:
    latest = case.timeline[-1]
    where = "" if latest.department == "12345热线" else f"现在由{latest.department}办理。"
    what = bare_sentence(redact(case.description))
    return f"编号尾号{case.case_number[-4:]}的事：{what}。现在是“{case.status}”。{where}"


class ActionShowCase(ResidentAction):
    def name(self) -> str:
        return "action_show_case"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        cleared = [SlotSet("track_by", None)]
        try:
            if tracker.get_slot("track_by") == "mine":
                cases = portal().my_cases(token, kiosk_of(tracker))
            else:
                cases = [portal().follow_case(tracker.get_slot("case_number"), token, kiosk_of(tracker))]
        except PortalNotFound:
            dispatcher.utter_message(text=NOT_FOUND, buttons=[MINE])
            return cleared + [SlotSet("case_number", None)]
        if not cases:
            dispatcher.utter_message(text="没有查到您向12345反映过的事。")
            dispatcher.utter_message(response="utter_what_else")
            return cleared
        latest = cases[0]
        dispatcher.utter_message(
            text="".join(describe_case(case) for case in cases[:3]),
            json_message=directive(**{RESULT: {"title": "办理进度", "value": latest.status,
                                               "note": f"办件编号尾号{latest.case_number[-4:]}"},
                                      FINISHED: HOTLINE_TRACK.id}))
        to_rate = next((case for case in cases if case.closed and case.rating is None), None)
        if to_rate is not None:
            dispatcher.utter_message(text="这件事已经办完了。您要评价一下吗？",
                                     buttons=[{"title": "去评价", "payload": HOTLINE_RATE.payload},
                                              {"title": "不用了", "payload": "/deny"}])
        else:
            dispatcher.utter_message(response="utter_what_else")
        return cleared + [SlotSet("case_number", (to_rate or latest).case_number)]


# -- rating a closed case ---------------------------------------------------------------

def score_of(value: Any) -> Optional[int]:
    try:
        score = int(float(value))
    except (TypeError, ValueError):
        return understanding.rating(str(value or ""))
    return score if 1 <= score <= 5 else None


class ValidateHotlineRateForm(ConfirmedForm):
    confirm_slot = "rating_confirmed"
    changeable = {"rating": "改评价"}

    def name(self) -> str:
        return "validate_hotline_rate_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        if not identity_still_valid(tracker):
            return []
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)

    def validate_case_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        return case_number_checked(self, value, dispatcher, tracker, offer_mine=False)

    def validate_rating(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> Dict[str, Any]:
        score = score_of(value)
        if score is None:
            return self.failed("rating", dispatcher, tracker, first_time="请点一下“满意”还是“不满意”。",
                               explanation="请点一下下面的一个按钮：很满意、满意、一般、不满意、很不满意。")
        return self.answered("rating", float(score), tracker)

    def validate_rating_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[str, Any]:
        return self.confirmation(value)


def comment_of(tracker: Tracker) -> str:
    """The reason the resident gave with their rating, in their own words (or nothing)."""
    return bare_sentence(str(tracker.get_slot("rating_comment") or "").strip())[:200]


class ActionAskRatingConfirmed(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_rating_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        score = score_of(tracker.get_slot("rating")) or 3
        comment = comment_of(tracker)
        said = f"您说：{comment}。" if comment else ""
        dispatcher.utter_message(
            text=f"您的评价是“{SCORE_WORDS[score]}”。{said}对吗？",
            buttons=[{"title": "是的", "payload": "/affirm"}, {"title": "不对，我要改", "payload": "/deny"}],
            json_message=directive(**{INPUT: INPUT_YES_NO, STEP: "rating_confirmed"}))
        return []


class ActionSubmitRating(ResidentAction):
    def name(self) -> str:
        return "action_submit_rating"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        number, score = tracker.get_slot("case_number"), score_of(tracker.get_slot("rating"))
        clear = [SlotSet(slot, None) for slot in [*HOTLINE_RATE.form.slots, "rating_comment"]]
        try:
            portal().rate_case(number, score, comment_of(tracker), token, kiosk_of(tracker))
        except PortalNotFound:
            dispatcher.utter_message(text=NOT_FOUND, buttons=[MINE])
            return clear
        except PortalRefused as refused:
            if refused.code == "case_not_closed":
                dispatcher.utter_message(text="这件事还没有办完。办完以后才能评价。")
            elif refused.code == "already_rated":
                dispatcher.utter_message(text="这件事您已经评价过了。谢谢您。")
            else:
                dispatcher.utter_message(text=sentence_for(refused))
            return clear
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return clear
        dispatcher.utter_message(response="utter_rating_thanks", json_message=directive(**{FINISHED: HOTLINE_RATE.id}))
        dispatcher.utter_message(response="utter_what_else")
        return clear
