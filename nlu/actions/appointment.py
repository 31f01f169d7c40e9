"""Booking a visit to a service hall: district (the centre's own first), what for, which
day, which time, then an explicit yes before the booking is made. What the resident said in
their first sentence is used and not asked again: the service, the district, the day ("下个
礼拜三", "初八"), the time, and a part of the day ("上午"), which keeps the times offered to it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import dates, times_of_day, understanding
from common.errands import APPOINTMENT
from common.kiosk_protocol import FINISHED, INPUT, INPUT_CHOICE, INPUT_YES_NO, PRINTABLE, RESULT, STEP, directive
from nlu.actions.district import DistrictValidation
from nlu.actions.formatting import WEEKDAYS, day_label, month_day, time_label
from nlu.actions.forms import ConfirmedForm, ElderFormValidation
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.resident import ResidentAction, identity_still_valid
from portal.errors import PortalError, PortalNotFound, PortalRefused
from portal.models import Hall

SERVICES = list(understanding.HALL_SERVICES)
DAYS_OFFERED = 5
TIMES_OFFERED = 6
YES_NO_BUTTONS = [{"title": "是的", "payload": "/affirm"}, {"title": "不对，我要改", "payload": "/deny"}]
def working_days(today: date, count: int) -> List[date]:
    days, day = [], today
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


BOOKING_WINDOW = 10  # working days ahead a hall can be booked
REFUSED_DAY = "refused_day"  # why a day said before its question cannot be booked; said with it


def bookable_days(today: date) -> List[date]:
    return working_days(today, BOOKING_WINDOW)


def why_not_bookable(day: Optional[date], today: date) -> str:
    """Why a day cannot be booked, in the resident's terms: the weekday, past, or too far."""
    if day is None:
        return "这一天不能预约。"
    if day < today:
        return f"{month_day(day)}已经过了，不能预约。"
    if day == today:
        return "今天不能预约了，最早约明天。"
    if day.weekday() >= 5:
        return f"{month_day(day)}是星期{WEEKDAYS[day.weekday()]}，大厅休息，不能预约。"
    return f"{month_day(day)}太远了，不能预约。只能约两周内的日子。"


def refuse_day(form: ElderFormValidation, slot: str, day: Optional[date], dispatcher: CollectingDispatcher,
               tracker: Tracker) -> Dict[str, Any]:
    """A day that cannot be booked. Asked for, it is said at once; said earlier (in the first
    sentence, while the kiosk asks other things first), the reason waits for the day's question,
    so it is never heard beside buttons for something else."""
    reason = why_not_bookable(day, date.today())
    if tracker.get_slot("requested_slot") != slot:
        return {slot: None, REFUSED_DAY: reason}
    return form.failed(slot, dispatcher, tracker, first_time=f"{reason}请点一下下面的日子。",
                       explanation="大厅只在工作日开门，可以约未来两周内的日子。请点一下下面的日子。")


def with_refused_day(text: str, tracker: Tracker) -> str:
    """The day's question, after the reason an earlier-said day could not be booked."""
    reason = tracker.get_slot(REFUSED_DAY)
    return f"{reason}{text}" if reason else text


def hall_for(district: str) -> Hall:
    """The district's service hall; PortalNotFound (said as a sentence) when it has none."""
    halls = portal().halls(understanding.district(district))
    if not halls:
        raise PortalNotFound(f"no service hall in {district}", "hall_not_found")
    return halls[0]


