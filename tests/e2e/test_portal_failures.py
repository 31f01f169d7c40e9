"""When the portal fails (down, 500, too slow), the resident hears a polite sentence and gets
a way on; the kiosk never crashes or hangs. Real processes; failures made by the sandbox's
own fault switches or by killing it."""

from __future__ import annotations

import os
import signal
import threading
from typing import List

import pytest
import requests

from kiosk.dialogue_client import DialogueClient, Reply
from kiosk.help_queue import HelpQueue
from kiosk.session import WAITING_TEXT, KioskSession, SessionEvents
from kiosk.speech.audio_out import WavFileSink
from kiosk.speech.tts import Voice
from nlu.actions.portal_errors import UNAVAILABLE
from runtime.health import wait_until_healthy

pytestmark = pytest.mark.services

DEMO_ID = "360702195003121226"


class Visit:
    """A kiosk session as the window uses it, with speech going to WAV files."""

    def __init__(self, stack, folder) -> None:
        self.replies: List[Reply] = []
        self.arrived = threading.Event()
        self.sink = WavFileSink(folder / "voice")
        self.voice = Voice(self.sink)
        dialogue = DialogueClient(stack.settings.dialogue.base_url, "test-kiosk", 30, stack.rasa_token)
        self.session = KioskSession(
            dialogue, self.voice, HelpQueue(folder / "help.sqlite3"), "test-kiosk",
            deliver=lambda call: call(),
            events=SessionEvents(on_reply=self._on_reply))

    def _on_reply(self, reply: Reply) -> None:
        self.replies.append(reply)
        self.arrived.set()

    def say(self, message: str, timeout: float = 60) -> Reply:
        self.arrived.clear()
        self.session.say(message)
        assert self.arrived.wait(timeout), "no reply: the kiosk would hang"
        return self.replies[-1]

    def close(self) -> None:
        self.session.end()
        self.session.close()
        self.voice.close()


def set_faults(stack, **faults) -> None:
    requests.post(f"{stack.settings.portal.url}/v1/_sandbox/faults", json=faults,
                  headers={"Authorization": f"Bearer {stack.portal_key}"}, timeout=5).raise_for_status()


@pytest.fixture
def visit(stack, output_dir):
    current = Visit(stack, output_dir)
    yield current
    current.close()
    set_faults(stack, latency_ms=0, error_rate=0.0, down=False)


def check_polite_way_on(visit: Visit, reply: Reply) -> None:
    assert UNAVAILABLE in reply.text
    assert "找人帮忙" in reply.text  # what to do now
    assert reply.goes_home  # the service tiles come back: a way on
    visit.voice.wait_idle(30)
    assert any(UNAVAILABLE in said for said in visit.voice.spoken)
    assert visit.sink.files and all(path.stat().st_size > 1000 for path in visit.sink.files)


def test_portal_answers_500(stack, visit):
    visit.say("/query_pension")
    set_faults(stack, error_rate=1.0)
    check_polite_way_on(visit, visit.say(f'/inform{{"id_number": "{DEMO_ID}"}}'))


def test_portal_is_too_slow(stack, visit):
    visit.say("/query_pension")
    set_faults(stack, latency_ms=int(stack.settings.portal.read_timeout_seconds * 1000) + 1500)
    reply = visit.say(f'/inform{{"id_number": "{DEMO_ID}"}}')
    check_polite_way_on(visit, reply)
    assert WAITING_TEXT in visit.voice.spoken  # the wait itself was announced


def test_portal_process_is_down(stack, visit):
    child = stack.supervisor.children["portal-sandbox"]
    visit.say("/query_pension")
    os.killpg(child.process.pid, signal.SIGKILL)
    child.process.wait(timeout=10)
    try:
        check_polite_way_on(visit, visit.say(f'/inform{{"id_number": "{DEMO_ID}"}}'))
    finally:
        restarted = stack.supervisor.start(child.spec)
        wait_until_healthy("portal-sandbox", child.spec.health_url, restarted.process, 60)


def test_after_the_portal_recovers_the_errand_works_again(stack, visit):
    visit.say("/query_pension")
    reply = visit.say(f'/inform{{"id_number": "{DEMO_ID}"}}')
    assert reply.input_kind == "choice"


def test_report_made_while_the_portal_is_down_is_sent_when_it_returns(stack, visit):
    import sqlite3
    import time

    from portal.sandbox.server import database_path

    description = f"路灯坏了好几天了 {int(time.time())}"
    visit.say("/hotline_report")
    visit.say(description)
    visit.say("幸福路口")
    visit.say('/inform{"district": "章贡区"}')
    visit.say('/inform{"phone_number": "13912345678"}')
    child = stack.supervisor.children["portal-sandbox"]
    os.killpg(child.process.pid, signal.SIGKILL)
    child.process.wait(timeout=10)
    try:
        reply = visit.say("/affirm")
        assert "登记号" in reply.text and reply.result["title"] == "登记号"
    finally:
        restarted = stack.supervisor.start(child.spec)
        wait_until_healthy("portal-sandbox", child.spec.health_url, restarted.process, 60)
    deadline = time.monotonic() + 120
    found = 0
    while time.monotonic() < deadline and not found:
        with sqlite3.connect(database_path(stack.settings)) as db:
            found = db.execute("SELECT COUNT(*) FROM hotline_cases WHERE description=?", (description,)).fetchone()[0]
        time.sleep(0.5)
    assert found == 1  # delivered by the outbox, exactly once
