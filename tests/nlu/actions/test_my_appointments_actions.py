"""The resident's own appointments against the real sandbox: the list read out, the choice of
appointment (none, one, the day said, a button), cancelling only after 是的, and moving to a
free time, with the sandbox's database checked after each change."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from nlu.actions.appointment import working_days
from nlu.actions.appointment_manage import (
    NONE,
    ActionAskAppointmentChoice,
    ActionAskCancelConfirmed,
    ActionCancelAppointment,
    ActionMyAppointments,
    ValidateAppointmentCancelForm,
)
from nlu.actions.appointment_move import (
    ActionAskMoveConfirmed,
    ActionAskMoveTime,
    ActionMoveAppointment,
    ValidateAppointmentMoveForm,
)
from tests.nlu.actions.conftest import fresh_resident, run, said, slots_of, tracker, verified
from tests.portal.conftest import Raw

pytestmark = pytest.mark.usefixtures("portal_for_actions")


@pytest.fixture
def booker(portal_for_actions, resident):
    """The resident's verified slots (by SMS code) and a way to book for them at a hall (H01: 章贡区)."""
    slots = verified(portal_for_actions, resident)
    token = slots["resident_token"]
    client = portal_for_actions.portal()

    def book(day: date, start: str, service: str = "医保业务"):
        return client.book_appointment(token, "H01", day, start, service, uuid.uuid4().hex)

    return slots, book, resident["id_number"]


def status_in_db(stack, appointment_id: str):
    return Raw(stack).sql("SELECT status, day, start FROM appointments WHERE appointment_id=?", appointment_id)[0]


def test_no_appointment_is_said_and_a_booking_offered(domain, booker):
    slots, _book, _number = booker
    events, messages = run(ActionMyAppointments(), tracker(slots), domain)
    assert "没有预约" in said(messages)
    assert "/book_appointment" in [b["payload"] for b in messages[0]["buttons"]]
    # The cancel form has nothing to ask: the choice is "none" and the form asks nothing more.
    form = ValidateAppointmentCancelForm()
    events, _ = run(form, tracker(slots, text="/cancel_appointment", intent="cancel_appointment",
                                  form="appointment_cancel_form"), domain)
    assert slots_of(events).get("appointment_choice") == NONE
    events, messages = run(ActionCancelAppointment(), tracker(dict(slots, appointment_choice=NONE)), domain)
    assert "没有预约" in said(messages)


def test_the_list_reads_every_appointment_soonest_first(domain, booker):
    slots, book, _number = booker
    first, second = working_days(date.today(), 3)[1:3]
    book(second, "14:30", "户籍业务")
    book(first, "09:30")
    _events, messages = run(ActionMyAppointments(), tracker(slots), domain)
    text = said(messages)
    assert "您有2个预约" in text
    assert text.index("医保业务") < text.index("户籍业务") and "上午9:30" in text and "下午2:30" in text
    assert messages[0]["custom"]["kiosk"]["finished"] == "my_appointments"


def test_a_single_appointment_is_chosen_and_cancelled_only_after_yes(domain, booker, portal_for_actions):
    slots, book, _number = booker
    mine = book(working_days(date.today(), 2)[1], "10:00")
    events, _ = run(ValidateAppointmentCancelForm(), tracker(slots, text="我要取消预约", intent="cancel_appointment",
                                                             form="appointment_cancel_form"), domain)
    assert slots_of(events)["appointment_choice"] == mine.appointment_id
    chosen = dict(slots, appointment_choice=mine.appointment_id)
    _events, messages = run(ActionAskCancelConfirmed(), tracker(chosen), domain)
    assert "要取消这个预约吗" in said(messages) and "上午10:00" in said(messages)
    # 不取消: nothing changes at the portal.
    _events, messages = run(ActionCancelAppointment(), tracker(dict(chosen, cancel_confirmed=False)), domain)
    assert "没有取消" in said(messages) and status_in_db(portal_for_actions, mine.appointment_id)[0] == "booked"
    events, messages = run(ActionCancelAppointment(), tracker(dict(chosen, cancel_confirmed=True)), domain)
    assert "已经取消了" in said(messages) and status_in_db(portal_for_actions, mine.appointment_id)[0] == "cancelled"
    assert slots_of(events)["appointment_choice"] is None


def test_the_day_in_the_first_sentence_picks_the_appointment(domain, booker):
    slots, book, _number = booker
    days = working_days(date.today(), 3)
    book(days[0], "09:00")
    on_third = book(days[2], "15:00")
    text = f"{days[2].month}月{days[2].day}号的预约不去了"
    events, _ = run(ValidateAppointmentCancelForm(), tracker(slots, text=text, intent="cancel_appointment",
                                                             form="appointment_cancel_form"), domain)
    assert slots_of(events)["appointment_choice"] == on_third.appointment_id


