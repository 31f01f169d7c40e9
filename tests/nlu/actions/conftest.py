"""Action tests in the style of Rasa's demo assistants: a Tracker built from a dict, a fresh
CollectingDispatcher, and assertions on both the returned events and what was said. The
actions call the real portal sandbox over HTTP (no trained model, no Rasa: seconds).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.nlu.domain import merged_domain
from tests.stack import Stack, use_settings_in_this_process

SENDER = "kiosk-test-actions"


@pytest.fixture(scope="session")
def portal_for_actions(sandbox) -> Iterator[Stack]:
    """The actions' own portal client and outbox pointed at the session's sandbox."""
    use_settings_in_this_process(sandbox)
    from nlu.actions import portal_access

    portal_access._real.cache_clear()
    portal_access._practice.cache_clear()
    portal_access._outbox.cache_clear()
    yield sandbox


@pytest.fixture
def faults(portal_for_actions):
    """Switch the sandbox's faults for one test; always switched off again."""
    url = f"{portal_for_actions.settings.portal.url}/v1/_sandbox/faults"
    headers = {"Authorization": f"Bearer {portal_for_actions.portal_key}"}

    def switch(**faults: Any) -> None:
        requests.post(url, json=faults, headers=headers, timeout=10).raise_for_status()

    yield switch
    switch(latency_ms=0, error_rate=0.0, down=False)


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return merged_domain()


def user_event(text: str, intent: str = "inform", entities: Optional[List[Dict[str, Any]]] = None,
               seconds_ago: float = 0.0) -> Dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": time.time() - seconds_ago,
            "parse_data": {"intent": {"name": intent, "confidence": 1.0}, "entities": entities or []}}


def tracker(slots: Optional[Dict[str, Any]] = None, text: str = "", intent: str = "inform",
            entities: Optional[List[Dict[str, Any]]] = None, form: Optional[str] = None,
            requested: Optional[str] = None, candidates: Optional[Dict[str, Any]] = None,
            events: Optional[List[Dict[str, Any]]] = None, sender: str = SENDER) -> Tracker:
    """A tracker as Rasa sends it: the slots so far, the latest message, and (for a form's
    validation) the slot candidates at the end of the events."""
    all_slots = dict(slots or {})
    if requested:
        all_slots["requested_slot"] = requested
    all_slots.update(candidates or {})
    history = list(events or []) + [user_event(text, intent, entities)]
    history += [{"event": "slot", "name": name, "value": value} for name, value in (candidates or {}).items()]
    return Tracker.from_dict({
        "sender_id": sender, "slots": all_slots, "events": history, "paused": False,
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 1.0},
                           "entities": entities or []},
        "active_loop": {"name": form} if form else {}, "latest_action_name": "action_listen"})


def run(action, tracker_: Tracker, domain_: Dict[str, Any]):
    """(events, messages) of one action run."""
    from nlu.actions.practice import mark_request

    mark_request(tracker_.sender_id)  # as the action server does for each call
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, domain_))
    return events, dispatcher.messages


def said(messages: List[Dict[str, Any]]) -> str:
    return "".join(message.get("text") or "" for message in messages)


def slots_of(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


@pytest.fixture
def resident(portal_for_actions) -> Dict[str, str]:
    """A sandbox resident no other test in this session has used (so the portal's limits on
    codes per number never carry over), with a kiosk of its own."""
    return fresh_resident(portal_for_actions)


@pytest.fixture
def stranger(portal_for_actions) -> Dict[str, str]:
    """Another resident, at another kiosk."""
    return fresh_resident(portal_for_actions)


def fresh_resident(stack: Stack) -> Dict[str, str]:
    import sqlite3

    from portal.sandbox.server import database_path

    with sqlite3.connect(database_path(stack.settings)) as db:
        rows = db.execute("SELECT id_number, name FROM residents ORDER BY id_number").fetchall()
    number, name = next((row for row in rows if row[0] not in _USED), (None, None))
    assert number, "the sandbox has run out of unused residents"
    _USED.add(number)
    return {"id_number": number, "name": name, "sender": f"kiosk-t{len(_USED)}-{number[-4:]}"}


_USED: set = set()


def code_sent_to(stack: Stack, id_number: str) -> str:
    """The newest one-time code the sandbox "sent" to the resident's phone."""
    return next(message.code for message in stack.portal().sandbox_sms(id_number=id_number) if message.code)


def verified(stack: Stack, resident_: Dict[str, str]) -> Dict[str, Any]:
    """The slots of a resident verified by SMS code, as the identity form leaves them."""
    from nlu.actions.resident import kiosk_id, verified_slots

    client = stack.portal()
    kiosk = kiosk_id(resident_["sender"])
    client.send_sms_code(resident_["id_number"], kiosk)
    answer = client.verify_sms_code(resident_["id_number"], code_sent_to(stack, resident_["id_number"]), kiosk)
    return verified_slots(answer.token, answer.expires_in, answer.masked_name, "sms", "masked")
