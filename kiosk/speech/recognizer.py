"""Vosk, loaded once, giving a fresh recogniser per utterance in one of two modes.

Grammar mode restricts Vosk to the phrases the current screen accepts (digits, 是/不是,
menu words, district names): far more accurate for older voices. Free mode is for
describing a problem. Chinese output comes with spaces between words; they are removed.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

from kiosk.speech.sources import SAMPLE_RATE

logger = logging.getLogger(__name__)

REQUIRED_FILES = ("am/final.mdl", "conf/model.conf")
_CJK = r"[\u3400-\u9fff]"
_CJK_SPACE = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


class ModelUnavailable(RuntimeError):
    """No model, or a broken one: the kiosk says so once and works by touch."""


@dataclass(frozen=True)
class Transcript:
    text: str
    final: bool


def tidy(text: str) -> str:
    return _CJK_SPACE.sub("", text.strip())


def grammar_phrase(phrase: str) -> str:
    """Vosk grammars are word sequences: Chinese is split into characters, which every
    Mandarin model knows, so a phrase works whatever the model's word list segments."""
    return " ".join(re.findall(rf"{_CJK}|[^\s\u3400-\u9fff]+", phrase))


class SpeechModel:
    def __init__(self, folder: Path) -> None:
        folder = Path(folder)
        missing = [name for name in REQUIRED_FILES if not (folder / name).exists()]
        if not folder.is_dir() or missing:
            raise ModelUnavailable(f"no speech model in {folder} (missing {', '.join(missing) or 'folder'})")
        import vosk

        vosk.SetLogLevel(-1)
        try:
            self._model = vosk.Model(str(folder))
        except Exception as error:  # vosk raises a bare Exception for a broken model
            raise ModelUnavailable(f"speech model in {folder} could not be loaded: {error}") from error
        self._vosk = vosk
        self._free = None
        self._restricted = None
        self.folder = folder
        # Runtime grammars need a lookahead graph (Gr.fst + HCLr.fst), as small models have.
        self.has_grammar_graph = (folder / "graph" / "HCLr.fst").exists()

    def knows(self, word: str) -> bool:
        return self._model.vosk_model_find_word(word) >= 0

    def recogniser(self, phrases: Optional[Sequence[str]] = None):
        """A KaldiRecognizer, grammar mode when phrases are given and the model allows it.

        Recognisers are reused (a new full-vocabulary one costs about half a second on its
        first words); FinalResult leaves them ready for the next utterance."""
        grammar = self.usable_grammar(phrases) if phrases and self.has_grammar_graph else []
        if not grammar:
            if self._free is None:
                self._free = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
            return self._free
        # [unk] lets anything else come out as "unknown" instead of a forced wrong match.
        extra = ["[unk]"] if self.knows("[unk]") else []
        text = json.dumps(grammar + extra, ensure_ascii=False)  # escaped text would match nothing
        if self._restricted is None:
            self._restricted = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE, text)
        else:
            self._restricted.SetGrammar(text)
        return self._restricted

    def usable_grammar(self, phrases: Iterable[str]) -> List[str]:
        """Phrases whose every word the model knows (others would be silently dropped).

        Never empty strings and never an empty list: Vosk crashes the process on a grammar
        that is not a non-empty list of non-empty strings."""
        usable = []
        for phrase in phrases:
            words = grammar_phrase(str(phrase or "").strip())
            if words and all(self.knows(word) for word in words.split()):
                usable.append(words)
        return sorted(set(usable))
