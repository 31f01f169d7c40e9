"""The kiosk's voice: pyttsx3 over espeak-ng, Mandarin, unhurried, never blocking the window.

`speak` returns at once; a worker thread turns the text into the words people say
(verbalize), then into tone-numbered pinyin (pronounce: espeak-ng misreads many characters
but says pinyin exactly), synthesises it phrase by phrase, spaces the phrases to the
resident's rate and plays it. A new `speak` interrupts the old one. Rate and volume changes
last for the session; `reset` restores the defaults when the session ends.
"""

from __future__ import annotations

import logging
import os
import queue
import tempfile
import threading
import wave
from pathlib import Path
from typing import List, Optional, Tuple

import numpy as np

from config import Settings
from kiosk.speech import espeak_driver, pacing, pronounce
from kiosk.speech.audio_out import AudioUnavailable, NullSink, SoundDeviceSink
from kiosk.speech.verbalize import verbalize

logger = logging.getLogger(__name__)

SILENCE_LEVEL = 250
LEAD_SECONDS = 0.1
TAIL_SECONDS = 0.25


def _trim(samples: np.ndarray, rate: int) -> np.ndarray:
    """Drop espeak's own leading and trailing silence; we place the pauses ourselves."""
    loud = np.nonzero(np.abs(samples.astype(np.int32)) > SILENCE_LEVEL)[0]
    if loud.size == 0:
        return samples[:0]
    margin = int(0.03 * rate)
    return samples[max(0, loud[0] - margin): loud[-1] + margin]


def espeak_phrases(text: str) -> Tuple[str, List[str]]:
    """(the words said, the phrases handed to espeak-ng) for one utterance.

    The words (verbalised characters) count the syllables for pacing; the phrases are their
    pinyin, cut by pacing.phrases at the same punctuation, so the pauses fall where they did.
    `python main.py say --dry-run` prints these same phrases.
    """
    spoken = verbalize(text)
    try:
        said = pronounce.to_pinyin(spoken)
    except Exception:  # a broken phrase list must not silence the kiosk: say the characters
        logger.exception("pronunciation failed; espeak-ng reads the characters instead")
        said = spoken
    return spoken, pacing.phrases(said)


class Synthesizer:
    """One pyttsx3 engine; use it from one thread only (the engine is not thread-safe)."""

    def __init__(self, voice: str) -> None:
        import pyttsx3

        espeak_driver.register()
        self.engine = pyttsx3.init(espeak_driver.DRIVER_NAME)
        self.engine.setProperty("voice", voice)
        self.engine.setProperty("volume", 1.0)
        self.engine.runAndWait()

    def phrase(self, text: str, espeak_rate: int) -> Tuple[np.ndarray, int]:
        """One phrase at one rate. The WAV exists only for the moment it takes to read back."""
        handle, name = tempfile.mkstemp(prefix="kiosk-tts-", suffix=".wav")
        os.close(handle)
        path = Path(name)
        self.engine.setProperty("rate", espeak_rate)
        self.engine.save_to_file(text, str(path))
        self.engine.runAndWait()
        try:
            with wave.open(str(path), "rb") as source:
                rate = source.getframerate()
                samples = np.frombuffer(source.readframes(source.getnframes()), dtype=np.int16)
        finally:
            path.unlink(missing_ok=True)
        return samples, rate



