"""The thin slice end to end: kiosk dialogue client -> Rasa -> custom action -> portal client
-> sandbox (SQLite) and back, with real processes on loopback. Both ways in a resident has
without a staff member: the ID card on the reader, and the typed number with an SMS code."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
import requests

from portal.errors import PortalRefused
from portal.sandbox.cards import EXPIRED_CARD_RESIDENT
from portal.sandbox.server import database_path
from tests.e2e.conftest import (
    DEMO_ID,
    DEMO_MASKED_NAME,
    ask_for_code,
    demo_card,
    latest_code,
    other_code,
    place_card,
    spare_resident,
    verify,
)

pytestmark = pytest.mark.services


def latest_paid(stack, id_number: str):
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute(
            "SELECT month, amount_cents, paid_on FROM pension_payments "
            "WHERE id_number=? AND status='paid' ORDER BY month DESC LIMIT 1", (id_number,)
        ).fetchone()


def amount_text(cents: int) -> str:
    return f"{Decimal(cents) / 100:,.2f}\u00a0元"


def test_card_on_the_reader_shows_amount_from_database(stack, dialogue):
    reply = verify(stack, dialogue, "/query_pension")
    month, cents, paid_on = latest_paid(stack, DEMO_ID)
    assert reply.text.startswith(f"{DEMO_MASKED_NAME}，您好。")
    assert amount_text(cents) in reply.text
    assert reply.result["value"] == amount_text(cents)
    assert f"{int(paid_on[5:7])}月{int(paid_on[8:10])}日" in reply.text
    assert f"{int(month[5:7])}月" in reply.result["title"]
    assert "张桂英" not in reply.text and DEMO_ID not in reply.text


@pytest.mark.parametrize("use, kiosk_id", [("sms_a", "e2e-sms-a"), ("sms_b", "e2e-sms-b")])
def test_typed_number_and_sms_code_for_random_residents(stack, dialogues, use, kiosk_id):
    id_number, name, phone = spare_resident(stack, use)
    dialogue = dialogues(kiosk_id)
    reply = dialogue.send("我的退休金发了没有")  # said, not tapped
    assert reply.input_kind == "id_number", reply
    reply = dialogue.send(f'/inform{{"id_number": "{id_number}"}}')
    assert reply.input_kind == "choice", reply
    assert [(b.title, b.payload) for b in reply.buttons] == [
        ("收短信验证码", '/inform{"identity_way": "sms"}'), ("请工作人员核验", '/inform{"identity_way": "staff"}')]
    assert id_number not in reply.text
    reply = dialogue.send(reply.buttons[0].payload)
    assert reply.input_kind == "sms_code", reply
    assert "验证码" in reply.text and phone not in reply.text
    code = latest_code(stack, id_number)
    assert code not in reply.text  # the code is on the resident's phone, not on the screen
    reply = dialogue.send(f'/inform{{"sms_code": "{code}"}}')
    _month, cents, _paid = latest_paid(stack, id_number)
    assert amount_text(cents) in reply.text and reply.result["value"] == amount_text(cents)
    assert name not in reply.text and f"{name[0]}*{name[-1]}" in reply.text  # only the masked name is said


def test_a_wrong_code_then_the_right_one(stack, dialogues):
    id_number, _name, _phone = spare_resident(stack, "wrong_then_right")
    dialogue = dialogues("e2e-sms-wrong")
    ask_for_code(dialogue, "/query_pension", id_number)
    code = latest_code(stack, id_number)
    reply = dialogue.send(f'/inform{{"sms_code": "{other_code(code)}"}}')
    assert "验证码不对" in reply.text and "还可以再试2次" in reply.text
    assert reply.input_kind == "sms_code" and not reply.result
    assert any(b.title == "请工作人员核验" for b in reply.buttons)  # another way in, always on offer
    reply = dialogue.send(f'/inform{{"sms_code": "{code}"}}')
    _month, cents, _paid = latest_paid(stack, id_number)
    assert reply.result and reply.result["value"] == amount_text(cents)


def test_a_wrong_code_offers_each_way_on_once(stack, dialogues):
    id_number, _name, _phone = spare_resident(stack, "wrong_code_buttons")
    dialogue = dialogues("e2e-sms-buttons")
    ask_for_code(dialogue, "/query_pension", id_number)
    reply = dialogue.send(f'/inform{{"sms_code": "{other_code(latest_code(stack, id_number))}"}}')
    assert [b.title for b in reply.buttons] == ["再发一次", "请工作人员核验"]


def test_three_wrong_codes_lock_the_number(stack, dialogues):
    id_number, _name, _phone = spare_resident(stack, "locked")
    dialogue = dialogues("e2e-sms-locked")
    ask_for_code(dialogue, "/query_pension", id_number)
    code = latest_code(stack, id_number)
    for left in (2, 1):
        reply = dialogue.send(f'/inform{{"sms_code": "{other_code(code)}"}}')
        assert f"还可以再试{left}次" in reply.text
    reply = dialogue.send(f'/inform{{"sms_code": "{other_code(code)}"}}')
    assert "错误次数太多了" in reply.text and "找人帮忙" in reply.text
    assert reply.goes_home and not reply.result
    # Even the right code is refused now, by the portal itself ...
    with pytest.raises(PortalRefused) as refused:
        stack.portal().verify_sms_code(id_number, code, "e2e-sms-locked")
    assert refused.value.code == "too_many_attempts"
    # ... and starting over at the kiosk does not buy a new code.
    dialogue.end_session()
    dialogue.send("/query_pension")
    reply = dialogue.send(f'/inform{{"id_number": "{id_number}"}}')
    reply = dialogue.send(reply.buttons[0].payload)
    assert "错误次数太多了" in reply.text and reply.goes_home and reply.input_kind != "sms_code"


def test_someone_elses_name_on_a_card_is_not_accepted(stack, dialogues):
    dialogue = dialogues("e2e-card-wrong-name")
    dialogue.send("/query_pension")
    reply = place_card(stack, dialogue, demo_card(0, name="李德明"))
    assert reply.text.startswith("这张身份证没有核对成功")
    assert not reply.result and DEMO_MASKED_NAME not in reply.text
    assert reply.input_kind == "id_number"  # the errand goes on: type the number, or the right card
    reply = place_card(stack, dialogue, demo_card(0))
    assert reply.text.startswith(f"{DEMO_MASKED_NAME}，您好。") and reply.result["value"].endswith("元")


def test_an_expired_card_is_told_kindly_with_the_other_ways(stack, dialogue):
    dialogue.send("/query_pension")
    reply = place_card(stack, dialogue, demo_card(EXPIRED_CARD_RESIDENT))
    assert reply.text.startswith("您的身份证过期了")
    assert "短信验证码" in reply.text and "工作人员" in reply.text
    assert not reply.result and reply.input_kind == "id_number"  # the number and a code still work
    reply = dialogue.send(f'/inform{{"id_number": "{demo_card(EXPIRED_CARD_RESIDENT).id_number}"}}')
    assert [b.title for b in reply.buttons] == ["收短信验证码", "请工作人员核验"]


def test_invalid_check_digit_is_caught_before_the_portal(dialogue):
    dialogue.send("/query_pension")
    reply = dialogue.send('/inform{"id_number": "360702195003121225"}')
    assert "不对" in reply.text and reply.input_kind == "id_number"


def test_session_end_wipes_rasa_tracker(stack, dialogue):
    dialogue.send("/query_pension")
    dialogue.send(f'/inform{{"id_number": "{DEMO_ID}"}}')
    old = dialogue.sender_id
    dialogue.end_session()
    tracker = requests.get(f"{stack.settings.dialogue.base_url}/conversations/{old}/tracker",
                           params={"token": stack.rasa_token}, timeout=10).json()
    assert DEMO_ID not in str(tracker)
    assert tracker["slots"].get("id_number") is None
    assert dialogue.sender_id != old
