"""The kiosk's voice: pyttsx3 over espeak-ng, Mandarin, unhurried, never blocking the window.

`speak` returns at once; a worker thread turns the text into the words people say
(verbalize), then into tone-numbered pinyin (pronounce: espeak-ng misreads many characters
but says pinyin exactly), synthesises it phrase by phrase, spaces the phrases to the
resident's rate and plays it. A new `speak` interrupts the old one. Rate and volume changes
last for the session; `reset` restores the defaults when the session ends.

With a voice pack chosen (`choose_pack`, for the session; `speech.voice_pack` is the centre's
default) the text is first matched against the pack's recordings (playback.py): recorded
prompts and number words play, the rest is synthesised as above. Every utterance, with the
segments it was made of, goes to the sink (`play_utterance` where the sink has it) and to
`played`. `on_speaking` tells when sound starts and stops (speaking.py: keep the microphone
closed meanwhile); `stop()` cuts a recording at once, as it cuts synthesis: both are one
buffer in the same sink.
"""

from __future__ import annotations

import logging
import os
import queue
import tempfile
import threading
import wave
from collections import deque
from pathlib import Path
from typing import Callable, Deque, List, Optional, Tuple

import numpy as np

from config import Settings
from kiosk.speech import espeak_driver, pacing, pronounce
from kiosk.speech.audio_out import AudioUnavailable, NullSink, SoundDeviceSink
from kiosk.speech.packs import Pack, PackError, load_pack, packs_root
from kiosk.speech.playback import SYNTHESIS, Matcher, Segment, Utterance, assemble, uses_recordings
from kiosk.speech.speaking import SpeakingCallback, SpeakingSignal
from kiosk.speech.verbalize import verbalize

logger = logging.getLogger(__name__)

