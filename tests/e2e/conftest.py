"""Helpers for dialogue tests: the kiosk's own dialogue client against the session's stack, and
the two ways in a test can pass the identity step.

The card is for tests whose subject is not identity: the kiosk posts what its reader read to
the action server (kiosk.card_check), then says /card_placed; cards have no limits but wrong
ones. The typed number with an SMS code is for identity tests only, and the sandbox limits it
(portal/sandbox/limits.py: 3 codes per number per 15 minutes, one a minute; 20 per kiosk an
hour): each such test takes a resident and a kiosk id no other test uses (`spare_resident`,
`dialogues`).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Callable, Iterator, List, Optional, Tuple

import pytest

from common.kiosk_protocol import CARD_PLACED
from kiosk.card_check import CardChecker
from kiosk.devices.id_card import IdCard
from kiosk.dialogue_client import DialogueClient, Reply
from portal.sandbox import cards
from portal.sandbox.server import database_path

DEMO_ID = "360702195003121226"  # 张桂英, a fictional demo resident
DEMO_PHONE = "13807971234"
DEMO_MASKED_NAME = "张*英"
SMS_WAY = '/inform{"identity_way": "sms"}'
# Residents for SMS tests, counted from the end of the sandbox's residents (ORDER BY id_number
# DESC): the console tests use offsets 0 and 1, tests/nlu/actions the start of the other end.
# Each test here takes its own offset from 10 on, listed once so no two share a resident.
SPARE_OFFSETS = {"sms_a": 10, "sms_b": 11, "wrong_then_right": 12, "locked": 13, "portal_500": 14,
                 "wrong_code_buttons": 15, "proxy_elder": 30, "proxy_relative": 31}


@pytest.fixture
def dialogue(stack) -> Iterator[DialogueClient]:
    client = DialogueClient(stack.settings.dialogue.base_url, "test-kiosk", 60, stack.rasa_token)
    yield client
    client.end_session()
    client.close()


@pytest.fixture
def dialogues(stack) -> Iterator[Callable[[str], DialogueClient]]:
    """Dialogue clients of kiosks named by the test (the sandbox counts codes per kiosk)."""
    made: List[DialogueClient] = []

    def make(kiosk_id: str) -> DialogueClient:
        client = DialogueClient(stack.settings.dialogue.base_url, kiosk_id, 60, stack.rasa_token)
        made.append(client)
        return client

    yield make
    for client in made:
        client.end_session()
        client.close()


def spare_resident(stack, use: str) -> Tuple[str, str, str]:
    """(id_number, name, phone) of the resident set aside for one SMS test (SPARE_OFFSETS)."""
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute("SELECT id_number, name, phone FROM residents ORDER BY id_number DESC "
                          "LIMIT 1 OFFSET ?", (SPARE_OFFSETS[use],)).fetchone()


def demo_card(index: int = 0, **changes) -> IdCard:
    """The card of seed.DEMO_RESIDENTS[index] (0: 张桂英), as the simulated reader reads it;
    `changes` alter what is printed on it (name=... for someone else's name)."""
    return dataclasses.replace(cards.demo_card(index), **changes)


def place_card(stack, dialogue: DialogueClient, card: IdCard) -> Reply:
    """What the kiosk does with a card on its reader: the action server checks it for this
    conversation, then the dialogue hears /card_placed. Returns the dialogue's reply."""
    url = f"http://127.0.0.1:{stack.settings.dialogue.action_port}"
    checker = CardChecker(url, stack.env[stack.settings.dialogue.card_key_env])
    try:
        checker.check(dialogue.sender_id, card)
    finally:
        checker.close()
    return dialogue.send(CARD_PLACED)


def verify(stack, dialogue: DialogueClient, errand_payload: str, card: Optional[IdCard] = None) -> Reply:
    """Start an errand that needs identity and pass the identity step with a card on the
    reader (the demo resident's unless given). Returns the reply that goes on with the errand."""
    reply = dialogue.send(errand_payload)
    assert reply.input_kind == "id_number", reply
    return place_card(stack, dialogue, card or demo_card())


def latest_code(stack, id_number: str) -> str:
    """The code the sandbox 'sent' to the resident's phone most recently."""
    messages = stack.portal().sandbox_sms(id_number=id_number)
    assert messages and messages[0].code, f"no code was sent for …{id_number[-4:]}"
    return messages[0].code


def ask_for_code(dialogue: DialogueClient, errand_payload: str, id_number: str) -> Reply:
    """Start the errand, type the number, tap 收短信验证码: the reply asks for the code."""
    reply = dialogue.send(errand_payload)
    assert reply.input_kind == "id_number", reply
    reply = dialogue.send(f'/inform{{"id_number": "{id_number}"}}')
    assert reply.input_kind == "choice", reply
    sms = next(button for button in reply.buttons if button.title == "收短信验证码")
    assert sms.payload == SMS_WAY
    reply = dialogue.send(sms.payload)
    assert reply.input_kind == "sms_code", reply
    return reply


def verify_by_sms(stack, dialogue: DialogueClient, errand_payload: str, id_number: str) -> Reply:
    """Pass the identity step by the typed number and the code sent to the resident's phone.
    Sends a code: give each test its own resident and kiosk id."""
    ask_for_code(dialogue, errand_payload, id_number)
    return dialogue.send(f'/inform{{"sms_code": "{latest_code(stack, id_number)}"}}')


def other_code(code: str) -> str:
    """A six-digit code that is surely not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"
