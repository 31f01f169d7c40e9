"""Speech synthesised through pyttsx3 (espeak-ng) into real WAV files, measured with sox."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from kiosk.speech.audio_out import WavFileSink
from kiosk.speech.pacing import spoken_units
from kiosk.speech.tts import Voice
from kiosk.speech.verbalize import verbalize

REPLY = "您11月的养老金 3,215.60 元，已于11月15日发放。您还想办别的事吗？请点一下，或者直接说。"


def soxi_seconds(path: Path) -> float:
    return float(subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True,
                                check=True).stdout)


def sox_rms(path: Path) -> float:
    report = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True).stderr
    return float(re.search(r"RMS\s+amplitude:\s+([\d.]+)", report).group(1))


@pytest.fixture
def voice(output_dir):
    sink = WavFileSink(output_dir)
    speaker = Voice(sink)
    yield speaker, sink
    speaker.close()


def test_reply_becomes_speech_of_plausible_length(voice):
    speaker, sink = voice
    speaker.speak(REPLY)
    assert speaker.wait_idle(30)
    assert len(sink.files) == 1
    wav = sink.files[0]
    units = spoken_units(verbalize(REPLY))
    seconds = soxi_seconds(wav)
    # Between the fastest and slowest rates a resident can choose, plus lead-in and tail.
    assert units / 260 * 60 <= seconds <= units / 150 * 60 + 1.0
    assert sox_rms(wav) > 0.02  # speech, not silence


@pytest.mark.parametrize("rate", [150, 200, 260])
def test_rate_is_reached_by_pauses_between_phrases(voice, rate):
    speaker, sink = voice
    speaker.rate_cpm = rate
    speaker.speak(REPLY)
    assert speaker.wait_idle(30)
    units = spoken_units(verbalize(REPLY))
    spoken_seconds = soxi_seconds(sink.files[-1]) - 0.35  # lead-in and tail silence
    measured = units / spoken_seconds * 60
    assert abs(measured - rate) / rate < 0.1, measured


def test_new_reply_interrupts_the_old_one(voice):
    speaker, sink = voice
    speaker.speak("第一句话。" * 30)
    speaker.speak("第二句话。")
    assert speaker.wait_idle(30)
    assert speaker.spoken[-1] == "第二句话。"


def test_resident_can_slow_down_and_louder_within_bounds(voice):
    speaker, _sink = voice
    rates = [speaker.slower() for _ in range(10)]
    assert rates[-1] == speaker.min_cpm and rates[0] < 200
    volumes = [speaker.louder() for _ in range(10)]
    assert volumes[-1] == 1.0
    speaker.reset()
    assert (speaker.rate_cpm, speaker.volume) == (speaker.default_rate, speaker.default_volume)


def test_louder_is_measurably_louder(voice, output_dir):
    speaker, sink = voice
    speaker.volume = 0.5
    speaker.speak("请您稍等。")
    speaker.wait_idle(30)
    speaker.volume = 1.0
    speaker.speak("请您稍等。")
    speaker.wait_idle(30)
    quiet, loud = (sox_rms(path) for path in sink.files[-2:])
    assert loud > quiet * 1.8


@pytest.mark.parametrize("reply", ["您好，请点一下您要办的事。", "您十一月的养老金已经发放了。", "志愿者马上就到。"])
def test_mandarin_is_spoken_as_mandarin_not_with_english_tone_numbers(reply):
    """espeak-ng 1.51's plain "cmn" voice switches to English for every character's tone
    number ("你好" → "ni three hao three"); the configured voice must not."""
    from config import get_settings

    voice = get_settings().speech.voice
    phonemes = subprocess.run(["espeak-ng", "-v", voice, "-q", "-x", reply], check=True, capture_output=True,
                              text=True).stdout
    assert phonemes.strip() and "(en)" not in phonemes, phonemes
