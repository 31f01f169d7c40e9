"""When the portal fails (down, 500, too slow) during the identity step or the errand, the
resident hears a polite sentence and gets a way on; the kiosk never crashes or hangs. Real
processes; failures made by the sandbox's own fault switches or by killing it."""

from __future__ import annotations

import os
import signal
import threading
from typing import List

import pytest
import requests

from common.kiosk_protocol import CARD_PLACED
from kiosk.card_check import CardChecker
from kiosk.dialogue_client import DialogueClient, Reply
from kiosk.help_queue import HelpQueue
from kiosk.session import WAITING_TEXT, KioskSession, SessionEvents
from kiosk.speech.audio_out import WavFileSink
from kiosk.speech.tts import Voice
from nlu.actions.portal_errors import UNAVAILABLE
from runtime.health import wait_until_healthy
from tests.e2e.conftest import demo_card, spare_resident

pytestmark = pytest.mark.services


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
        self.card_outcome = None
        self.checker = CardChecker(f"http://127.0.0.1:{stack.settings.dialogue.action_port}",
                                   stack.env[stack.settings.dialogue.card_key_env])

    def _on_reply(self, reply: Reply) -> None:
        self.replies.append(reply)
        self.arrived.set()

    def say(self, message: str, timeout: float = 60) -> Reply:
        self.arrived.clear()
        self.session.say(message)
        assert self.arrived.wait(timeout), "no reply: the kiosk would hang"
        return self.replies[-1]

    def place_card(self, card=None) -> Reply:
        """The card on the reader, as kiosk/card_desk.py does it: checked, then /card_placed."""
        self.card_outcome = self.checker.check(self.session.dialogue.sender_id, card or demo_card())
        return self.say(CARD_PLACED)

    def close(self) -> None:
        self.checker.close()
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


def check_polite(visit: Visit, reply: Reply) -> None:
    """The plain sentence, shown and said, with what to do now."""
    assert UNAVAILABLE in reply.text
    assert "找人帮忙" in reply.text  # what to do now
    assert not reply.result
    visit.voice.wait_idle(30)
    assert any(UNAVAILABLE in said for said in visit.voice.spoken)
    assert visit.sink.files and all(path.stat().st_size > 1000 for path in visit.sink.files)


def kill_portal(stack):
    child = stack.supervisor.children["portal-sandbox"]
    os.killpg(child.process.pid, signal.SIGKILL)
    child.process.wait(timeout=10)
    return child


def restart_portal(stack, child) -> None:
    restarted = stack.supervisor.start(child.spec)
    wait_until_healthy("portal-sandbox", child.spec.health_url, restarted.process, 60)


def test_portal_answers_500_while_a_code_is_asked_for(stack, visit):
    id_number, _name, _phone = spare_resident(stack, "portal_500")
    visit.say("/query_pension")
    reply = visit.say(f'/inform{{"id_number": "{id_number}"}}')
    assert reply.input_kind == "choice"
    set_faults(stack, error_rate=1.0)
    reply = visit.say(reply.buttons[0].payload)  # 收短信验证码
    check_polite(visit, reply)
    assert reply.goes_home  # the service tiles come back: a way on


def test_portal_is_too_slow_for_the_errand(stack, visit):
    visit.say("/query_pension")
    # The card is checked before the portal slows down; the pension query is what waits.
    assert visit.checker.check(visit.session.dialogue.sender_id, demo_card()).verified
    set_faults(stack, latency_ms=int(stack.settings.portal.read_timeout_seconds * 1000) + 1500)
    reply = visit.say(CARD_PLACED)
    check_polite(visit, reply)
    assert WAITING_TEXT in visit.voice.spoken  # the wait itself was announced
    set_faults(stack, latency_ms=0)
    reply = visit.say("/query_pension")  # the way on: try again a moment later, still verified
    assert reply.result and reply.result["value"].endswith("元")


def test_portal_process_is_down_when_the_card_is_placed(stack, visit):
    visit.say("/query_pension")
    child = kill_portal(stack)
    try:
        reply = visit.place_card()
        assert not visit.card_outcome.verified and visit.card_outcome.reason == "unavailable"
        check_polite(visit, reply)
        assert reply.input_kind == "id_number"  # the errand goes on: the keypad, or 找人帮忙
    finally:
        restart_portal(stack, child)


def test_portal_process_is_down_during_the_errand(stack, visit):
    reply = visit.place_card()  # verified first, no errand yet
    assert visit.card_outcome.verified and any(b.title == "查医保" for b in reply.buttons)
    child = kill_portal(stack)
    try:
        check_polite(visit, visit.say("/query_medical_insurance"))
    finally:
        restart_portal(stack, child)
    reply = visit.say("/query_medical_insurance")
    assert reply.result and reply.result["value"].endswith("元")


def test_after_the_portal_recovers_the_errand_works_again(stack, visit):
    visit.say("/query_pension")
    reply = visit.place_card()
    assert reply.result and reply.result["value"].endswith("元")


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
    child = kill_portal(stack)
    try:
        reply = visit.say("/affirm")
        assert "登记号" in reply.text and reply.result["title"] == "登记号"
    finally:
        restart_portal(stack, child)
    deadline = time.monotonic() + 120
    found = 0
    while time.monotonic() < deadline and not found:
        with sqlite3.connect(database_path(stack.settings)) as db:
            found = db.execute("SELECT COUNT(*) FROM hotline_cases WHERE description=?", (description,)).fetchone()[0]
        time.sleep(0.5)
    assert found == 1  # delivered by the outbox, exactly once
