"""Saying a sentence with a voice pack: recorded prompts, joined number words, synthesis between.

Why match the text and not a prompt id: the kiosk is handed only what it shows (a reply is
several of the dialogue's messages run together, with amounts and dates filled in), and the
same words come from the domain, the actions and the kiosk alike. So each recorded template
becomes a regular expression (fixed parts literally, each slot by its type's pattern) and the
text is read left to right: where a recorded prompt matches, its fixed parts play from the
recordings and its slots are joined from recorded words (三 千 二 百 一 十 五 元 六 角, the same
words verbalize.py would say); anything no recording covers is synthesised in Mandarin.

A slot that the pack's words cannot say completely is synthesised whole, never half in one
voice and half in another. Recordings are never stretched (stretched speech is understood
worse); the resident's rate sets the pauses between pieces, as pacing.py does for synthesis.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Pattern, Tuple

import numpy as np

from kiosk.speech.packs import SAMPLE_RATE, Pack, RecordedPrompt
from kiosk.speech.prompts import Slot, parse_template, speakable
from kiosk.speech.recording import resample
from kiosk.speech.verbalize import digit_by_digit, verbalize

logger = logging.getLogger(__name__)

RECORDING, WORDS, SYNTHESIS, PAUSE = "recording", "words", "synthesis", "pause"
LEAD_SECONDS, TAIL_SECONDS = 0.1, 0.25  # as tts.py frames synthesised speech
SHORT_GAP, SENTENCE_GAP = 0.3, 0.6  # seconds at 200 characters a minute
MIN_GAP, MAX_GAP = 0.12, 1.2

# How each slot type appears on screen (what the actions write), for matching.
SLOT_PATTERNS: Dict[str, str] = {
    "amount": r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?\s*元|\d+(?:\.\d{1,2})?\s*元",
    "date": r"(?:(?:今天|明天|后天)\s*)?(?:\d{4}年)?\d{1,2}月\d{1,2}[日号](?:\s*星期[一二三四五六日天])?",
    "month": r"\d{1,2}月",
    "time": r"(?:上午|下午|中午|晚上)?\d{1,2}:\d{2}",
    "masked_number": r"[\dXx]{0,6}\s?\*[\*\s]*[\dXx]{4}|[\dXx]{4,18}",
    "digits": r"[\dXx]+(?:[\s\-][\dXx]+)*",
    "number": r"\d+",
    "hall_name": r"[^，。！？：；、\s]+?",
    "district": r"[^，。！？：；、\s]+?",
    "free_text": r".+?",  # between two fixed parts: the shortest text that lets the rest match
}
_PAUSE_MARKS = set("，。！？；：、,.!?;:")
_SENTENCE_MARKS = set("。！？!?")


@dataclass(frozen=True)
class Piece:
    """One step of a plan: a recording, joined words, synthesis, or a pause at a mark."""

    kind: str
    text: str  # as shown on screen
    say: str = ""  # what synthesis says for it if it must be synthesised (verbalised)
    files: Tuple[str, ...] = ()  # pack files, in order


@dataclass(frozen=True)
class Segment:
    """What reached the sink: the kind of sound, its text and files, its sample range."""

    kind: str
    text: str
    files: Tuple[Path, ...]
    start: int
    end: int


@dataclass
class Utterance:
    text: str
    samples: np.ndarray  # int16, mono
    rate: int
    segments: Tuple[Segment, ...]
    pack: Optional[str] = None  # the pack it was played from, None for synthesis only


def spoken_form(slot_type: str, value: str) -> str:
    """A slot's value in the words people say, by verbalize.py's rules (1 is 幺 read out)."""
    if slot_type == "masked_number":
        return verbalize(value) if "*" in value else digit_by_digit(value.replace(" ", ""))
    if slot_type == "digits":
        return "，".join(digit_by_digit(group) for group in re.split(r"[\s\-]+", value.strip()) if group)
    return verbalize(value) if slot_type in ("amount", "date", "month", "time", "number") else value


def cover(spoken: str, words: Mapping[str, object]) -> Optional[List[str]]:
    """`spoken` as recorded words (longest first) and pause marks, or None if a part is missing."""
    longest = max((len(word) for word in words), default=0)
    out, i = [], 0
    while i < len(spoken):
        ch = spoken[i]
        if ch.isspace() or ch in "“”\"'" or ch in _PAUSE_MARKS:
            out += [ch] if ch in _PAUSE_MARKS else []
            i += 1
            continue
        word = next((spoken[i:i + n] for n in range(min(longest, len(spoken) - i), 0, -1)
                     if spoken[i:i + n] in words), None)
        if word is None:
            return None
        out.append(word)
        i += len(word)
    return out


def _literal_pattern(text: str) -> str:
    chunks = text.split()
    body = r"\s*".join(re.escape(chunk) for chunk in chunks)
    return (r"\s*" if text[:1].isspace() else "") + body + (r"\s*" if text[-1:].isspace() else "")


@dataclass(frozen=True)
class _Template:
    prompt: RecordedPrompt
    regex: Pattern[str]
    parts: Tuple[Tuple[int, object], ...]
    fixed: int  # characters of fixed text: the more, the better the match


def _compile(prompt: RecordedPrompt) -> Optional[_Template]:
    """A leading or trailing free-text slot ("{head}可以这样做：") is whatever the text around
    says; it is left to the neighbouring pieces, so the template matches from its words."""
    parts = list(enumerate(parse_template(prompt.text)))
    while parts and isinstance(parts[0][1], Slot) and parts[0][1].type == "free_text":
        parts.pop(0)
    while parts and isinstance(parts[-1][1], Slot) and parts[-1][1].type == "free_text":
        parts.pop()
    if not any(isinstance(part, str) and speakable(part) for _, part in parts):
        return None
    pattern = "".join(_literal_pattern(part) if isinstance(part, str)
                      else f"(?P<s{index}>{SLOT_PATTERNS[part.type]})" for index, part in parts)
    fixed = sum(len(part) for _, part in parts if isinstance(part, str))
    return _Template(prompt, re.compile(pattern), tuple(parts), fixed)


def _edges(text: str) -> Tuple[str, str, str]:
    """(leading marks, body, trailing marks) of a fixed part."""
    start = 0
    while start < len(text) and not speakable(text[start]):
        start += 1
    end = len(text)
    while end > start and not speakable(text[end - 1]):
        end -= 1
    return text[:start], text[start:end], text[end:]


def _pauses(marks: str) -> List[Piece]:
    found = [mark for mark in marks if mark in _PAUSE_MARKS]
    return [Piece(PAUSE, found[-1])] if found else []


class Matcher:
    """Plans sentences for one pack's playable prompts and words."""

    def __init__(self, prompts: Iterable[RecordedPrompt], words: Mapping[str, str]) -> None:
        self.words = dict(words)
        self._by_first: Dict[str, List[_Template]] = {}
        self._slot_first: List[_Template] = []
        self._whole: Dict[str, str] = {}  # a sentence recorded on its own -> its file
        for prompt in prompts:
            if list(prompt.parts) == [0] and len(parse_template(prompt.text)) == 1:
                self._whole[_edges(prompt.text)[1]] = prompt.parts[0]
            template = _compile(prompt)
            if template is None:
                continue
            first = template.parts[0][1]
            if isinstance(first, str) and first.strip():
                self._by_first.setdefault(first.strip()[0], []).append(template)
            else:
                self._slot_first.append(template)

    @classmethod
    def for_pack(cls, pack: Pack) -> Matcher:
        return cls(pack.playable_prompts(), pack.playable_words())

    def plan(self, text: str) -> List[Piece]:
        pieces: List[Piece] = []
        pending: List[str] = []
        i = 0
        while i < len(text):
            found = self._best(text, i)
            if found is None:
                pending.append(text[i])
                i += 1
                continue
            self._synthesised("".join(pending), pieces)
            pending = []
            template, match = found
            pieces.extend(self._matched(template, match))
            i = match.end()
        self._synthesised("".join(pending), pieces)
        return pieces

    def _best(self, text: str, i: int) -> Optional[Tuple[_Template, re.Match]]:
        best: Optional[Tuple[_Template, re.Match]] = None
        for template in self._by_first.get(text[i], []) + self._slot_first:
            match = template.regex.match(text, i)
            if match is None or match.end() == i:
                continue
            if best is None or (template.fixed, match.end()) > (best[0].fixed, best[1].end()):
                best = (template, match)
        return best

    def _synthesised(self, chunk: str, pieces: List[Piece]) -> None:
        lead, body, trail = _edges(chunk)
        pieces.extend(_pauses(lead))
        if body:
            pieces.append(Piece(SYNTHESIS, body, body))
        pieces.extend(_pauses(trail))

    def _matched(self, template: _Template, match: re.Match) -> List[Piece]:
        out: List[Piece] = []
        for index, part in template.parts:
            if isinstance(part, Slot):
                out.extend(self._slot(part.type, match.group(f"s{index}")))
                continue
            lead, body, trail = _edges(part)
            out.extend(_pauses(lead))
            if body:
                out.append(Piece(RECORDING, body, body, (template.prompt.parts[index],)))
                out.extend(_pauses(trail))
        return out

    def _slot(self, slot_type: str, value: str) -> List[Piece]:
        """Joined words; or, for a free text that is a recorded sentence (a tapped common
        problem read back), that recording; else synthesis."""
        whole = self._whole.get(_edges(value)[1])
        if whole is not None and slot_type == "free_text":
            return [Piece(RECORDING, value, value, (whole,))]
        spoken = spoken_form(slot_type, value)
        items = cover(spoken, self.words)
        if items is None or not items:
            return [Piece(SYNTHESIS, value, spoken)] if speakable(spoken) else []
        out: List[Piece] = []
        run: List[str] = []
        for item in items + ["，"]:
            if item in _PAUSE_MARKS:
                if run:
                    out.append(Piece(WORDS, "".join(run), "".join(run), tuple(self.words[w] for w in run)))
                    run = []
                out.append(Piece(PAUSE, item))
            else:
                run.append(item)
        return out[:-1]  # the sentinel pause