class Voice:
    def __init__(self, sink=None, rate_cpm: int = 200, volume: float = 0.9, voice: str = "cmn-latn-pinyin",
                 min_cpm: int = 150, max_cpm: int = 260, step_cpm: int = 25) -> None:
        self.sink = sink or NullSink()
        self.default_rate, self.default_volume = rate_cpm, volume
        self.rate_cpm, self.volume = rate_cpm, volume
        self.min_cpm, self.max_cpm, self.step_cpm = min_cpm, max_cpm, step_cpm
        self.voice = voice
        self._generation = 0
        self._lock = threading.Lock()
        self._jobs: queue.Queue[Optional[Tuple[int, str]]] = queue.Queue()
        self._synth: Optional[Synthesizer] = None
        self.spoken: List[str] = []  # what was said, in order (tests and the transcript)
        self._idle = threading.Event()
        self._idle.set()
        self._worker = threading.Thread(target=self._work, name="voice", daemon=True)
        self._worker.start()

    # -- Speaker interface -------------------------------------------------------------

    def speak(self, text: str) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
        self.sink.stop()
        self._idle.clear()
        self._jobs.put((generation, text))

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
        self.sink.stop()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """For tests and shutdown: block until nothing is queued or playing."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self.stop()
        self._jobs.put(None)
        self._worker.join(timeout=5)

    # -- resident's adjustments --------------------------------------------------------

    def slower(self) -> int:
        self.rate_cpm = max(self.min_cpm, self.rate_cpm - self.step_cpm)
        return self.rate_cpm

    def faster(self) -> int:
        self.rate_cpm = min(self.max_cpm, self.rate_cpm + self.step_cpm)
        return self.rate_cpm

    def louder(self) -> float:
        self.volume = min(1.0, round(self.volume + 0.1, 2))
        return self.volume

    def softer(self) -> float:
        self.volume = max(0.3, round(self.volume - 0.1, 2))
        return self.volume

    def reset(self) -> None:
        self.rate_cpm, self.volume = self.default_rate, self.default_volume

    # -- synthesis ---------------------------------------------------------------------

    def render(self, text: str) -> Tuple[np.ndarray, int]:
        """The whole utterance as 16-bit samples; call on the voice thread (or before it runs)."""
        if self._synth is None:
            self._synth = Synthesizer(self.voice)
            pronounce.load()  # its dictionaries, once, on this thread (not on the window's)
        spoken, pieces = espeak_phrases(text)
        if not pieces:
            return np.zeros(0, dtype=np.int16), 22050
        natural = [self._synth.phrase(piece, pacing.NATURAL_ESPEAK_RATE) for piece in pieces]
        rate = natural[0][1]
        speech_seconds = sum(len(_trim(s, rate)) for s, _ in natural) / rate
        pace = pacing.plan(pacing.spoken_units(spoken), len(pieces) - 1, speech_seconds, self.rate_cpm)
        if pace.espeak_rate != pacing.NATURAL_ESPEAK_RATE:
            natural = [self._synth.phrase(piece, pace.espeak_rate) for piece in pieces]
        gap = np.zeros(int(pace.gap_seconds * rate), dtype=np.int16)
        parts: List[np.ndarray] = [np.zeros(int(LEAD_SECONDS * rate), dtype=np.int16)]
        for index, (samples, _) in enumerate(natural):
            if index:
                parts.append(gap)
            parts.append(_trim(samples, rate))
        parts.append(np.zeros(int(TAIL_SECONDS * rate), dtype=np.int16))
        audio = np.concatenate(parts).astype(np.float32) * self.volume
        return np.clip(audio, -32768, 32767).astype(np.int16), rate

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            generation, text = job
            try:
                if generation == self._generation:
                    samples, rate = self.render(text)
                    if generation == self._generation:
                        self.spoken.append(text)
                        self.sink.play(samples, rate)
            except Exception:  # speech must never take the kiosk down
                logger.exception("speech synthesis failed")
            if self._jobs.empty():
                self._idle.set()


def speaker_from_settings(settings: Settings, sink=None) -> Voice:
    if sink is None:
        try:
            sink = SoundDeviceSink()
        except AudioUnavailable as error:
            logger.warning("speech will be shown only: %s", error)
            sink = NullSink()
    speech = settings.speech
    return Voice(sink, speech.rate_cpm, speech.volume, speech.voice,
                 speech.rate_min_cpm, speech.rate_max_cpm, speech.rate_step_cpm)
