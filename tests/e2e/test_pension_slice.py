"""The thin slice end to end: kiosk dialogue client -> Rasa -> custom action -> portal client
-> sandbox (SQLite) and back, with real processes on loopback."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
import requests

from kiosk.dialogue_client import DialogueClient
from portal.sandbox.server import database_path

pytestmark = pytest.mark.services

DEMO_ID = "360702195003121226"  # 张桂英, a fictional demo resident


def latest_paid(stack, id_number: str):
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute(
            "SELECT month, amount_cents, paid_on FROM pension_payments "
            "WHERE id_number=? AND status='paid' ORDER BY month DESC LIMIT 1", (id_number,)
        ).fetchone()


def any_resident(stack, offset: int):
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute("SELECT id_number, name FROM residents ORDER BY id_number LIMIT 1 OFFSET ?",
                          (offset,)).fetchone()


def client(stack) -> DialogueClient:
    return DialogueClient(stack.settings.dialogue.base_url, "test-kiosk", 30, stack.rasa_token)


def amount_text(cents: int) -> str:
    return f"{Decimal(cents) / 100:,.2f}\u00a0元"


def test_tap_pension_pick_name_shows_amount_from_database(stack):
    dialogue = client(stack)
    reply = dialogue.send("/query_pension")
    assert reply.input_kind == "id_number"
    reply = dialogue.send(f'/inform{{"id_number": "{DEMO_ID}"}}')
    assert "3607 ********** 1226" in reply.text and DEMO_ID not in reply.text
    assert reply.input_kind == "choice" and len(reply.buttons) == 4
    own = [b for b in reply.buttons if b.title == "张*英"]
    assert own, reply.buttons
    reply = dialogue.send(own[0].payload)
    month, cents, paid_on = latest_paid(stack, DEMO_ID)
    assert amount_text(cents) in reply.text
    assert reply.result["value"] == amount_text(cents)
    assert f"{int(paid_on[5:7])}月{int(paid_on[8:10])}日" in reply.text
    assert f"{int(month[5:7])}月" in reply.result["title"]
    dialogue.end_session()


@pytest.mark.parametrize("offset", [7, 123])
def test_spoken_request_with_full_name_for_random_residents(stack, offset):
    id_number, name = any_resident(stack, offset)
    dialogue = client(stack)
    reply = dialogue.send("我的退休金发了没有")
    assert reply.input_kind == "id_number", reply
    dialogue.send(f'/inform{{"id_number": "{id_number}"}}')
    reply = dialogue.send(f"我叫{name}")
    _month, cents, _paid = latest_paid(stack, id_number)
    assert amount_text(cents) in reply.text
    assert name not in reply.text  # only the masked name is ever said back
    dialogue.end_session()


def test_wrong_name_is_refused_then_right_choice_works(stack):
    dialogue = client(stack)
    dialogue.send("/query_pension")
    reply = dialogue.send(f'/inform{{"id_number": "{DEMO_ID}"}}')
    wrong = next(b for b in reply.buttons if b.title != "张*英")
    reply = dialogue.send(wrong.payload)
    assert "对不上" in reply.text
    assert reply.input_kind == "choice"
    right = next(b for b in reply.buttons if b.title == "张*英")
    reply = dialogue.send(right.payload)
    assert reply.result and reply.result["value"].endswith("元")


def test_invalid_check_digit_is_caught_before_the_portal(stack):
    dialogue = client(stack)
    dialogue.send("/query_pension")
    reply = dialogue.send('/inform{"id_number": "360702195003121225"}')
    assert "不对" in reply.text and reply.input_kind == "id_number"


def test_session_end_wipes_rasa_tracker(stack):
    dialogue = client(stack)
    dialogue.send("/query_pension")
    dialogue.send(f'/inform{{"id_number": "{DEMO_ID}"}}')
    old = dialogue.sender_id
    dialogue.end_session()
    tracker = requests.get(f"{stack.settings.dialogue.base_url}/conversations/{old}/tracker",
                           params={"token": stack.rasa_token}, timeout=10).json()
    assert DEMO_ID not in str(tracker)
    assert tracker["slots"].get("id_number") is None
    assert dialogue.sender_id != old
