"""Booking a visit to a service hall: what the form accepts (services by their everyday names,
days as residents say them, free times only), the read-back, the booking, a full slot."""

from __future__ import annotations

import time
from datetime import date

import pytest

from common.dates import parse_day
from nlu.actions.appointment import (
    ActionAskAppointmentConfirmed,
    ActionAskAppointmentDate,
    ActionAskAppointmentTime,
    ActionBookAppointment,
    ValidateAppointmentForm,
    bookable_days,
    why_not_bookable,
    working_days,
)
from tests.nlu.actions.conftest import run, said, slots_of, tracker
from tests.portal.conftest import Raw

pytestmark = pytest.mark.usefixtures("portal_for_actions")
FORM = "appointment_form"


@pytest.fixture
def verified(portal_for_actions):
    return {"resident_token": Raw(portal_for_actions).token(), "resident_token_expires": time.time() + 600,
            "person_name": "张*英", "district": "章贡区"}


def validate(slot, value, domain, slots):
    return run(ValidateAppointmentForm(), tracker(slots, form=FORM, requested=slot, candidates={slot: value}), domain)


@pytest.mark.parametrize("said_as, service", [("老年证", "老年人优待证"), ("办医保", "医保业务"),
                                              ("户口", "户籍业务"), ("高龄补贴", "高龄补贴申请")])
def test_a_service_by_its_everyday_name(domain, verified, said_as, service):
    events, _ = validate("hall_service", said_as, domain, verified)
    assert slots_of(events)["hall_service"] == service


def test_a_working_day_said_in_words(domain, verified):
    day = working_days(date.today(), 1)[0]
    events, _ = validate("appointment_date", day.isoformat(), domain, verified)
    assert slots_of(events)["appointment_date"] == day.isoformat()
    said_as = f"{day.month}月{day.day}号"
    events, _ = validate("appointment_date", said_as, domain, verified)
    assert slots_of(events)["appointment_date"] == parse_day(said_as, date.today()).isoformat()


def test_a_weekend_day_is_refused_with_the_days_on_offer(domain, verified):
    today = date.today()
    sunday = next(day for day in (date.fromordinal(today.toordinal() + n) for n in range(1, 9)) if day.weekday() == 6)
    events, messages = validate("appointment_date", sunday.isoformat(), domain, verified)
    assert slots_of(events)["appointment_date"] is None and "不能预约" in said(messages)


def test_a_day_said_before_its_question_is_refused_when_the_day_is_asked(domain, verified):
    """后天 said in the first sentence, on a weekend: the reason is not heard beside the district's
    buttons, but with the day's question, and only once."""
    today = date.today()
    saturday = next(day for day in (date.fromordinal(today.toordinal() + n) for n in range(1, 9)) if day.weekday() == 5)
    first = tracker({**verified, "district": None}, form=FORM, requested="district",
                    candidates={"appointment_date": saturday.isoformat()})
    events, messages = run(ValidateAppointmentForm(), first, domain)
    slots = slots_of(events)
    assert slots["appointment_date"] is None and not said(messages)
    assert slots["refused_day"] == why_not_bookable(saturday, today)
    asked = tracker({**verified, "refused_day": slots["refused_day"]}, form=FORM, requested="appointment_date")
    events, messages = run(ActionAskAppointmentDate(), asked, domain)
    assert said(messages).startswith(f"{saturday.month}月{saturday.day}日是星期六") and "哪一天去" in said(messages)
    assert slots_of(events)["refused_day"] is None


def test_each_day_that_cannot_be_booked_says_why():
    today = date.today()
    later = [date.fromordinal(today.toordinal() + n) for n in range(1, 40)]
    weekend = next(day for day in later if day.weekday() == 6)
    too_far = next(day for day in later if day.weekday() < 5 and day not in bookable_days(today))
    assert "星期日" in why_not_bookable(weekend, today) and "大厅休息" in why_not_bookable(weekend, today)
    assert "太远" in why_not_bookable(too_far, today)
    assert "明天" in why_not_bookable(today, today)
    assert "已经过了" in why_not_bookable(date.fromordinal(today.toordinal() - 3), today)
    assert all("不能预约" in why_not_bookable(day, today) for day in (weekend, too_far, today, None))


def test_times_offered_are_free_ones_and_the_read_back_names_the_hall(domain, verified):
    day = working_days(date.today(), 1)[0].isoformat()
    slots = dict(verified, hall_service="社保业务", appointment_date=day)
    _events, messages = run(ActionAskAppointmentTime(), tracker(slots), domain)
    start = messages[0]["buttons"][0]["payload"].split('"')[3]
    events, _ = validate("appointment_time", start, domain, slots)
    assert slots_of(events)["appointment_time"] == start
    _events, messages = run(ActionAskAppointmentConfirmed(), tracker(dict(slots, appointment_time=start)), domain)
    assert "章贡区" in said(messages) and "对吗" in said(messages)


def test_booking_is_made_once_and_read_out(domain, verified):
    day = working_days(date.today(), 2)[1].isoformat()
    slots = dict(verified, hall_service="医保业务", appointment_date=day, appointment_time="10:00",
                 appointment_confirmed=True)
    events, messages = run(ActionBookAppointment(), tracker(slots), domain)
    assert "约好了" in said(messages) and messages[0]["custom"]["kiosk"]["finished"] == "appointment"
    again_events, again = run(ActionBookAppointment(), tracker(slots), domain)
    assert said(again) == said(messages)  # the same booking, not a second one


def test_a_district_without_a_hall_is_said_not_raised(domain, verified, monkeypatch):
    """A portal that lists no hall for the district (the sandbox always has one, so a small
    real HTTP server answers an empty list here)."""
    from nlu.actions import appointment
    from portal.client import PortalClient
    from tests.portal.fake_portal import FakePortal

    fake = FakePortal()
    fake.reply(200, '{"halls": []}')
    monkeypatch.setattr(appointment, "portal", lambda: PortalClient(fake.url, "key", 1.0, 1.0, 0, 0.0))
    try:
        _events, messages = run(ActionAskAppointmentConfirmed(), tracker(dict(
            verified, appointment_date=working_days(date.today(), 1)[0].isoformat(), appointment_time="09:00",
            hall_service="社保业务")), domain)
    finally:
        fake.stop()
    assert "办事大厅还没有查到" in said(messages)
