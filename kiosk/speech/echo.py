"""Not hearing itself: the listener is deaf while the kiosk speaks, and a moment after.

Why: the loudspeaker is an arm's length from the microphone, so while the kiosk talks the
microphone hears the kiosk, and the recogniser would answer its own words. The voice tells
when sound starts and stops (speaking.py); while it sounds, and for HOLD_SECONDS after (the
room's echo and the sound card's buffer still reach the microphone), what the microphone
hears is dropped before the recogniser and the end-of-speech detector see it. Listening goes
on by itself the moment that time is over. A tap stops the speech (barge-in), so a resident
who wants to talk never waits for the kiosk to finish.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from kiosk.speech.speaking import SpeakingCallback

HOLD_SECONDS = 0.3

Subscribe = Callable[[SpeakingCallback], Callable[[], None]]


class EchoGuard:
    def __init__(self, subscribe: Subscribe, hold_seconds: float = HOLD_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.hold_seconds = hold_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._speaking = False
        self._ended_at = float("-inf")
        self._unsubscribe = subscribe(self._on_speaking)

    def _on_speaking(self, speaking: bool) -> None:
        with self._lock:
            self._speaking = speaking
            if not speaking:
                self._ended_at = self.clock()

    def deaf(self) -> bool:
        """True while the kiosk's own sound may reach the microphone."""
        with self._lock:
            return self._speaking or self.clock() - self._ended_at < self.hold_seconds

    def close(self) -> None:
        self._unsubscribe()
