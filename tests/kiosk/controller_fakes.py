"""Stand-ins for the kiosk controller's surroundings (screens, voice, dialogue service, clock,
scheduler) that record what happened, and the controller built with its real parts around
them: the fast controller tests (tests/kiosk/test_controller.py and others) share these."""

from __future__ import annotations

import threading
from typing import Callable, Dict, List, Optional

from config import load_settings
from kiosk.controller import KioskController, Timing
from kiosk.dialogue_client import Reply
from kiosk.help_queue import HelpQueue
from kiosk.session import KioskSession
from kiosk.speech.speaker import SilentSpeaker
from kiosk.staff import StaffSettings
from kiosk.state import KioskState


class Screens:
    current = "home"


class Voice(SilentSpeaker):
    def __init__(self) -> None:
        super().__init__()
        self.said: List[str] = []
        self.stopped = 0

    def speak(self, text: str) -> None:
        self.said.append(text)

    def stop(self) -> None:
        self.stopped += 1

    def slower(self) -> int:
        self.rate_cpm -= 25
        return self.rate_cpm


class Dialogue:
    """Answers each message from a table; records what the kiosk sent."""

    def __init__(self, answers: Dict[str, Reply]) -> None:
        self.answers = answers
        self.sent: List[str] = []
        self.practice = False
        self.sender_id = "kiosk-test-1"
        self.ended = 0

    def send(self, message: str) -> Reply:
        self.sent.append(message)
        return self.answers.get(message, Reply(texts=("好的。",)))

    def end_session(self) -> None:
        self.ended += 1
        self.sender_id = ("practice-" if self.practice else "") + f"kiosk-test-{self.ended + 1}"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Scheduled:
    def __init__(self) -> None:
        self.calls: List[tuple] = []

    def __call__(self, seconds: float, call: Callable[[], None]):
        self.calls.append((seconds, call))
        return self

    def cancel(self) -> None:
        return None


class Kiosk:
    """A controller with everything it is composed of, waiting for replies to arrive."""

    def __init__(self, tmp_path, answers: Optional[Dict[str, Reply]] = None, printer=None, voice=None,
                 listener=None) -> None:
        self.settings = load_settings().model_copy(update={"paths": load_settings().paths.model_copy(
            update={"data_dir": str(tmp_path), "log_dir": str(tmp_path / "logs")})})
        self.dialogue = Dialogue(answers or {})
        self.voice = voice if voice is not None else Voice()  # a real tts.Voice for the voice tests
        self.screens = Screens()
        self.clock = Clock()
        self.scheduled = Scheduled()
        self.replied = threading.Event()
        self.session = KioskSession(self.dialogue, self.voice, HelpQueue(tmp_path / "help.sqlite3"), "kiosk-test",
                                    deliver=lambda call: call(), wait_notice_seconds=30)
        self.state = KioskState()
        self.controller = KioskController(
            self.state, self.screens, self.session, self.voice, text_scales=[1.0, 1.25, 1.5],
            timing=Timing(idle_seconds=90, countdown_seconds=30), schedule=self.scheduled, clock=self.clock,
            staff=StaffSettings(self.settings, clock=self.clock), printer=printer, listener=listener)
        shown = self.session.events.on_reply

        def show(reply: Reply) -> Optional[str]:
            then = shown(reply)
            self.replied.set()
            return then

        self.session.events.on_reply = show

    def after(self, act: Callable[[], None]) -> None:
        """Do something that sends a message, and wait until its reply is shown."""
        self.replied.clear()
        act()
        assert self.replied.wait(10), "no reply shown"

    def close(self) -> None:
        self.session.close()
