"""Real voice packs for tests: takes spoken by espeak-ng, stored through the console's own path
(recording.store_take), and sinks that show what reached the loudspeaker."""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import numpy as np

from kiosk.speech import pronounce
from kiosk.speech.packs import Consent, Pack
from kiosk.speech.playback import Utterance
from kiosk.speech.prompts import Catalogue, template_key
from kiosk.speech.recording import store_take, store_word
from kiosk.speech.verbalize import verbalize

CONSENT = Consent("王桂兰", "2026-03-02T10:15:00+08:00",
                  "我同意社区服务中心在自助机上播放我录的声音。", "staff-wang")


def espeak_bytes(text: str, rate: int = 150, voice: str = "cmn-latn-pinyin") -> bytes:
    """A WAV exactly as espeak-ng writes it (22,050 Hz), saying `text` in Mandarin pinyin."""
    with tempfile.TemporaryDirectory(prefix="espeak-take-") as folder:
        path = Path(folder) / "take.wav"
        said = pronounce.to_pinyin(verbalize(text))
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), said], check=True)
        return path.read_bytes()


def build_pack(root: Path, catalogue: Catalogue, templates: Iterable[str], words: Iterable[str] = (),
               pack_id: str = "putonghua-wang", name: str = "普通话·女声·王老师", language: str = "cmn") -> Pack:
    """A pack with every part of `templates` and every word in `words` recorded."""
    pack = Pack.create(root, pack_id, name, language, CONSENT)
    for template in templates:
        key = template_key(template)
        for part, said in catalogue.prompts[key].takes:
            store_take(pack, key, espeak_bytes(said), part=part, catalogue=catalogue)
    for word in words:
        store_word(pack, word, espeak_bytes(word))
    return pack


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as source:
        return np.frombuffer(source.readframes(source.getnframes()), dtype=np.int16)


class SegmentSink:
    """Keeps every utterance with its segments, as the loudspeaker would have received it."""

    def __init__(self) -> None:
        self.utterances: List[Utterance] = []
        self.plain: List[np.ndarray] = []

    def play_utterance(self, utterance: Utterance) -> None:
        self.utterances.append(utterance)

    def play(self, samples: np.ndarray, rate: int) -> None:
        self.plain.append(samples)

    def stop(self) -> None:
        return None

    def sources(self, index: int = -1) -> List[tuple]:
        """(kind, text, file names) of each segment of one utterance."""
        return [(s.kind, s.text, tuple(f.name for f in s.files)) for s in self.utterances[index].segments]


class RealTimeSink:
    """Plays at the speed of a loudspeaker (it waits the samples' duration) and stops at once
    when told, as sounddevice does: for barge-in timing without audio hardware."""

    def __init__(self) -> None:
        self._stopped = threading.Event()
        self.played_seconds: List[float] = []
        self.stopped_at: Optional[float] = None

    def play(self, samples: np.ndarray, rate: int) -> None:
        self._stopped.clear()
        start = time.monotonic()
        self._stopped.wait(len(samples) / rate)
        self.played_seconds.append(time.monotonic() - start)

    def stop(self) -> None:
        self.stopped_at = time.monotonic()
        self._stopped.set()


def expected_in_sink(path: Path, volume: float) -> np.ndarray:
    """A recording as the voice hands it to the sink: sample for sample, at the volume."""
    return np.clip(read_wav(path).astype(np.float32) * volume, -32768, 32767).astype(np.int16)


def words_files(pack: Pack) -> Dict[str, str]:
    return {word: Path(name).name for word, name in pack.words.items()}
