"""Voice packs: a centre's own recorded voice, as a plain folder that can be copied around.

    data/voice-packs/<pack-id>/manifest.json
    data/voice-packs/<pack-id>/prompts/<prompt key>-<part>.wav   16 kHz mono 16-bit
    data/voice-packs/<pack-id>/words/<code points>.wav           number and unit words, districts

The manifest names the pack ("客家话·于都"), its language (ISO 639-3: cmn, hak), the
speaker's consent (who, when, the words agreed to), every recorded prompt (its key, the
template it was recorded for, the places that say it, one file per fixed part), the words,
and the SHA-256 of every file. Why a folder and not a database: a centre copies a pack to
another kiosk or from a USB stick like the speech model, and a person can see what is in it.

Loading checks each WAV's header; a missing or broken file is logged and its prompt is
synthesised instead (the kiosk never goes silent because a file is bad). Coverage and import
(every file checked against the manifest's SHA-256 list) are in pack_admin.py.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import wave
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import numpy as np

from kiosk.speech.prompts import takes

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
FOLDER = "voice-packs"  # under the data directory
SAMPLE_RATE = 16000
PACK_ID = r"^[a-z0-9][a-z0-9._-]{0,63}$"
_PACK_ID = re.compile(PACK_ID)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
manifest_lock = threading.Lock()  # one writer of a manifest at a time (console requests)


class PackError(ValueError):
    """A pack that cannot be used or imported; the message says what is wrong."""


@dataclass(frozen=True)
class Consent:
    """The speaker's recorded consent: nobody's voice is used without it."""

    speaker: str
    given_at: str  # ISO 8601, with the time zone
    text: str  # the words the speaker agreed to
    recorded_by: str = ""  # the staff member who asked

    @classmethod
    def from_json(cls, data: Any) -> Consent:
        needed = ("speaker", "given_at", "text")
        if not isinstance(data, dict) or not all(str(data.get(k) or "").strip() for k in needed):
            raise PackError("consent needs the speaker, when it was given and the text agreed to")
        return cls(str(data["speaker"]), str(data["given_at"]), str(data["text"]), str(data.get("recorded_by") or ""))


@dataclass
class RecordedPrompt:
    key: str
    text: str  # the template it was recorded for
    ids: List[str]
    parts: Dict[int, str]  # fixed part index -> file, relative to the pack

    @property
    def complete(self) -> bool:
        return all(index in self.parts for index, _ in takes(self.text))


def word_file(word: str) -> str:
    """ASCII file names survive every USB stick's file system: 尾号 -> words/u5c3e-u53f7.wav."""
    return "words/" + "-".join(f"u{ord(ch):04x}" for ch in word) + ".wav"


def take_file(key: str, part: int) -> str:
    return f"prompts/{key}-{part}.wav"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def wav_problem(path: Path) -> Optional[str]:
    """None when `path` is a 16 kHz mono 16-bit WAV with sound in it, else what is wrong."""
    try:
        with wave.open(str(path), "rb") as source:
            if (source.getframerate(), source.getnchannels(), source.getsampwidth()) != (SAMPLE_RATE, 1, 2):
                return f"{source.getframerate()} Hz, {source.getnchannels()} channels: not 16 kHz mono 16-bit"
            if source.getnframes() == 0:
                return "no samples"
    except FileNotFoundError:
        return "missing"
    except (OSError, EOFError, wave.Error) as error:
        return f"not a readable WAV ({error})"
    return None


