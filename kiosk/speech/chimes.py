"""The two soft chimes that mark when the kiosk starts and stops listening."""

from __future__ import annotations

import logging
import wave
from typing import Callable

import numpy as np

from config.settings import REPO_ROOT
from kiosk.speech.audio_out import AudioUnavailable, NullSink, SoundDeviceSink
from kiosk.speech.listener import Chimes

logger = logging.getLogger(__name__)
SOUNDS = REPO_ROOT / "assets" / "sounds"


def _load(name: str):
    with wave.open(str(SOUNDS / name), "rb") as source:
        rate = source.getframerate()
        samples = np.frombuffer(source.readframes(source.getnframes()), dtype=np.int16)
    return samples, rate


def chimes_from_assets(sink=None) -> Chimes:
    """Chimes played (blocking, so the start chime ends before recording begins) on `sink`,
    by default the loudspeaker, silently nothing when there is none."""
    if sink is None:
        try:
            sink = SoundDeviceSink()
        except AudioUnavailable:
            sink = NullSink()

    def player(name: str) -> Callable[[], None]:
        samples, rate = _load(name)
        return lambda: sink.play(samples, rate)

    return Chimes(start=player("listen-start.wav"), end=player("listen-end.wav"))


