"""Barge-in: a tap anywhere, a tile or the 说话 button stops the kiosk's speech at once.

The real voice (espeak-ng) plays into a sink as slow as a loudspeaker (it waits the samples'
duration and stops when told, as sounddevice does), so the speech is really under way when
the resident taps. No window: the window's touch-down calls the same VoiceInput.tapped
(kiosk/app.py), checked under Xvfb in test_home_more.py."""

from __future__ import annotations

from typing import Iterator

import pytest

from kiosk.speech.listener import Listener
from kiosk.speech.recognizer import SpeechModel
from kiosk.speech.sources import WavSource
from kiosk.speech.tts import Voice
from tests.kiosk.controller_fakes import Kiosk
from tests.kiosk.speech_files import korean_model_dir, silence_wav
from tests.kiosk.voice_pack_files import RealTimeSink

LONG = "您好！请点一下您要办的事。查养老金、查医保、反映问题、办件进度，都可以在这里办。"


@pytest.fixture
def kiosk(tmp_path) -> Iterator[Kiosk]:
    """With a real listener (the Korean model from PyPI, a WAV of silence for a microphone)."""
    model = SpeechModel(korean_model_dir())
    quiet = silence_wav(tmp_path / "quiet.wav")
    voice = Voice(RealTimeSink())
    made = Kiosk(tmp_path, voice=voice, listener=Listener(lambda: model, lambda: WavSource(quiet)))
    yield made
    made.close()
    voice.close()


def speaking_now(k: Kiosk) -> float:
    """Start a long sentence and wait until its sound is playing; returns its length."""
    samples, rate = k.voice.render(LONG)
    k.voice.speak(LONG)
    assert k.voice._signal.wait_speaking(30)
    return len(samples) / rate


@pytest.mark.parametrize("tap", ["anywhere", "microphone"])
def test_a_tap_stops_the_speech_at_once(kiosk, tap):
    """Any tap (a blank spot, a tile: the window's touch-down comes before any button acts),
    and the 说话 button by itself (also when said by voice command or a keyboard)."""
    k = kiosk
    length = speaking_now(k)
    if tap == "anywhere":
        k.controller.voice.tapped()
    else:
        assert k.state.voice_available
        k.controller.voice.microphone()
    assert k.voice._signal.wait_silent(length)  # it went quiet ...
    assert k.voice.sink.stopped_at is not None
    assert k.voice.sink.played_seconds and k.voice.sink.played_seconds[0] < length - 1  # ... long before the end
    if tap == "microphone":
        assert k.controller.voice.listener.wait(30)  # and listened (to silence) meanwhile