@dataclass
class Pack:
    folder: Path
    id: str
    name: str
    language: str
    consent: Optional[Consent]
    prompts: Dict[str, RecordedPrompt] = field(default_factory=dict)
    words: Dict[str, str] = field(default_factory=dict)  # word -> file
    files: Dict[str, str] = field(default_factory=dict)  # file -> SHA-256
    broken: Dict[str, str] = field(default_factory=dict)  # file -> what is wrong with it
    stamp: int = 0  # the manifest's modification time when loaded
    _audio: Dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    # -- reading -----------------------------------------------------------------------

    @classmethod
    def load(cls, folder: Path, check_files: bool = True) -> Pack:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise PackError(f"{folder}: no {MANIFEST}") from error
        except (OSError, ValueError) as error:
            raise PackError(f"{folder / MANIFEST}: not readable JSON ({error})") from error
        pack = cls.from_json(folder, data)
        pack.stamp = (folder / MANIFEST).stat().st_mtime_ns
        if check_files:
            pack.check_files()
        return pack

    @classmethod
    def from_json(cls, folder: Path, data: Any) -> Pack:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise PackError(f"{folder}: manifest format must be {FORMAT}")
        pack_id, language = str(data.get("id") or ""), str(data.get("language") or "")
        if not _PACK_ID.match(pack_id):
            raise PackError(f"{folder}: pack id {pack_id!r} must be lower-case letters, digits, . _ -")
        if not _LANGUAGE.match(language):
            raise PackError(f"{folder}: language {language!r} must be a code such as cmn or hak")
        consent = Consent.from_json(data["consent"]) if data.get("consent") else None
        try:
            files = {str(k): str(v) for k, v in (data.get("files") or {}).items()}
            prompts = {}
            for key, item in (data.get("prompts") or {}).items():
                parts = {int(index): str(name) for index, name in (item.get("parts") or {}).items()}
                prompts[str(key)] = RecordedPrompt(str(key), str(item["text"]),
                                                   [str(i) for i in item.get("ids") or []], parts)
            words = {str(k): str(v) for k, v in (data.get("words") or {}).items()}
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise PackError(f"{folder}: manifest entry not understood ({error!r})") from error
        for name in [*words.values(), *(n for p in prompts.values() for n in p.parts.values())]:
            if name not in files or not inside_pack(name):
                raise PackError(f"{folder}: {name} is used but not listed with its SHA-256")
        return cls(folder, pack_id, str(data.get("name") or pack_id), language, consent, prompts, words, files)

    def check_files(self) -> None:
        """Every used file must be a 16 kHz mono WAV; the rest are remembered as broken."""
        used = {*self.words.values(), *(n for p in self.prompts.values() for n in p.parts.values())}
        for name in sorted(used):
            problem = wav_problem(self.folder / name)
            if problem:
                self.broken[name] = problem
                logger.warning("voice pack %s: %s is %s; that part is synthesised", self.id, name, problem)

    def changed_on_disk(self) -> bool:
        """True when someone (the console) has saved the manifest since this copy was loaded."""
        try:
            return (self.folder / MANIFEST).stat().st_mtime_ns != self.stamp
        except OSError:
            return True

    def playable_prompts(self) -> List[RecordedPrompt]:
        """Prompts with every part recorded and no part broken."""
        return [p for p in self.prompts.values() if p.complete and not set(p.parts.values()) & set(self.broken)]

    def playable_words(self) -> Dict[str, str]:
        return {word: name for word, name in self.words.items() if name not in self.broken}

    def audio(self, name: str) -> Optional[np.ndarray]:
        """The samples of one file (cached), or None when it cannot be read (logged once)."""
        if name in self._audio:
            return self._audio[name]
        if name in self.broken:
            return None
        try:
            with wave.open(str(self.folder / name), "rb") as source:
                if (source.getframerate(), source.getnchannels(), source.getsampwidth()) != (SAMPLE_RATE, 1, 2):
                    raise wave.Error("not 16 kHz mono 16-bit")
                samples = np.frombuffer(source.readframes(source.getnframes()), dtype=np.int16).copy()
        except (OSError, EOFError, wave.Error) as error:
            self.broken[name] = str(error)
            logger.warning("voice pack %s: cannot play %s (%s); synthesising instead", self.id, name, error)
            return None
        self._audio[name] = samples
        return samples

    # -- writing (the console's recording page, through recording.store_take) ------------

    @classmethod
    def create(cls, root: Path, pack_id: str, name: str, language: str, consent: Optional[Consent]) -> Pack:
        folder = root / pack_id
        if (folder / MANIFEST).exists():
            raise PackError(f"a pack {pack_id} already exists")
        pack = cls.from_json(folder, {"format": FORMAT, "id": pack_id, "name": name, "language": language})
        pack.consent = consent
        pack.save()
        return pack

    @contextmanager
    def editing(self) -> Iterator[Pack]:
        """Change the pack while other requests or processes may change it too: under a lock,
        starting from the manifest on disk now, saved at the end."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with manifest_lock, (self.folder / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if (self.folder / MANIFEST).exists():
                current = Pack.load(self.folder, check_files=False)
                self.prompts, self.words, self.files = current.prompts, current.words, current.files
            yield self
            self.save()

    def add_file(self, name: str, samples: np.ndarray) -> None:
        """Write one WAV (atomically) and remember its SHA-256."""
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(handle)
        with wave.open(temporary, "wb") as sink:
            sink.setnchannels(1)
            sink.setsampwidth(2)
            sink.setframerate(SAMPLE_RATE)
            sink.writeframes(samples.astype(np.int16).tobytes())
        os.replace(temporary, path)
        self.files[name] = sha256_of(path)
        self.broken.pop(name, None)
        self._audio.pop(name, None)

    def as_json(self) -> Dict[str, Any]:
        consent = None if self.consent is None else {
            "speaker": self.consent.speaker, "given_at": self.consent.given_at, "text": self.consent.text,
            "recorded_by": self.consent.recorded_by}
        prompts = {key: {"text": p.text, "ids": p.ids, "parts": {str(i): n for i, n in sorted(p.parts.items())}}
                   for key, p in sorted(self.prompts.items())}
        return {"format": FORMAT, "id": self.id, "name": self.name, "language": self.language, "consent": consent,
                "prompts": prompts,
                "words": dict(sorted(self.words.items())), "files": dict(sorted(self.files.items()))}

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / (MANIFEST + ".tmp")
        temporary.write_text(json.dumps(self.as_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(temporary, self.folder / MANIFEST)
        self.stamp = (self.folder / MANIFEST).stat().st_mtime_ns


def inside_pack(name: str) -> bool:
    """A file named by a manifest stays inside its pack (no absolute paths, no '..')."""
    path = Path(name)
    return not path.is_absolute() and ".." not in path.parts and name.endswith(".wav")


# -- packs on this kiosk -------------------------------------------------------------------

def packs_root(data_dir: Path) -> Path:
    return data_dir / FOLDER


def list_packs(root: Path) -> List[Pack]:
    """Every pack that loads (broken files noted inside); a pack that does not is logged."""
    packs = []
    for folder in sorted(root.glob(f"*/{MANIFEST}")):
        if folder.parent.name.startswith("."):  # an import under way
            continue
        try:
            packs.append(Pack.load(folder.parent))
        except PackError as error:
            logger.warning("voice pack skipped: %s", error)
    return packs


def load_pack(root: Path, pack_id: str) -> Pack:
    if not _PACK_ID.match(pack_id or ""):
        raise PackError(f"no voice pack {pack_id!r}")
    return Pack.load(root / pack_id)
