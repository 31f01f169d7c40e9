"""Helpers for dialogue tests: the kiosk's own dialogue client against the session's stack."""

from __future__ import annotations

from typing import Iterator

import pytest

from kiosk.dialogue_client import DialogueClient

DEMO_ID = "360702195003121226"  # 张桂英
DEMO_PHONE = "13807971234"


@pytest.fixture
def dialogue(stack) -> Iterator[DialogueClient]:
    client = DialogueClient(stack.settings.dialogue.base_url, "test-kiosk", 60, stack.rasa_token)
    yield client
    client.end_session()
    client.close()


def verify(dialogue: DialogueClient, errand_payload: str, id_number: str = DEMO_ID, masked: str = "张*英"):
    """Start an errand that needs identity and pass the identity step by tapping."""
    reply = dialogue.send(errand_payload)
    assert reply.input_kind == "id_number", reply
    reply = dialogue.send(f'/inform{{"id_number": "{id_number}"}}')
    own = next(button for button in reply.buttons if button.title == masked)
    return dialogue.send(own.payload)
