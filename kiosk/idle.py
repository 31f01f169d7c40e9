"""Enough time to act, and nothing left behind: the idle warning and the wipe.

After `idle_seconds` without a touch or a word, during a visit, the kiosk asks 您还在吗 (said
and shown, with a big 我还在 button) and counts down at least 30 seconds (ACCESSIBILITY.md);
one tap or word and the visit goes on, as often as needed. Then the visit is wiped. A guided
lesson never times out: staff are at hand and a learner may take as long as they need.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, Protocol

logger = logging.getLogger(__name__)

IDLE_WARNING = "您还在吗？还要继续，请点“我还在”。"


@dataclass(frozen=True)
class Timing:
    """The kiosk's waits, from config (kiosk.* and speech.*)."""

    idle_seconds: float = 90
    countdown_seconds: float = 30
    short_answer_seconds: float = 20
    free_speech_seconds: float = 60


class Visit(Protocol):
    """What the timer asks of the kiosk (kiosk.controller.KioskController)."""

    state: Any
    in_errand: bool

    def visit_under_way(self) -> bool: ...

    def lesson_running(self) -> bool: ...

    def say_locally(self, text: str) -> None: ...

    def end_visit(self) -> None: ...


class IdleTimer:
    def __init__(self, visit: Visit, idle_seconds: float, countdown_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.visit = visit
        self.idle_seconds = idle_seconds
        self.countdown_seconds = countdown_seconds
        self.clock = clock
        self.last_activity = clock()

    def touched(self) -> None:
        self.last_activity = self.clock()
        self.visit.state.idle_seconds_left = 0

    def tick(self, _dt: float = 0) -> None:
        """Called every second: warn, count down, then wipe. Only while a visit is under way."""
        if self.visit.lesson_running() or not self.visit.visit_under_way():
            return
        idle_for = self.clock() - self.last_activity
        if idle_for < self.idle_seconds:
            return
        state = self.visit.state
        left = int(round(self.idle_seconds + self.countdown_seconds - idle_for))
        if state.idle_seconds_left == 0 and left > 0:
            self.visit.say_locally(IDLE_WARNING)
        if left <= 0:
            logger.info("idle timeout: session wiped")
            self.visit.end_visit()
            return
        state.idle_seconds_left = left
