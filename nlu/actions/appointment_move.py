"""Moving a booked appointment to another day or time at the same hall, for the same service.

The appointment is chosen as for cancelling (nlu/actions/appointment_manage.py); then the new
day (working days as for booking, said as residents say them) and a free time that day; then
the old and the new are read back and 是的 moves it. 不用了 leaves the appointment as it was.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import dates, times_of_day
from common.errands import APPOINTMENT_MOVE
from common.kiosk_protocol import FINISHED, INPUT, INPUT_CHOICE, INPUT_YES_NO, PRINTABLE, RESULT, STEP, directive
from nlu.actions.appointment import (
    DAYS_OFFERED,
    REFUSED_DAY,
    TIMES_OFFERED,
    bookable_days,
    refuse_day,
    with_refused_day,
    working_days,
)
from nlu.actions.appointment_manage import AsksAboutChosen, ChangesAppointment, ChoosesAppointment, chosen, spoken
from nlu.actions.formatting import day_label, month_day, time_label
from nlu.actions.forms import yes_or_no
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.resident import kiosk_of
from portal.errors import PortalError, PortalRefused
from portal.models import Appointment


def free_starts(tracker: Tracker, day: date) -> List[str]:
    """Free times at the chosen appointment's hall on `day` (its own time counts as free)."""
    appointment = chosen(tracker)
    if appointment is None:
        return []
    starts = [slot.start for slot in portal().slots(appointment.hall_id, day) if slot.remaining > 0]
    if appointment.date == day and appointment.start not in starts:
        starts.append(appointment.start)
    return sorted(starts)


class ValidateAppointmentMoveForm(ChoosesAppointment):
    def name(self) -> str:
        return "validate_appointment_move_form"

    def validate_appointment_choice(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[str, Any]:
        result = super().validate_appointment_choice(value, dispatcher, tracker, domain)
        # A new choice needs its own new day and time.
        return {**result, "move_date": None, "move_time": None} if result.get("appointment_choice") else result

    def validate_move_date(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[str, Any]:
        day = dates.parse_day(str(value or ""), date.today())
        if day not in bookable_days(date.today()):
            return refuse_day(self, "move_date", day, dispatcher, tracker)
        # A time said with the day ("改到后天下午三点") is kept for the next question.
        said = times_of_day.find_clock_time(str(value or ""))
        return self.answered("move_date", day.isoformat(), tracker, move_time=said.value if said else None,
                             **{REFUSED_DAY: None})

    def validate_move_time(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[str, Any]:
        text = str(value or "").strip()
        said = times_of_day.find_clock_time(text)
        start = said.value if said else text
        try:
            free = free_starts(tracker, date.fromisoformat(tracker.get_slot("move_date")))
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return {"move_time": None}
        if start not in free:
            return self.failed("move_time", dispatcher, tracker, first_time="这个时间约不上了。请换一个。",
                               explanation="请点一下下面还能约的时间。")
        return self.answered("move_time", start, tracker)

    def validate_move_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[str, Any]:
        return yes_or_no("move_confirmed", value)


class ActionAskMoveDate(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_move_date"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        today = date.today()
        buttons = [{"title": day_label(day, today), "payload": f'/inform{{"move_date": "{day}"}}'}
                   for day in working_days(today, DAYS_OFFERED)]
        dispatcher.utter_message(text=with_refused_day("改到哪一天？请点一下。", tracker), buttons=buttons,
                                 json_message=directive(**{INPUT: INPUT_CHOICE, STEP: "move_date"}))
        return [SlotSet(REFUSED_DAY, None)]


class ActionAskMoveTime(Action):
    def name(self) -> str:
        return "action_ask_move_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        day = date.fromisoformat(tracker.get_slot("move_date"))
        try:
            starts = free_starts(tracker, day)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        if not starts:
            dispatcher.utter_message(text=f"{month_day(day)}已经约满了。请换一天。")
            return [SlotSet("move_date", None), SlotSet("requested_slot", "move_date")] + await ActionAskMoveDate().run(
                dispatcher, tracker, domain)
        buttons = [{"title": time_label(start), "payload": f'/inform{{"move_time": "{start}"}}'}
                   for start in starts[:TIMES_OFFERED]]
        dispatcher.utter_message(text=f"{month_day(day)}几点去？请点一下。", buttons=buttons,
                                 json_message=directive(**{INPUT: INPUT_CHOICE, STEP: "move_time"}))
        return []


class ActionAskMoveConfirmed(AsksAboutChosen):
    gone = "这个预约已经不在了。请重新选一下。"
    also_cleared = ("move_date", "move_time")

    def name(self) -> str:
        return "action_ask_move_confirmed"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, appointment: Appointment) -> None:
        day = date.fromisoformat(tracker.get_slot("move_date"))
        dispatcher.utter_message(
            text=(f"把{month_day(appointment.date)}{time_label(appointment.start)}的预约，"
                  f"改到{day_label(day, date.today())}{time_label(tracker.get_slot('move_time'))}。对吗？"),
            buttons=[{"title": "是的，改", "payload": "/affirm"}, {"title": "不改了", "payload": "/deny"}],
            json_message=directive(**{INPUT: INPUT_YES_NO, STEP: "move_confirmed"}))


class ActionMoveAppointment(ChangesAppointment):
    errand = APPOINTMENT_MOVE
    confirmed = "move_confirmed"
    kept = "好的，预约没有改，还是原来的时间。"

    def name(self) -> str:
        return "action_move_appointment"

    def change(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str, choice: str) -> None:
        day = date.fromisoformat(tracker.get_slot("move_date"))
        try:
            moved = portal().move_appointment(token, choice, day, tracker.get_slot("move_time"),
                                              kiosk_id=kiosk_of(tracker))
        except PortalRefused as refused:
            if refused.code != "slot_full":
                raise
            dispatcher.utter_message(text="这个时间刚刚被约满了。预约还是原来的时间。请再改一次。")
            return
        dispatcher.utter_message(
            text=f"改好了。新的时间是{spoken(moved)}。请带上：{'、'.join(moved.materials)}。",
            json_message=directive(**{RESULT: {"title": "预约已改时间",
                                               "value": f"{month_day(moved.date)} {time_label(moved.start)}",
                                               "note": moved.hall_name},
                                      PRINTABLE: True, FINISHED: APPOINTMENT_MOVE.id}))
        dispatcher.utter_message(response="utter_what_else")