def gap_seconds(mark: str, rate_cpm: int) -> float:
    """Pauses grow as the resident slows the kiosk down (never the recordings themselves)."""
    base = SENTENCE_GAP if mark in _SENTENCE_MARKS else SHORT_GAP
    return float(min(MAX_GAP, max(MIN_GAP, base * 200.0 / max(rate_cpm, 1))))


Synthesise = Callable[[str], Tuple[np.ndarray, int]]


def assemble(text: str, pieces: List[Piece], pack: Pack, synthesise: Synthesise, rate_cpm: int,
             volume: float) -> Utterance:
    """The utterance at 16 kHz (the recordings' own rate: they are played sample for sample).
    A recording that cannot be read now is synthesised in its place (logged by the pack)."""
    parts: List[np.ndarray] = [np.zeros(int(LEAD_SECONDS * SAMPLE_RATE), dtype=np.int16)]
    position = len(parts[0])
    segments: List[Segment] = []
    gap = 0.0
    for piece in pieces:
        if piece.kind == PAUSE:
            gap = max(gap, gap_seconds(piece.text, rate_cpm)) if segments else 0.0
            continue
        kind, audio = piece.kind, None
        if kind in (RECORDING, WORDS):
            clips = [pack.audio(name) for name in piece.files]
            audio = None if any(clip is None for clip in clips) else np.concatenate(clips)
        if audio is None:
            kind = SYNTHESIS
            samples, rate = synthesise(piece.say or piece.text)
            audio = resample(samples, rate, SAMPLE_RATE)
        if gap:
            silence = np.zeros(int(gap * SAMPLE_RATE), dtype=np.int16)
            parts.append(silence)
            position += len(silence)
            gap = 0.0
        files = tuple(pack.folder / name for name in piece.files) if kind != SYNTHESIS else ()
        segments.append(Segment(kind, piece.text, files, position, position + len(audio)))
        parts.append(audio.astype(np.int16))
        position += len(audio)
    parts.append(np.zeros(int(TAIL_SECONDS * SAMPLE_RATE), dtype=np.int16))
    samples = np.clip(np.concatenate(parts).astype(np.float32) * volume, -32768, 32767).astype(np.int16)
    return Utterance(text, samples, SAMPLE_RATE, tuple(segments), pack.id)


def uses_recordings(pieces: Iterable[Piece]) -> bool:
    return any(piece.kind in (RECORDING, WORDS) for piece in pieces)
