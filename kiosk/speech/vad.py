"""When has the resident finished speaking? Energy-based, with a generous trailing silence.

Older speakers pause longer between syllables and digits (ACCESSIBILITY.md), so the
recogniser's own 0.5 s endpoint would cut them off; listening ends only after a longer
silence once speech has started, or at a maximum length.
"""

from __future__ import annotations

import numpy as np

from kiosk.speech.sources import SAMPLE_RATE


class EndOfSpeech:
    def __init__(self, end_silence_seconds: float = 1.6, max_seconds: float = 20.0,
                 no_speech_seconds: float = 8.0) -> None:
        self.end_silence = end_silence_seconds
        self.max_seconds = max_seconds
        self.no_speech = no_speech_seconds
        self.heard_speech = False
        self._elapsed = 0.0
        self._silent_for = 0.0
        self._noise_floor = 0.0
        self._calibrated = 0

    def feed(self, chunk: bytes) -> bool:
        """True when listening should stop."""
        samples = np.frombuffer(chunk, dtype=np.int16).astype(np.float32)
        seconds = len(samples) / SAMPLE_RATE
        self._elapsed += seconds
        level = float(np.sqrt(np.mean(samples ** 2))) if len(samples) else 0.0
        if self._calibrated < 2:  # the quieter of the first two chunks sets the noise floor
            self._noise_floor = level if not self._calibrated else min(self._noise_floor, level)
            self._calibrated += 1
        threshold = max(300.0, self._noise_floor * 3.0)
        if level > threshold:
            self.heard_speech = True
            self._silent_for = 0.0
        else:
            self._silent_for += seconds
        if self._elapsed >= self.max_seconds:
            return True
        if not self.heard_speech:
            return self._elapsed >= self.no_speech
        return self._silent_for >= self.end_silence
