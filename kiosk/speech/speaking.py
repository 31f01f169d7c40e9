"""Whether the kiosk is speaking right now, for whoever must not listen meanwhile.

Why: the loudspeaker is an arm's length from the microphone, so a recogniser that listens
while the kiosk talks hears the kiosk and answers itself. The voice sets this signal just
before the first sample of an utterance goes to the audio sink and clears it when the sink
returns (the utterance finished, or `Voice.stop()` cut it), so the microphone can stay closed
exactly while there is sound and open again the moment it ends.

Callbacks run on the voice's own thread: keep them short, and hop to the window's thread
(Kivy's Clock) for anything that touches widgets. Start and end always come in pairs.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable, List

logger = logging.getLogger(__name__)

SpeakingCallback = Callable[[bool], None]


class SpeakingSignal:
    def __init__(self) -> None:
        self._callbacks: List[SpeakingCallback] = []
        self._lock = threading.Lock()
        self._speaking = threading.Event()
        self._silent = threading.Event()
        self._silent.set()

    @property
    def speaking(self) -> bool:
        return self._speaking.is_set()

    def subscribe(self, callback: SpeakingCallback) -> Callable[[], None]:
        """Call `callback(True)` when speech starts and `callback(False)` when it ends; returns
        the function that unsubscribes it."""
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe

    def wait_speaking(self, timeout: float) -> bool:
        return self._speaking.wait(timeout)

    def wait_silent(self, timeout: float) -> bool:
        return self._silent.wait(timeout)

    def set(self, speaking: bool) -> None:
        """For the voice: sound starts (True) or has stopped (False)."""
        if speaking:
            self._silent.clear()
            self._speaking.set()
        else:
            self._speaking.clear()
            self._silent.set()
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(speaking)
            except Exception:  # a listener's bug must not silence the kiosk
                logger.exception("speaking callback failed")


def time_to_first_sound(voice, text: str, timeout: float = 30.0) -> float:
    """Seconds from `voice.speak(text)` to the first sample handed to the audio sink: what a
    resident waits before hearing anything (ACCESSIBILITY.md: the reply starts within 750 ms).

    For the bench: once with a text the chosen pack has recorded, once with one it has not
    (synthesised), after one warm-up call (the first loads espeak-ng and the pinyin tables)."""
    started = threading.Event()
    stamp: List[float] = []

    def on_speaking(speaking: bool) -> None:
        if speaking and not started.is_set():
            stamp.append(time.perf_counter())
            started.set()

    unsubscribe = voice.on_speaking(on_speaking)
    try:
        begin = time.perf_counter()
        voice.speak(text)
        if not started.wait(timeout):
            raise TimeoutError(f"no sound within {timeout} s")
    finally:
        unsubscribe()
    voice.wait_idle(timeout)
    return stamp[0] - begin
