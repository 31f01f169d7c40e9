"""The yearly pension certification through the real dialogue (Rasa with the trained model, the
action server, the sandbox): only the ways this kiosk has, staff certifying in person (decided
at the portal under a staff account, as the console does), nobody coming in time, the home
visit, the SMS reminder, and the "certify now?" sentence at the end of another errand."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Iterator

import pytest

from common.kiosk_protocol import STAFF_CERTIFIED, STAFF_WAIT_OVER, task_of
from nlu.actions.certification import when
from tests.e2e.conftest import demo_card, verify

CARD = 1  # seed.DEMO_RESIDENTS[1], 李德明: a card for life; no other dialogue test certifies him


@pytest.fixture
def due_soon(stack) -> Iterator[str]:
    """The resident's certification due in 20 days; put back as it was afterwards."""
    number = demo_card(CARD).id_number
    client = stack.portal()
    before = client.sandbox_certification(number).due_date
    client.sandbox_certification_due(number, 20)
    yield number
    client.sandbox_certification_due(number, (before - date.today()).days)


def ask_staff(stack, dialogue):
    reply = verify(stack, dialogue, "/pension_certification", demo_card(CARD))
    due = date.today() + timedelta(days=20)
    assert "快到期" in reply.result["title"] and reply.result["value"].endswith(f"{due.month}月{due.day}日")
    assert "刷脸" not in reply.text and [b.title for b in reply.buttons] == ["请工作人员认证"]  # no camera here
    reply = dialogue.send(reply.buttons[0].payload)
    kind, request_id = task_of(reply.identity_check)
    assert kind == "certification" and "工作人员马上过来" in reply.text
    return request_id


def test_staff_certify_in_person_then_an_sms_reminder(stack, dialogue, due_soon):
    request_id = ask_staff(stack, dialogue)
    early = dialogue.send(STAFF_CERTIFIED)  # tapped before anyone came
    assert "还在路上" in early.text and early.result is None
    stack.portal().decide_staff_certification(request_id, "wang", True, seen_in_person=True)
    reply = dialogue.send(STAFF_CERTIFIED)  # the console's event, as the kiosk says it
    next_due = date.today() + timedelta(days=365)
    assert reply.result["title"] == "养老资格认证好了" and reply.directives.get("printable")
    assert reply.result["value"] == when(next_due)
    assert "工作人员已经帮您认证好了" in reply.text and f"{next_due.month}月{next_due.day}日" in reply.text
    record = stack.portal().sandbox_certification(due_soon).records[-1]
    assert (record.way, record.staff_account, record.kiosk_id) == ("community_staff", "wang", "test-kiosk")

    family = next(button for button in reply.buttons if button.title == "短信提醒家人")
    reply = dialogue.send(family.payload)
    assert reply.input_kind == "phone", reply
    reply = dialogue.send('/inform{"phone_number": "13912345678"}')
    assert "尾号5678" in reply.text and "13912345678" not in reply.text
    [reminder] = stack.portal().sandbox_certification(due_soon).reminders
    assert reminder.to == "family" and reminder.remind_on == next_due - timedelta(days=30)


def test_nobody_came_in_time_offers_the_hall_or_a_home_visit(stack, dialogue, due_soon):
    request_id = ask_staff(stack, dialogue)
    reply = dialogue.send(STAFF_WAIT_OVER)
    assert "走不开" in reply.text and [b.title for b in reply.buttons] == ["预约去大厅", "请人上门认证"]
    assert stack.portal().staff_certification(request_id, "test-kiosk").status == "withdrawn"
    reply = dialogue.send(reply.buttons[1].payload)
    assert reply.result["value"] == "已登记" and "打电话" in reply.text
    assert stack.portal().sandbox_certification(due_soon).home_visits


def test_another_errand_ends_offering_to_certify_now(stack, dialogue, due_soon):
    reply = verify(stack, dialogue, "/query_pension", demo_card(CARD))
    assert reply.text.endswith("养老资格认证快到期了，要现在认证吗？")
    now = next(button for button in reply.buttons if button.title == "现在认证")
    reply = dialogue.send(now.payload)  # still verified: straight to the status and the ways
    assert "快到期" in reply.result["title"] and [b.title for b in reply.buttons] == ["请工作人员认证"]
