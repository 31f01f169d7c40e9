"""The resident's booked appointments: the list, and cancelling one after an explicit yes.

"我要取消预约" is a cancellation, never a new booking (issue 18). Which appointment is meant
is chosen once, shared by cancelling and moving (nlu/actions/appointment_move.py): with one
appointment it is that one; a day said in the first sentence ("明天的预约不去了") picks the
appointment on that day; otherwise one button per appointment. With none there is nothing to
ask: the form ends at once and the errand's action says so and offers a booking.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from datetime import date
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import dates
from common.errands import APPOINTMENT, APPOINTMENT_CANCEL, APPOINTMENT_MOVE, MY_APPOINTMENTS, Errand
from common.kiosk_protocol import FINISHED, INPUT, INPUT_CHOICE, INPUT_YES_NO, RESULT, STEP, directive
from nlu.actions.formatting import day_label, month_day, time_label
from nlu.actions.forms import NONE, Choice, ElderFormValidation, yes_or_no
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.resident import ResidentAction, identity_still_valid, kiosk_of
from portal.errors import PortalError
from portal.models import Appointment

CHOICE = "appointment_choice"
BOOK_BUTTON = {"title": "预约办事", "payload": APPOINTMENT.payload}
HOME_BUTTON = {"title": "回首页", "payload": "/cancel"}
CANCEL_BUTTON = {"title": "取消预约", "payload": APPOINTMENT_CANCEL.payload}
MOVE_BUTTON = {"title": "改预约时间", "payload": APPOINTMENT_MOVE.payload}
YES_NO = [{"title": "是的", "payload": "/affirm"}, {"title": "不用了", "payload": "/deny"}]


def booked(tracker: Tracker) -> List[Appointment]:
    """The resident's booked appointments, soonest first (the portal lists only booked ones)."""
    return portal().appointments(tracker.get_slot("resident_token"), kiosk_id=kiosk_of(tracker))


def chosen(tracker: Tracker) -> Optional[Appointment]:
    """The appointment the form chose, as the portal has it now."""
    choice = tracker.get_slot(CHOICE)
    return next((a for a in booked(tracker) if a.appointment_id == choice), None)


def spoken(appointment: Appointment, today: Optional[date] = None) -> str:
    """'明天 12月3日 星期四 上午9:30，章贡区政务服务中心，办医保业务'."""
    today = today or date.today()
    return (f"{day_label(appointment.date, today)} {time_label(appointment.start)}，"
            f"{appointment.hall_name}，办{appointment.service}")


def _said_day(tracker: Tracker) -> Optional[date]:
    text = str((tracker.latest_message or {}).get("text") or "")
    mention = dates.find_day(text, date.today()) if text and not text.startswith("/") else None
    return mention.day if mention else None


def _matching(value: str, appointments: List[Appointment]) -> Optional[Appointment]:
    """An appointment by its id (a tapped button), by its day ("12月5号那个"), or by its place
    in the list ("第一个")."""
    value = value.strip()
    by_id = next((a for a in appointments if a.appointment_id == value), None)
    if by_id:
        return by_id
    day = dates.parse_day(value, date.today())
    on_day = [a for a in appointments if a.date == day]
    if len(on_day) == 1:
        return on_day[0]
    for position, words in enumerate(("第一", "第二", "第三", "第四", "第五")):
        if words in value and position < len(appointments):
            return appointments[position]
    return None