def test_with_two_appointments_the_resident_chooses_by_button_or_words(domain, booker):
    slots, book, _number = booker
    days = working_days(date.today(), 3)
    first = book(days[0], "09:00")
    second = book(days[1], "11:00")
    events, _ = run(ValidateAppointmentCancelForm(), tracker(slots, text="取消预约", intent="cancel_appointment",
                                                             form="appointment_cancel_form"), domain)
    assert "appointment_choice" not in slots_of(events)  # two: asked, not guessed
    _events, messages = run(ActionAskAppointmentChoice(), tracker(slots), domain)
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert first.appointment_id in payloads[0] and second.appointment_id in payloads[1]
    events, _ = run(ValidateAppointmentCancelForm(), tracker(slots, form="appointment_cancel_form",
                                                             requested="appointment_choice",
                                                             candidates={"appointment_choice": "第二个"}), domain)
    assert slots_of(events)["appointment_choice"] == second.appointment_id
    events, messages = run(ValidateAppointmentCancelForm(), tracker(slots, form="appointment_cancel_form",
                                                                    requested="appointment_choice",
                                                                    candidates={"appointment_choice": "随便"}), domain)
    assert slots_of(events)["appointment_choice"] is None and "哪一个" in said(messages)


def test_moving_offers_free_times_reads_back_and_moves(domain, booker, portal_for_actions):
    slots, book, _number = booker
    days = working_days(date.today(), 4)
    mine = book(days[1], "09:30")
    chosen = dict(slots, appointment_choice=mine.appointment_id)
    form = ValidateAppointmentMoveForm()
    said_day = f"{days[3].month}月{days[3].day}号下午两点半"
    events, _ = run(form, tracker(chosen, form="appointment_move_form", requested="move_date",
                                  candidates={"move_date": said_day}), domain)
    assert slots_of(events)["move_date"] == days[3].isoformat() and slots_of(events)["move_time"] == "14:30"
    moving = dict(chosen, move_date=days[3].isoformat())
    _events, messages = run(ActionAskMoveTime(), tracker(moving), domain)
    offered = [b["payload"] for b in messages[0]["buttons"]]
    assert offered and all(days[3].isoformat() not in p for p in offered)
    events, _ = run(form, tracker(moving, form="appointment_move_form", requested="move_time",
                                  candidates={"move_time": "14:30"}), domain)
    assert slots_of(events)["move_time"] == "14:30"
    moving["move_time"] = "14:30"
    _events, messages = run(ActionAskMoveConfirmed(), tracker(moving), domain)
    assert "上午9:30" in said(messages) and "下午2:30" in said(messages) and "对吗" in said(messages)
    events, messages = run(ActionMoveAppointment(), tracker(dict(moving, move_confirmed=True)), domain)
    assert "改好了" in said(messages)
    assert status_in_db(portal_for_actions, mine.appointment_id) == ("booked", days[3].isoformat(), "14:30")


def test_a_weekend_or_a_full_time_is_not_offered_for_a_move(domain, booker, portal_for_actions):
    slots, book, _number = booker
    days = working_days(date.today(), 6)
    mine = book(days[0], "09:00")
    chosen = dict(slots, appointment_choice=mine.appointment_id)
    today = date.today()
    sunday = next(d for d in (date.fromordinal(today.toordinal() + n) for n in range(1, 9)) if d.weekday() == 6)
    events, messages = run(ValidateAppointmentMoveForm(), tracker(chosen, form="appointment_move_form",
                                                                  requested="move_date",
                                                                  candidates={"move_date": sunday.isoformat()}),
                           domain)
    assert slots_of(events)["move_date"] is None and "不能预约" in said(messages)
    client = portal_for_actions.portal()
    for _ in range(4):  # fill 16:00 on days[5] with other residents
        other = verified(portal_for_actions, fresh_resident(portal_for_actions))["resident_token"]
        client.book_appointment(other, "H01", days[5], "16:00", "社保业务", uuid.uuid4().hex)
    moving = dict(chosen, move_date=days[5].isoformat())
    events, messages = run(ValidateAppointmentMoveForm(), tracker(moving, form="appointment_move_form",
                                                                  requested="move_time",
                                                                  candidates={"move_time": "16:00"}), domain)
    assert slots_of(events)["move_time"] is None and "约不上" in said(messages)
    # 不改了: the appointment stays where it was.
    _events, messages = run(ActionMoveAppointment(), tracker(dict(moving, move_time="15:00", move_confirmed=False)),
                            domain)
    assert "没有改" in said(messages)
    assert status_in_db(portal_for_actions, mine.appointment_id) == ("booked", days[0].isoformat(), "09:00")



def test_an_appointment_cancelled_meanwhile_is_chosen_again_before_any_question(domain, booker, portal_for_actions):
    slots, book, _number = booker
    days = working_days(date.today(), 3)
    gone, other = book(days[1], "10:00"), book(days[2], "11:00")
    portal_for_actions.portal().cancel_appointment(slots["resident_token"], gone.appointment_id)  # another kiosk
    chosen = dict(slots, appointment_choice=gone.appointment_id)
    moving = dict(chosen, move_date=days[2].isoformat(), move_time="14:30")
    move_answers = ("appointment_choice", "move_date", "move_time")
    for action, state, cleared in ((ActionAskCancelConfirmed(), chosen, ("appointment_choice",)),
                                   (ActionAskMoveConfirmed(), moving, move_answers)):
        events, messages = run(action, tracker(state), domain)
        assert "是哪一个" in said(messages) and "对吗" not in said(messages)
        assert "要取消这个预约吗" not in said(messages)
        assert [b["payload"] for b in messages[-1]["buttons"]] == [
            f'/inform{{"appointment_choice": "{other.appointment_id}"}}']
        assert {slot: slots_of(events)[slot] for slot in cleared} == dict.fromkeys(cleared)
        assert slots_of(events)["requested_slot"] == "appointment_choice"
    assert said(messages).startswith("这个预约已经不在了")  # the move says why it asks again
