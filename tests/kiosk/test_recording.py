"""What the server does with a browser take: real espeak-ng speech with silence added and its
gain changed (and as a 48 kHz float stereo WAV, and as WebM/Opus made by ffmpeg) comes out
trimmed, 16 kHz mono 16-bit, at the loudness of the kiosk's own synthetic voice."""

from __future__ import annotations

import math
import re
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from kiosk.speech.audio_out import NullSink
from kiosk.speech.packs import Consent, Pack, take_file
from kiosk.speech.prompts import catalogue_of, template_key
from kiosk.speech.recording import (
    MARGIN_SECONDS,
    TARGET_LEVEL_DBFS,
    TakeError,
    ffmpeg_available,
    process_take,
    read_wav_bytes,
    speech_level_dbfs,
    store_take,
    store_word,
    trim_silence,
)
from kiosk.speech.tts import Voice
from tests.kiosk.voice_pack_files import CONSENT, espeak_bytes

SENTENCE = "正在为您查询请稍等"  # one phrase: espeak-ng says it the same way the kiosk does
LEVEL_SENTENCES = ["您好！我是长者服务助手。请点一下您要办的事。", "您还想办别的事吗？请点一下，或者直接说。",
                   "好的，我已经请工作人员过来了。请您在这里稍等一下。", "请输入您的手机号码。办好了，会有人联系您。",
                   "您11月的养老金 3,215.60\u00a0元，已于11月15日发放。", "这个号码好像不对。请您再输一遍。"]


def sox(*args: str) -> str:
    done = subprocess.run(["sox", *args], capture_output=True, text=True, check=True)
    return done.stderr


def soxi(path: Path, flag: str) -> str:
    return subprocess.run(["soxi", flag, str(path)], capture_output=True, text=True, check=True).stdout.strip()


def sox_rms_db(path: Path) -> float:
    rms = float(re.search(r"RMS\s+amplitude:\s+([\d.]+)", sox(str(path), "-n", "stat")).group(1))
    return 20 * math.log10(rms)


@pytest.fixture(scope="module")
def espeak_take(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("takes")
    path = folder / "espeak.wav"
    path.write_bytes(espeak_bytes(SENTENCE))
    return path


def as_browser_sends(source: Path, target: Path, *effects: str) -> bytes:
    """The take as a person records it: 1.2 s before speaking, 1.5 s after, much quieter."""
    sox(str(source), str(target), "pad", "1.2", "1.5", "vol", "0.15", *effects)
    return target.read_bytes()


def speech_seconds(path: Path) -> float:
    """From the first to the last sample above -50 dBFS of espeak-ng's clean output: the words."""
    samples, rate = read_wav_bytes(path.read_bytes())
    loud = np.nonzero(np.abs(samples) > 10 ** (-50 / 20))[0]
    return (loud[-1] - loud[0]) / rate


def keeps_the_words_only(seconds: float, path: Path) -> bool:
    """All of the speech, plus at most the margins (and a frame either side), no silence."""
    return speech_seconds(path) <= seconds <= speech_seconds(path) + 2 * MARGIN_SECONDS + 0.05


def test_the_target_is_the_kiosks_own_synthetic_level():
    voice = Voice(NullSink(), volume=1.0)
    try:
        levels = [speech_level_dbfs(*voice.render(text)) for text in LEVEL_SENTENCES]
    finally:
        voice.close()
    print("espeak-ng levels (dBFS):", " ".join(f"{level:.1f}" for level in levels))
    assert abs(float(np.mean(levels)) - TARGET_LEVEL_DBFS) < 1.5, levels


def test_a_take_with_silence_and_a_gain_change_is_trimmed_and_levelled(espeak_take, tmp_path):
    data = as_browser_sends(espeak_take, tmp_path / "browser.wav")
    assert speech_level_dbfs(*read_wav_bytes(data)) < TARGET_LEVEL_DBFS - 12
    catalogue = catalogue_of([("test", "正在为您查询，请稍等。")])
    pack = Pack.create(tmp_path / "packs", "test", "测试", "cmn", CONSENT)
    key = template_key("正在为您查询，请稍等。")
    take = store_take(pack, key, data, catalogue=catalogue)
    stored = pack.folder / take_file(key, 0)
    assert (soxi(stored, "-r"), soxi(stored, "-c"), soxi(stored, "-b")) == ("16000", "1", "16")
    seconds = float(soxi(stored, "-D"))
    assert keeps_the_words_only(seconds, espeak_take), (seconds, speech_seconds(espeak_take))
    assert seconds < float(soxi(espeak_take, "-D")) and take.trimmed_seconds > 2.6
    assert abs(speech_level_dbfs(*read_wav_bytes(stored.read_bytes())) - TARGET_LEVEL_DBFS) < 0.5
    # Measured by sox against the kiosk saying the same words: equally loud.
    voice = Voice(NullSink(), volume=1.0)
    try:
        samples, rate = voice.render(SENTENCE)
    finally:
        voice.close()
    synthetic = tmp_path / "kiosk.wav"
    with wave.open(str(synthetic), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(2)
        sink.setframerate(rate)
        sink.writeframes(trim_silence(samples.astype(np.float32) / 32768, rate).__mul__(32767).astype(np.int16))
    assert abs(sox_rms_db(stored) - sox_rms_db(synthetic)) < 1.5
    assert pack.prompts[key].complete and Pack.load(pack.folder).files[take_file(key, 0)]


def test_a_float_stereo_48_khz_wav_from_web_audio(espeak_take, tmp_path):
    data = as_browser_sends(espeak_take, tmp_path / "float.wav", "rate", "48000", "channels", "2")
    subprocess.run(["sox", str(tmp_path / "float.wav"), "-e", "floating-point", "-b", "32",
                    str(tmp_path / "float32.wav")], check=True)
    data = (tmp_path / "float32.wav").read_bytes()
    assert data[20:22] in (b"\x03\x00", b"\xfe\xff")  # IEEE float (or extensible), as browsers write
    take = process_take(data)
    assert keeps_the_words_only(take.seconds, espeak_take)
    assert abs(take.level_dbfs - TARGET_LEVEL_DBFS) < 0.5


@pytest.mark.skipif(not ffmpeg_available(), reason="ffmpeg not installed (scripts/system-packages.sh)")
def test_a_webm_opus_take_as_mediarecorder_sends_it(espeak_take, tmp_path):
    as_browser_sends(espeak_take, tmp_path / "padded.wav")
    webm = tmp_path / "take.webm"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(tmp_path / "padded.wav"), "-ar", "48000",
                    "-c:a", "libopus", "-b:a", "32k", str(webm)], check=True)
    data = webm.read_bytes()
    assert data[:4] == b"\x1a\x45\xdf\xa3"  # EBML: a WebM file
    take = process_take(data)
    assert keeps_the_words_only(take.seconds, espeak_take)
    assert abs(take.level_dbfs - TARGET_LEVEL_DBFS) < 0.5