class ChoosesAppointment(ElderFormValidation):
    """The choice of appointment shared by the cancel and move forms."""

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        # Not verified (the identity step said why): nothing to ask. Nothing to choose: only the
        # choice ("none", already filled), so that it is validated and kept, and the form ends.
        if not identity_still_valid(tracker):
            return []
        if tracker.get_slot(CHOICE) == NONE:
            return [CHOICE]
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)

    async def extract_appointment_choice(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> Dict[str, Any]:
        """Before the question: no appointment, one, or the one on the day already said."""
        if tracker.get_slot(CHOICE) or tracker.get_slot("requested_slot") == CHOICE:
            return {}
        if not identity_still_valid(tracker):
            return {}
        try:
            appointments = booked(tracker)
        except PortalError:
            return {}  # the question says what went wrong
        if not appointments:
            return {CHOICE: NONE}
        day = _said_day(tracker)
        on_day = [a for a in appointments if a.date == day]
        if len(appointments) == 1 or len(on_day) == 1:
            return {CHOICE: (on_day or appointments)[0].appointment_id}
        return {}

    def validate_appointment_choice(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[str, Any]:
        return self.chosen(CHOICE, APPOINTMENT_CHOICE, value, dispatcher, tracker)


def choice_buttons(appointments: List[Appointment]) -> List[Dict[str, str]]:
    today = date.today()
    return [{"title": f"{day_label(a.date, today)} {time_label(a.start)} {a.service}",
             "payload": f'/inform{{"{CHOICE}": "{a.appointment_id}"}}'} for a in appointments]


APPOINTMENT_CHOICE = Choice(booked, _matching, lambda item: item.appointment_id, choice_buttons,
                            first_time="请点一下是哪一个预约。",
                            explanation="请点一下下面的一个预约。都不是的话，请点“找人帮忙”。")


class ActionAskAppointmentChoice(Action):
    def name(self) -> str:
        return "action_ask_appointment_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        try:
            appointments = booked(tracker)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        if not appointments:  # cancelled meanwhile: whatever is answered now ends the form
            dispatcher.utter_message(text="您现在没有预约了。请点一下。", buttons=[BOOK_BUTTON, HOME_BUTTON],
                                     json_message=directive(**{INPUT: INPUT_CHOICE, STEP: CHOICE}))
            return []
        dispatcher.utter_message(text=f"您有{len(appointments)}个预约。是哪一个？请点一下。",
                                 buttons=choice_buttons(appointments),
                                 json_message=directive(**{INPUT: INPUT_CHOICE, STEP: CHOICE}))
        return []


def say_none(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(text="您现在没有预约。要约一个吗？请点一下。", buttons=[BOOK_BUTTON, HOME_BUTTON],
                             json_message=directive(**{INPUT: INPUT_CHOICE}))


class ActionMyAppointments(ResidentAction):
    def name(self) -> str:
        return "action_my_appointments"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        appointments = booked(tracker)
        if not appointments:
            say_none(dispatcher)
            return []
        # The conversation screen, not the result screen: the list comes with what to do next.
        today = date.today()
        halls = {a.hall_name for a in appointments}
        if len(halls) == 1:  # the hall said once: shorter to hear, fewer pages at the largest text
            said = "".join(f"第{n}个，{day_label(a.date, today)} {time_label(a.start)}，办{a.service}。"
                           for n, a in enumerate(appointments, 1)) + f"都在{halls.pop()}。"
        else:
            said = "".join(f"第{n}个，{spoken(a, today)}。" for n, a in enumerate(appointments, 1))
        dispatcher.utter_message(
            text=f"您有{len(appointments)}个预约。{said}要取消或者改时间，请点一下。",
            buttons=[CANCEL_BUTTON, MOVE_BUTTON, HOME_BUTTON],
            json_message=directive(**{INPUT: INPUT_CHOICE, FINISHED: MY_APPOINTMENTS.id}))
        return []


class ValidateAppointmentCancelForm(ChoosesAppointment):
    def name(self) -> str:
        return "validate_appointment_cancel_form"

    def validate_cancel_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[str, Any]:
        return yes_or_no("cancel_confirmed", value)


class AsksAboutChosen(Action, metaclass=ABCMeta):
    """A question about the chosen appointment (cancel it? move it?), asked as the portal has it
    now: when it is gone meanwhile (another kiosk, the hall), the choice is asked again."""

    gone: str = ""  # said before choosing again; '' says nothing
    also_cleared: Tuple[str, ...] = ()  # the form's answers that belonged to the old choice

    @abstractmethod
    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, appointment: Appointment) -> None:
        """The question itself, about the appointment still booked."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        try:
            appointment = chosen(tracker)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
        if appointment is None:
            if self.gone:
                dispatcher.utter_message(text=self.gone)
            again = [SlotSet(slot, None) for slot in (CHOICE, *self.also_cleared)] + [SlotSet("requested_slot", CHOICE)]
            return again + await ActionAskAppointmentChoice().run(dispatcher, tracker, domain)
        self.ask(dispatcher, tracker, appointment)
        return []


class ActionAskCancelConfirmed(AsksAboutChosen):
    def name(self) -> str:
        return "action_ask_cancel_confirmed"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, appointment: Appointment) -> None:
        dispatcher.utter_message(text=f"要取消这个预约吗？{spoken(appointment)}。",
                                 buttons=[{"title": "是的，取消", "payload": "/affirm"},
                                          {"title": "不取消", "payload": "/deny"}],
                                 json_message=directive(**{INPUT: INPUT_YES_NO, STEP: "cancel_confirmed"}))


class ChangesAppointment(ResidentAction):
    """Cancelling or moving the chosen appointment at the end of its form: with none there was
    nothing to do; without an explicit yes it stays as it was; else `change` asks the portal."""

    errand: Errand
    confirmed: str = ""  # the form's yes/no slot
    kept: str = ""  # said when the answer was not yes

    @abstractmethod
    def change(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str, choice: str) -> None:
        """Ask the portal to make the change and tell the resident."""

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        choice = tracker.get_slot(CHOICE)
        if choice == NONE:
            say_none(dispatcher)
        elif tracker.get_slot(self.confirmed) is not True:
            dispatcher.utter_message(text=self.kept)
            dispatcher.utter_message(response="utter_what_else")
        else:
            self.change(dispatcher, tracker, token, choice)
        return [SlotSet(slot, None) for slot in self.errand.form.slots]


class ActionCancelAppointment(ChangesAppointment):
    errand = APPOINTMENT_CANCEL
    confirmed = "cancel_confirmed"
    kept = "好的，预约给您留着，没有取消。"

    def name(self) -> str:
        return "action_cancel_appointment"

    def change(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str, choice: str) -> None:
        appointment = chosen(tracker)
        portal().cancel_appointment(token, choice, kiosk_id=kiosk_of(tracker))
        what = spoken(appointment) if appointment else "这个预约"
        when = f"{month_day(appointment.date)} {time_label(appointment.start)}" if appointment else ""
        dispatcher.utter_message(
            text=f"已经取消了：{what}。想换个时间，可以重新预约。",
            json_message=directive(**{RESULT: {"title": "预约已取消", "value": when,
                                               "note": appointment.hall_name if appointment else ""},
                                      FINISHED: APPOINTMENT_CANCEL.id}))
        dispatcher.utter_message(response="utter_what_else")
