"""Spoken text -> the tone-numbered pinyin espeak-ng's `cmn-latn-pinyin` voice reads.

Why: that voice reads Chinese characters with its own small dictionary and gets the kiosk's
own words wrong (长者 "cháng zhě", 银行 "yín xíng", 于都 "yú dōu", 重新 "zhòng xīn") and never
changes the tone of 一 and 不. Given tone-numbered pinyin ("zhang3 zhe3") it says exactly
those syllables, third-tone sandhi included, and it already knows how a neutral tone (5)
sounds after each tone. So this module decides every syllable and espeak-ng only says it.

How a reading is chosen, strongest first:
1. the reviewed project list `pronunciations.yaml` (places, the product's name, every
   service word the kiosk says; those readings are final, no rule touches them);
2. pypinyin's phrase dictionary (polyphones in common words: 银行 yin2 hang2);
3. a character on its own: the project's `single` default or pypinyin's first reading;
then the context rules of `tone_rules` for what no dictionary can know: 一 and 不 change tone
with the next syllable, particles lose their tone (的 了 着 过 个 吗 …), 地/得 after a word
are particles.

The text is cut into words by the fewest dictionary words (project words win ties): a
dynamic programme over at most a hundred characters costs well under a millisecond, where
Jieba would add about 90 MB and seconds to the kiosk's start for little gain here.
Punctuation is kept as it is, so `pacing.phrases` can split the pinyin where it split the
characters and the pauses between phrases stay where they were.

Input is already verbalised (numbers in words, see verbalize.py). The tables load once, on
first use, on the voice thread: pypinyin's dictionaries, about 60 MB and 0.3-0.7 s.
pypinyin-dict's phrase data is not loaded: its CC-CEDICT list (105,000 phrases) costs another
60 MB and about 1 s at boot and changes only neutral tones in 3 % of residents' own sentences
(the larger lists cost 2-3 s and 180-220 MB each); every sentence the kiosk itself says is
reviewed anyway (tests/kiosk/pronunciation_decisions.yaml). `Pronouncer(extra_phrases=...)`
takes it, or any phrase table in pypinyin's format, where a centre wants it.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import yaml

from kiosk.speech.tone_rules import Syllable, ToneRules

LEXICON_PATH = Path(__file__).with_name("pronunciations.yaml")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster at boot

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3007]")
_SYLLABLE = re.compile(r"^[a-z]+[1-5]$")
_SPACE = re.compile(r"[\s\u00a0\u3000]")
MAX_WORD = 10  # longest phrase in pypinyin's dictionary and ours


@dataclass(frozen=True)
class Token:
    """A syllable, or something that is not Chinese (punctuation, a space, Latin letters)."""

    text: str
    pinyin: str = ""

    @property
    def spoken(self) -> bool:
        return bool(self.pinyin)


class Lexicon:
    """The reviewed project list: words with their final reading, and single-character defaults."""

    def __init__(self, words: Mapping[str, str], single: Mapping[str, str]) -> None:
        self.words: Dict[str, Tuple[str, ...]] = {}
        for word, reading in words.items():
            self.words[word] = _checked(word, reading)
        self.single: Dict[str, str] = {ch: _checked(ch, reading)[0] for ch, reading in single.items()}

    @classmethod
    def from_yaml(cls, path: Path = LEXICON_PATH) -> Lexicon:
        """Every section but `single` is a list of words (the sections are for reviewers)."""
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
        words: Dict[str, str] = {}
        for section, entries in data.items():
            if section == "single":
                continue
            for word, reading in (entries or {}).items():
                if word in words and words[word] != reading:
                    raise ValueError(f"{path.name}: {word} is given twice, as {words[word]} and {reading}")
                words[str(word)] = str(reading)
        return cls(words, {str(k): str(v) for k, v in (data.get("single") or {}).items()})


def _checked(word: str, reading: str) -> Tuple[str, ...]:
    syllables = tuple(reading.split())
    if len(syllables) != len(word) or not all(_SYLLABLE.match(s) for s in syllables):
        raise ValueError(f"pronunciation of {word!r} must be one tone-numbered syllable per character: {reading!r}")
    return syllables


def _tone(pinyin: str) -> int:
    return int(pinyin[-1]) if pinyin and pinyin[-1].isdigit() else 5


class Pronouncer:
    """Text -> tone-numbered pinyin. Build once (it holds the dictionaries); thread-safe to use."""

    def __init__(self, lexicon: Optional[Lexicon] = None,
                 extra_phrases: Optional[Mapping[str, Sequence[Sequence[str]]]] = None) -> None:
        from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
        from pypinyin.contrib.tone_convert import to_tone3

        self._to_tone3 = to_tone3
        self.lexicon = lexicon or Lexicon.from_yaml()
        self._chars = PINYIN_DICT
        # Readings of phrases, marked with tones (pypinyin's own, then any extra data).
        self._phrases: Dict[str, Sequence[Sequence[str]]] = dict(PHRASES_DICT)
        if extra_phrases:
            for word, reading in extra_phrases.items():
                self._phrases.setdefault(word, reading)
        self._longest = min(MAX_WORD, max(len(w) for w in (*self._phrases, *self.lexicon.words)))
        self._word_cache = lru_cache(maxsize=4096)(self._word_syllables)

    # -- public ------------------------------------------------------------------------

    def tokens(self, text: str) -> List[Token]:
        """Every character of `text` in order: syllables with their pinyin, the rest as it is."""
        items: List[Union[Syllable, str]] = []
        for run in _runs(_SPACE.sub(" ", text)):  # one token per space: offsets stay those of `text`
            if _HAN.match(run):
                items.extend(self._run_syllables(run))
            else:
                items.append(run)
        phrase: List[Syllable] = []
        for item in items:
            if isinstance(item, Syllable):
                phrase.append(item)
            elif item != " ":  # punctuation or Latin letters end a phrase for the tone rules
                ToneRules.apply(phrase)
                phrase = []
        ToneRules.apply(phrase)
        return [Token(i.char, i.pinyin) if isinstance(i, Syllable) else Token(i) for i in items]

    def to_pinyin(self, text: str) -> str:
        """The string handed to espeak-ng: syllables apart by one space, punctuation kept in
        place with no space around it (so pacing.phrases cuts where it cut the characters)."""
        out: List[str] = []
        wordlike = False
        for token in self.tokens(text):
            if token.spoken or token.text[0].isalnum():
                if wordlike:
                    out.append(" ")
                out.append(token.pinyin or token.text)
                wordlike = True
            elif token.text != " ":
                out.append(token.text)
                wordlike = False
        return "".join(out)

    def syllables(self, text: str) -> List[Tuple[str, str]]:
        """(character, pinyin) for every Chinese character: what tests and reviewers compare."""
        return [(t.text, t.pinyin) for t in self.tokens(text) if t.spoken]

    # -- words -------------------------------------------------------------------------

    def segment(self, run: str) -> List[str]:
        """Words for one run of characters: as many characters in reviewed project words as
        possible (不客气 -> 不 + 客气 ke4 qi5, not pypinyin's 不客气 qi4), then the fewest
        words, then the longer first word (so it reads like forward maximum matching)."""
        n = len(run)
        best: List[Tuple[int, int]] = [(0, 0)] * (n + 1)  # (-characters in project words, words)
        choice = [1] * (n + 1)
        for i in range(n - 1, -1, -1):
            chosen: Optional[Tuple[Tuple[int, int], int]] = None
            for length in range(min(self._longest, n - i), 0, -1):
                word = run[i:i + length]
                in_lexicon = word in self.lexicon.words
                if length > 1 and not in_lexicon and word not in self._phrases:
                    continue
                rest = best[i + length]
                score = (rest[0] - (length if in_lexicon else 0), rest[1] + 1)
                if chosen is None or score < chosen[0]:  # longer words come first and win ties
                    chosen = (score, length)
            assert chosen is not None
            best[i], choice[i] = chosen
        words, i = [], 0
        while i < n:
            words.append(run[i:i + choice[i]])
            i += choice[i]
        return words

    def _word_syllables(self, word: str) -> Tuple[Tuple[str, int, bool], ...]:
        """(pinyin, citation tone, fixed) for each character of one word."""
        if word in self.lexicon.words:
            readings, fixed = self.lexicon.words[word], True
        elif len(word) > 1:
            readings, fixed = tuple(self._mark(r[0]) for r in self._phrases[word]), False
        elif word in self.lexicon.single:
            readings, fixed = (self.lexicon.single[word],), False
        else:
            readings, fixed = (self._char_default(word),), False
        out = []
        for ch, pinyin in zip(word, readings, strict=True):
            tone = _tone(pinyin)
            if tone == 5:
                tone = _tone(self.lexicon.single.get(ch) or self._char_default(ch))
            out.append((pinyin, tone, fixed))
        return tuple(out)

    def _mark(self, marked: str) -> str:
        return self._to_tone3(marked, neutral_tone_with_five=True)

    def _char_default(self, ch: str) -> str:
        readings = self._chars.get(ord(ch))
        if not readings:
            return ""
        return self._mark(readings.split(",")[0])

    def _run_syllables(self, run: str) -> List[Syllable]:
        out: List[Syllable] = []
        for word in self.segment(run):
            for index, (pinyin, tone, fixed) in enumerate(self._word_cache(word)):
                out.append(Syllable(word[index], pinyin, tone, index == 0, index == len(word) - 1,
                                    len(word) == 1, fixed))
        return out


def _runs(text: str) -> List[str]:
    """Runs of Chinese characters, and every other character on its own (Latin words kept whole)."""
    return re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\u3007]+|[A-Za-z0-9]+| |.", text)


_default: Optional[Pronouncer] = None
_default_lock = threading.Lock()


def load() -> Pronouncer:
    """The kiosk's pronouncer, built once (about 0.3 s, mostly pypinyin's dictionaries)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Pronouncer()
        return _default


def to_pinyin(text: str) -> str:
    """Verbalised text -> exactly what espeak-ng is given (see Pronouncer.to_pinyin)."""
    return load().to_pinyin(text)