def test_the_click_of_the_record_button_is_not_speech(espeak_take, tmp_path):
    samples, rate = read_wav_bytes(as_browser_sends(espeak_take, tmp_path / "take.wav"))
    samples = samples.copy()
    samples[int(0.3 * rate):int(0.303 * rate)] = 0.9  # 3 ms click, 0.9 s before the words
    take = process_take(_wav_bytes(samples, rate))
    assert keeps_the_words_only(take.seconds, espeak_take)


def test_a_loud_clipped_take_is_levelled_and_limited(espeak_take, tmp_path):
    data = as_browser_sends(espeak_take, tmp_path / "loud.wav", "vol", "60")
    take = process_take(data)
    assert take.clipped
    assert np.abs(take.samples).max() <= 32767 * 10 ** (-1 / 20) + 1
    assert abs(take.level_dbfs - TARGET_LEVEL_DBFS) < 1.0


def test_takes_that_cannot_be_used_are_refused(espeak_take, tmp_path):
    with pytest.raises(TakeError, match="no speech"):
        process_take(_wav_bytes(np.zeros(16000, dtype=np.float32), 16000))
    with pytest.raises(TakeError):
        process_take(b"RIFF\x10\x00\x00\x00WAVEfmt ")
    catalogue = catalogue_of([("a", "您好！"), ("b", "您{month}的养老金 {amount}。")])
    pack = Pack.create(tmp_path / "packs", "no-consent", "测试", "hak", None)
    with pytest.raises(TakeError, match="consent"):
        store_take(pack, template_key("您好！"), espeak_take.read_bytes(), catalogue=catalogue)
    pack.consent = Consent("刘", "2026-03-02T10:00:00+08:00", "同意")
    with pytest.raises(TakeError, match="parts"):
        store_take(pack, template_key("您{month}的养老金 {amount}。"), espeak_take.read_bytes(), catalogue=catalogue)
    with pytest.raises(TakeError, match="catalogue"):
        store_take(pack, "0000000000000000", espeak_take.read_bytes(), catalogue=catalogue)


def _wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    import io

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(2)
        sink.setframerate(rate)
        sink.writeframes(np.clip(samples * 32767, -32768, 32767).astype(np.int16).tobytes())
    return buffer.getvalue()


def test_two_console_requests_storing_into_one_pack_keep_both(espeak_take, tmp_path):
    """Each request may hold its own copy of the pack: the manifest is merged, not overwritten."""
    catalogue = catalogue_of([("a", "您好！"), ("b", "请稍等。")])
    folder = Pack.create(tmp_path / "packs", "shared", "测试", "cmn", CONSENT).folder
    first, second = Pack.load(folder), Pack.load(folder)
    store_take(first, template_key("您好！"), espeak_take.read_bytes(), catalogue=catalogue)
    store_take(second, template_key("请稍等。"), espeak_take.read_bytes(), catalogue=catalogue)
    store_word(first, "三", espeak_take.read_bytes())
    merged = Pack.load(folder)
    assert sorted(merged.prompts) == sorted([template_key("您好！"), template_key("请稍等。")])
    assert list(merged.words) == ["三"] and len(merged.files) == 3 and not merged.broken