SPOKEN_KEPT = 50

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
                 min_cpm: int = 150, max_cpm: int = 260, step_cpm: int = 25,
                 packs_folder: Optional[Path] = None, voice_pack: Optional[str] = None) -> None:
        self.sink = sink or NullSink()
        self.default_rate, self.default_volume = rate_cpm, volume
        self.rate_cpm, self.volume = rate_cpm, volume
        self.min_cpm, self.max_cpm, self.step_cpm = min_cpm, max_cpm, step_cpm
        self.voice = voice
        self._generation = 0
        self._lock = threading.Lock()
        self._jobs: queue.Queue[Optional[Tuple[int, str]]] = queue.Queue()
        self._synth: Optional[Synthesizer] = None
        # The last things said, in order (tests and the transcript); bounded: a kiosk runs for months.
        self.spoken: Deque[str] = deque(maxlen=SPOKEN_KEPT)
        self.played: Deque[Utterance] = deque(maxlen=SPOKEN_KEPT)  # with their segments (tests, bench)
        self._signal = SpeakingSignal()
        self.packs_folder, self.default_pack = packs_folder, voice_pack
        self.pack_id: Optional[str] = None
        self._matcher: Optional[Tuple[Matcher, Pack]] = None  # (matcher, pack), swapped whole
        if voice_pack:
            self.choose_pack(voice_pack)
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

    def on_speaking(self, callback: SpeakingCallback) -> Callable[[], None]:
        """callback(True) as sound starts, callback(False) as it ends (on the voice thread);
        returns the unsubscribe function. See speaking.py."""
        return self._signal.subscribe(callback)

    @property
    def speaking(self) -> bool:
        return self._signal.speaking

    def choose_pack(self, pack_id: Optional[str]) -> bool:
        """Speak with a recorded voice pack from now on (None: synthesis only). False, and
        synthesis, when the pack cannot be loaded (logged): the kiosk always has a voice."""
        if not pack_id:
            self._matcher, self.pack_id = None, None
            return True
        try:
            if self.packs_folder is None:
                raise PackError("this voice has no packs folder")
            pack = load_pack(self.packs_folder, pack_id)
        except PackError as error:
            logger.warning("voice pack %s not used, synthesising: %s", pack_id, error)
            self._matcher, self.pack_id = None, None
            return False
        self._matcher, self.pack_id = (Matcher.for_pack(pack), pack), pack.id
        return True

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
        chosen = self._matcher
        if self.pack_id != self.default_pack or (chosen is not None and chosen[1].changed_on_disk()):
            self.choose_pack(self.default_pack)  # a resident's choice lasts for their visit; new takes count

    # -- synthesis ---------------------------------------------------------------------

    def render(self, text: str) -> Tuple[np.ndarray, int]:
        """The whole utterance as 16-bit samples; call on the voice thread (or before it runs)."""
        phrases, rate = self._phrases(text)
        if not phrases:
            return np.zeros(0, dtype=np.int16), 22050
        parts = [np.zeros(int(LEAD_SECONDS * rate), dtype=np.int16), *phrases,
                 np.zeros(int(TAIL_SECONDS * rate), dtype=np.int16)]
        audio = np.concatenate(parts).astype(np.float32) * self.volume
        return np.clip(audio, -32768, 32767).astype(np.int16), rate

    def _synthesised_piece(self, text: str) -> Tuple[np.ndarray, int]:
        """A piece of a voice-pack utterance: paced phrases, no lead, tail or volume."""
        phrases, rate = self._phrases(text)
        return (np.concatenate(phrases) if phrases else np.zeros(0, dtype=np.int16)), rate

    def _phrases(self, text: str) -> Tuple[List[np.ndarray], int]:
        """The text's phrases, trimmed and spaced to the resident's rate (gaps included)."""
        if self._synth is None:
            self._synth = Synthesizer(self.voice)
            pronounce.load()  # its dictionaries, once, on this thread (not on the window's)
        spoken, pieces = espeak_phrases(text)
        if not pieces:
            return [], 22050
        natural = [self._synth.phrase(piece, pacing.NATURAL_ESPEAK_RATE) for piece in pieces]
        rate = natural[0][1]
        speech_seconds = sum(len(_trim(s, rate)) for s, _ in natural) / rate
        pace = pacing.plan(pacing.spoken_units(spoken), len(pieces) - 1, speech_seconds, self.rate_cpm)
        if pace.espeak_rate != pacing.NATURAL_ESPEAK_RATE:
            natural = [self._synth.phrase(piece, pace.espeak_rate) for piece in pieces]
        gap = np.zeros(int(pace.gap_seconds * rate), dtype=np.int16)
        parts: List[np.ndarray] = []
        for index, (samples, _) in enumerate(natural):
            if index:
                parts.append(gap)
            parts.append(_trim(samples, rate))
        return parts, rate

    def render_utterance(self, text: str) -> Utterance:
        """The text as sound, with what each stretch of it came from (recording, words,
        synthesis). Synthesis alone when no pack is chosen or nothing recorded matches."""
        chosen = self._matcher
        if chosen is not None:
            matcher, pack = chosen
            pieces = matcher.plan(text)
            if uses_recordings(pieces):
                return assemble(text, pieces, pack, self._synthesised_piece, self.rate_cpm, self.volume)
        samples, rate = self.render(text)
        return Utterance(text, samples, rate, (Segment(SYNTHESIS, text, (), 0, len(samples)),) if len(samples) else ())

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            generation, text = job
            try:
                if generation == self._generation:
                    utterance = self.render_utterance(text)
                    if generation == self._generation:
                        self.spoken.append(text)
                        self.played.append(utterance)
                        self._play(utterance)
            except Exception:  # speech must never take the kiosk down
                logger.exception("speech synthesis failed")
            if self._jobs.empty():
                self._idle.set()

    def _play(self, utterance: Utterance) -> None:
        sound = bool(len(utterance.samples))
        if sound:
            self._signal.set(True)
        try:
            play_utterance = getattr(self.sink, "play_utterance", None)
            if play_utterance is not None:
                play_utterance(utterance)
            else:
                self.sink.play(utterance.samples, utterance.rate)
        finally:
            if sound:
                self._signal.set(False)


def speaker_from_settings(settings: Settings, sink=None) -> Voice:
    if sink is None:
        try:
            sink = SoundDeviceSink()
        except AudioUnavailable as error:
            logger.warning("speech will be shown only: %s", error)
            sink = NullSink()
    speech = settings.speech
    return Voice(sink, speech.rate_cpm, speech.volume, speech.voice,
                 speech.rate_min_cpm, speech.rate_max_cpm, speech.rate_step_cpm,
                 packs_folder=packs_root(settings.data_dir), voice_pack=speech.voice_pack)