class ValidateAppointmentForm(DistrictValidation, ConfirmedForm):
    confirm_slot = "appointment_confirmed"
    changeable = {"appointment_date": "改日子", "appointment_time": "改时间", "hall_service": "改事项",
                  "district": "改区县"}
    also_cleared = {"appointment_date": ("appointment_time",), "district": ("appointment_time",)}

    def name(self) -> str:
        return "validate_appointment_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        # No verified resident (the identity step said why): nothing to ask, nothing to book.
        if not identity_still_valid(tracker):
            return []
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)

    def validate_hall_service(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[str, Any]:
        service = understanding.hall_service(str(value or ""))
        if service is None:
            return self.failed("hall_service", dispatcher, tracker, first_time="请点一下要办的事。",
                               explanation="请点一下下面的一个按钮，比如“社保业务”。")
        return self.answered("hall_service", service, tracker)

    def validate_appointment_date(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[str, Any]:
        day = dates.parse_day(str(value or ""), date.today())
        if day not in bookable_days(date.today()):
            return refuse_day(self, "appointment_date", day, dispatcher, tracker)
        return self.answered("appointment_date", day.isoformat(), tracker, appointment_time=None,
                             **{REFUSED_DAY: None})

    def validate_appointment_time(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[str, Any]:
        start = str(value or "").strip()
        try:
            free = {slot.start for slot in portal().slots(hall_for(tracker.get_slot("district")).hall_id,
                                                          date.fromisoformat(tracker.get_slot("appointment_date")))
                    if slot.remaining > 0}
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return {"appointment_time": None}
        if start not in free:
            return self.failed("appointment_time", dispatcher, tracker, first_time="这个时间约不上了。请换一个。",
                               explanation="请点一下下面还能约的时间。")
        return self.answered("appointment_time", start, tracker)

    def validate_appointment_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> Dict[str, Any]:
        return self.confirmation(value)


def ask_service(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    buttons = [{"title": s, "payload": f'/inform{{"hall_service": "{s}"}}'} for s in SERVICES]
    dispatcher.utter_message(text="您去办什么事？请点一下。", buttons=buttons,
                             json_message=directive(**{INPUT: INPUT_CHOICE, STEP: "hall_service"}))
    return []


def ask_date(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    today = date.today()
    buttons = [{"title": day_label(day, today), "payload": f'/inform{{"appointment_date": "{day}"}}'}
               for day in working_days(today, DAYS_OFFERED)]
    dispatcher.utter_message(text=with_refused_day("哪一天去？请点一下。", tracker), buttons=buttons,
                             json_message=directive(**{INPUT: INPUT_CHOICE, STEP: "appointment_date"}))
    return [SlotSet(REFUSED_DAY, None)]


PART_WORDS = {times_of_day.MORNING: "上午", times_of_day.AFTERNOON: "下午"}


def in_part(start: str, part: Any) -> bool:
    """Whether a slot starting at "HH:MM" is in the part of the day the resident said (any, if none)."""
    if part not in PART_WORDS:
        return True
    return (start < "12:00") == (part == times_of_day.MORNING)


def ask_time(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    day = date.fromisoformat(tracker.get_slot("appointment_date"))
    try:
        slots = [s for s in portal().slots(hall_for(tracker.get_slot("district")).hall_id, day) if s.remaining > 0]
    except PortalError as error:
        dispatcher.utter_message(text=sentence_for(error))
        return []
    if not slots:
        dispatcher.utter_message(text=f"{month_day(day)}已经约满了。请换一天。")
        return [SlotSet("appointment_date", None)] + ask_date(dispatcher, tracker) + [
            SlotSet("requested_slot", "appointment_date")]
    # "上午去": only the morning's times, as the resident said; if the morning is full, say so and
    # offer the rest of the day rather than asking again what was already said.
    part = tracker.get_slot("appointment_period")
    said = [s for s in slots if in_part(s.start, part)]
    question = f"{month_day(day)}{PART_WORDS.get(part, '')}几点去？请点一下。"
    if not said:
        question = f"{month_day(day)}{PART_WORDS[part]}已经约满了。这些时间还可以约，请点一下。"
    buttons = [{"title": time_label(s.start), "payload": f'/inform{{"appointment_time": "{s.start}"}}'}
               for s in (said or slots)[:TIMES_OFFERED]]
    dispatcher.utter_message(text=question, buttons=buttons,
                             json_message=directive(**{INPUT: INPUT_CHOICE, STEP: "appointment_time"}))
    return []


class ActionAskHallService(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_hall_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        return ask_service(dispatcher, tracker)


class ActionAskAppointmentDate(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_appointment_date"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        return ask_date(dispatcher, tracker)


class ActionAskAppointmentTime(Action):
    def name(self) -> str:
        return "action_ask_appointment_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        return ask_time(dispatcher, tracker)


class ActionAskAppointmentConfirmed(Action):
    def name(self) -> str:
        return "action_ask_appointment_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        day = date.fromisoformat(tracker.get_slot("appointment_date"))
        try:
            hall = hall_for(tracker.get_slot("district"))
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        dispatcher.utter_message(
            text=(f"给您约在{hall.name}，{day_label(day, date.today())}，"
                  f"{time_label(tracker.get_slot('appointment_time'))}，办{tracker.get_slot('hall_service')}。对吗？"),
            buttons=YES_NO_BUTTONS, json_message=directive(**{INPUT: INPUT_YES_NO, STEP: "appointment_confirmed"}))
        return []


class ActionBookAppointment(ResidentAction):
    def name(self) -> str:
        return "action_book_appointment"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        clear = [SlotSet(slot, None) for slot in [*APPOINTMENT.form.slots, "appointment_period"] if slot != "district"]
        day = date.fromisoformat(tracker.get_slot("appointment_date"))
        key = re.sub(r"[^A-Za-z0-9_-]", "", f"{tracker.sender_id}-{day}-{tracker.get_slot('appointment_time')}")[-64:]
        hall = hall_for(tracker.get_slot("district"))
        try:
            booked = portal().book_appointment(token, hall.hall_id, day, tracker.get_slot("appointment_time"),
                                               tracker.get_slot("hall_service"), key)
        except PortalRefused as refused:
            if refused.code != "slot_full":
                raise
            dispatcher.utter_message(text="这个时间刚刚被约满了。请重新预约。")
            return clear
        when = f"{month_day(booked.date)} {time_label(booked.start)}"
        dispatcher.utter_message(
            text=(f"约好了。请您{day_label(booked.date, date.today())}{time_label(booked.start)}，"
                  f"到{booked.hall_name}。地址是{booked.address}。请带上：{'、'.join(booked.materials)}。"),
            json_message=directive(**{RESULT: {"title": "预约成功", "value": when, "note": booked.hall_name},
                                      PRINTABLE: True, FINISHED: APPOINTMENT.id}))
        dispatcher.utter_message(response="utter_what_else")
        return clear
