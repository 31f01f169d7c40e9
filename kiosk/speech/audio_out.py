"""Where synthesised speech goes: the speaker, WAV files (tests, demos), or nowhere.

Every sink plays 16-bit mono samples and can be stopped from another thread, so a new
reply can cut off the old one.
"""

from __future__ import annotations

import logging
import threading
import wave
from pathlib import Path
from typing import List, Optional

import numpy as np

logger = logging.getLogger(__name__)


class AudioUnavailable(RuntimeError):
    """No output device (or no PortAudio): speech is shown only."""


class NullSink:
    def play(self, samples: np.ndarray, rate: int) -> None:
        return None

    def stop(self) -> None:
        return None


class WavFileSink:
    """Writes each utterance to the next numbered WAV file in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: List[Path] = []
        self._lock = threading.Lock()

    def play(self, samples: np.ndarray, rate: int) -> None:
        with self._lock:
            path = self.folder / f"utterance-{len(self.files) + 1:03d}.wav"
            write_wav(path, samples, rate)
            self.files.append(path)

    def stop(self) -> None:
        return None


class SoundDeviceSink:
    """The kiosk's loudspeaker through PortAudio; blocking play, interruptible stop."""

    def __init__(self, device: Optional[str] = None) -> None:
        try:
            import sounddevice
        except OSError as error:  # PortAudio library missing
            raise AudioUnavailable(f"PortAudio is not available: {error}") from error
        try:
            sounddevice.query_devices(device, kind="output")
        except (ValueError, sounddevice.PortAudioError) as error:
            raise AudioUnavailable(f"no audio output device: {error}") from error
        self._sd = sounddevice
        self.device = device

    def play(self, samples: np.ndarray, rate: int) -> None:
        try:
            self._sd.play(samples, rate, device=self.device, blocking=True)
        except self._sd.PortAudioError as error:
            logger.warning("audio output failed: %s", error)

    def stop(self) -> None:
        self._sd.stop()


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(2)
        sink.setframerate(rate)
        sink.writeframes(samples.astype(np.int16).tobytes())
