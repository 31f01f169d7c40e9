"""Press-to-talk listening: one utterance per tap, in a worker thread, never in the window's.

Tap to start: a chime, then partial text as it is recognised. Listening stops by itself on a
generous silence, or when the resident taps again; a second chime marks the end, and the
final text is delivered. No model or no microphone: `available` is False with a reason, and
the kiosk hides the button. While the kiosk itself speaks (an EchoGuard, echo.py) nothing
heard reaches the recogniser: the state is PAUSED, and LISTENING again once it is quiet.
"""

from __future__ import annotations

import enum
import json
import logging
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Deque, List, Optional, Sequence

from kiosk.speech.echo import EchoGuard
from kiosk.speech.recognizer import ModelUnavailable, SpeechModel, Transcript, tidy
from kiosk.speech.sources import SAMPLE_RATE, AudioSource, MicrophoneUnavailable
from kiosk.speech.vad import EndOfSpeech

logger = logging.getLogger(__name__)

TRANSCRIPTS_KEPT = 10


class ListenState(enum.Enum):
    UNAVAILABLE = "unavailable"
    IDLE = "idle"
    LISTENING = "listening"
    PAUSED = "paused"  # listening, but deaf while the kiosk speaks


@dataclass(frozen=True)
class ListenMode:
    """What the current screen accepts: a grammar of phrases, or free speech (None)."""

    phrases: Optional[Sequence[str]] = None
    max_seconds: float = 20.0


@dataclass
class ListenerEvents:
    on_state: Callable[[ListenState], None] = lambda state: None
    on_partial: Callable[[str], None] = lambda text: None
    on_final: Callable[[str], None] = lambda text: None


@dataclass
class Chimes:
    start: Callable[[], None] = lambda: None
    end: Callable[[], None] = lambda: None


@dataclass
class Listener:
    model_loader: Callable[[], SpeechModel]
    source_factory: Callable[[], AudioSource]
    deliver: Callable[[Callable[[], None]], None] = lambda call: call()
    events: ListenerEvents = field(default_factory=ListenerEvents)
    chimes: Chimes = field(default_factory=Chimes)
    end_silence_seconds: float = 1.6
    reason: str = ""
    guard: Optional[EchoGuard] = None  # deaf while the kiosk speaks (set by kiosk.voice_input)
    # The last few utterances heard (tests, the volunteer's view); bounded: a kiosk runs for months.
    transcripts: Deque[Transcript] = field(default_factory=lambda: deque(maxlen=TRANSCRIPTS_KEPT))

    def __post_init__(self) -> None:
        self._model: Optional[SpeechModel] = None
        self._source: Optional[AudioSource] = None
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._paused = False
        self.dropped_seconds = 0.0  # of the last utterance, not listened to while the kiosk spoke
        self.state = ListenState.IDLE
        try:
            self._model = self.model_loader()
            self.source_factory().close()  # is there a microphone at all?
        except (ModelUnavailable, MicrophoneUnavailable) as error:
            self._unavailable(str(error))

    def _unavailable(self, reason: str) -> None:
        self.reason = reason
        self.state = ListenState.UNAVAILABLE
        logger.warning("voice input off: %s", reason)

    @property
    def available(self) -> bool:
        return self.state != ListenState.UNAVAILABLE

    @property
    def listening(self) -> bool:
        """Taking an utterance (also while paused for the kiosk's own speech)."""
        return self.state in (ListenState.LISTENING, ListenState.PAUSED)

    def start(self, mode: ListenMode) -> bool:
        if not self.available or self.listening or self._model is None:
            return False
        try:
            self._source = self.source_factory()
        except MicrophoneUnavailable as error:
            self._unavailable(str(error))
            self.deliver(lambda: self.events.on_state(self.state))
            return False
        self._stop.clear()
        self._set_state(ListenState.LISTENING)
        self._thread = threading.Thread(target=self._listen, args=(mode, self._source),
                                        name="listener", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        """Tap again: finish now and deliver what was heard."""
        self._stop.set()

    def wait(self, timeout: float = 60.0) -> bool:
        """For tests and shutdown: block until the current utterance is finished."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._thread is None or not self._thread.is_alive()

    def _deaf(self, chunk: bytes) -> bool:
        """Drop the chunk while the kiosk's own voice may be in it; say when that starts and ends."""
        deaf = self.guard is not None and self.guard.deaf()
        if deaf:
            self.dropped_seconds += len(chunk) / 2 / SAMPLE_RATE
        if deaf != self._paused:
            self._paused = deaf
            self._set_state(ListenState.PAUSED if deaf else ListenState.LISTENING)
        return deaf

    def _set_state(self, state: ListenState) -> None:
        self.state = state
        self.deliver(lambda: self.events.on_state(state))

    def _listen(self, mode: ListenMode, source: AudioSource) -> None:
        self.chimes.start()
        recogniser = self._model.recogniser(mode.phrases)
        ending = EndOfSpeech(self.end_silence_seconds, mode.max_seconds)
        heard: List[str] = []
        self.dropped_seconds = 0.0
        try:
            for chunk in source.chunks():
                if self._stop.is_set():
                    break
                if self._deaf(chunk):
                    continue
                if recogniser.AcceptWaveform(chunk):
                    text = tidy(json.loads(recogniser.Result()).get("text", ""))
                    if text:
                        heard.append(text)
                else:
                    partial = tidy(json.loads(recogniser.PartialResult()).get("partial", ""))
                    if partial:
                        shown = "".join(heard) + partial
                        self.deliver(lambda shown=shown: self.events.on_partial(shown))
                if self._stop.is_set() or ending.feed(chunk):
                    break
            tail = tidy(json.loads(recogniser.FinalResult()).get("text", ""))
            if tail:
                heard.append(tail)
        except Exception:  # a failing device or decoder ends this utterance, not the kiosk
            logger.exception("listening failed")
        finally:
            source.close()
        text = "".join(heard).replace("[unk]", "").strip()
        self._paused = False
        self.transcripts.append(Transcript(text, final=True))
        self.chimes.end()
        self._set_state(ListenState.IDLE)
        self.deliver(lambda: self.events.on_final(text))
