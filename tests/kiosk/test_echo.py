"""The kiosk does not hear itself: while it speaks, what the microphone picks up never reaches
the recogniser, and listening goes on by itself once it is quiet again.

Real WAVs through the real listening path (the Vosk decoder, the Korean model from PyPI, as in
test_listening.py): the microphone hears the kiosk's own words first, then the resident's.
The source tells the real speaking signal that the kiosk has finished exactly when the
kiosk's part of the recording has been read, as the voice would when its sink returns.
"""

from __future__ import annotations

import time
import wave
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import numpy as np
import pytest

from kiosk.speech.echo import EchoGuard
from kiosk.speech.listener import Listener, ListenerEvents, ListenMode, ListenState
from kiosk.speech.recognizer import SpeechModel
from kiosk.speech.sources import WavSource
from kiosk.speech.speaking import SpeakingSignal
from kiosk.speech.tts import Voice
from tests.kiosk.speech_files import korean_model_dir, speak_to_wav
from tests.kiosk.voice_pack_files import RealTimeSink

KOREAN_DIGITS = ["일", "이", "삼", "사", "오"]
KIOSK_SAYS, RESIDENT_SAYS = "삼 사 삼", "일 이"


@pytest.fixture(scope="module")
def korean() -> SpeechModel:
    return SpeechModel(korean_model_dir())


def joined(first: Path, second: Path, out: Path) -> int:
    """first + half a second of silence + second; returns the bytes of first and the pause."""
    parts = []
    for path in (first, second):
        with wave.open(str(path), "rb") as source:
            parts.append(np.frombuffer(source.readframes(source.getnframes()), dtype=np.int16))
    pause = np.zeros(8000, dtype=np.int16)
    with wave.open(str(out), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(2)
        sink.setframerate(16000)
        sink.writeframes(np.concatenate([parts[0], pause, parts[1]]).tobytes())
    return 2 * (len(parts[0]) + len(pause))


class KioskThenResident(WavSource):
    """The microphone: the kiosk's voice, then the resident. When the kiosk's part has been
    read the kiosk stops speaking (the signal the voice itself sets)."""

    def __init__(self, path: Path, kiosk_bytes: int, signal: Optional[SpeakingSignal]) -> None:
        super().__init__(path)
        self.kiosk_bytes, self.signal = kiosk_bytes, signal

    def chunks(self) -> Iterator[bytes]:
        read = 0
        for chunk in super().chunks():
            yield chunk
            read += len(chunk)
            if self.signal is not None and self.signal.speaking and read >= self.kiosk_bytes:
                self.signal.set(False)


@pytest.fixture
def recording(tmp_path) -> tuple:
    kiosk = speak_to_wav(KIOSK_SAYS, "ko", tmp_path / "kiosk.wav")
    resident = speak_to_wav(RESIDENT_SAYS, "ko", tmp_path / "resident.wav")
    path = tmp_path / "heard.wav"
    return path, joined(kiosk, resident, path)


def listen(model: SpeechModel, source: Callable[[], WavSource], guard: Optional[EchoGuard]):
    finals: List[str] = []
    states: List[ListenState] = []
    listener = Listener(lambda: model, source, guard=guard,
                        events=ListenerEvents(on_state=states.append, on_final=finals.append))
    assert listener.start(ListenMode(phrases=KOREAN_DIGITS))
    assert listener.wait(60)
    return finals, states, listener


def test_without_the_guard_the_kiosk_hears_itself(korean, recording):
    """The control: the recording really has the kiosk's words in it, and they are recognised."""
    path, kiosk_bytes = recording
    finals, _states, _listener = listen(korean, lambda: KioskThenResident(path, kiosk_bytes, None), None)
    assert "삼" in finals[0] or "사" in finals[0]  # (the words of one utterance come joined)


def test_while_the_kiosk_speaks_nothing_is_heard_then_listening_goes_on(korean, recording):
    path, kiosk_bytes = recording
    signal = SpeakingSignal()
    guard = EchoGuard(signal.subscribe, hold_seconds=0)
    signal.set(True)  # a reply is being said as listening starts
    finals, states, listener = listen(korean, lambda: KioskThenResident(path, kiosk_bytes, signal), guard)
    heard = finals[0].replace(" ", "")
    assert "삼" not in heard and "사" not in heard  # its own words never reached the recogniser
    assert heard and set(heard) <= {"일", "이"}  # the resident's words, after the kiosk went quiet
    assert states == [ListenState.LISTENING, ListenState.PAUSED, ListenState.LISTENING, ListenState.IDLE]
    assert listener.dropped_seconds >= kiosk_bytes / 2 / 16000 - 0.2


def test_the_guard_follows_the_real_voice(tmp_path):
    """The kiosk's own voice (espeak-ng, into a sink as slow as a loudspeaker) sets the signal:
    deaf from its first sound until a moment after the last."""
    voice = Voice(sink=RealTimeSink())
    guard = EchoGuard(voice.on_speaking, hold_seconds=0.3)
    try:
        assert not guard.deaf()
        voice.speak("您好！请点一下您要办的事。")
        assert voice._signal.wait_speaking(30)
        assert guard.deaf()
        assert voice.wait_idle(60)
        assert guard.deaf() or not voice.speaking  # still deaf for the hold, or already past it
        deadline = time.monotonic() + 5
        while guard.deaf() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not guard.deaf()
    finally:
        guard.close()
        voice.close()
