"""Slow speech down by pausing between phrases, not by stretching syllables.

Older listeners understand stretched synthetic speech worse; pauses at phrase boundaries
give them time without distorting the words (ACCESSIBILITY.md). So syllables are spoken at
a natural pace and the gaps between phrases are sized to reach the resident's chosen rate
in characters a minute. Only a rate faster than the natural pace speeds the syllables up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List

# espeak-ng's Mandarin voice (cmn-latn-pinyin): words-per-minute setting at which syllables
# sound unhurried, about 220 characters a minute before any pause.
NATURAL_ESPEAK_RATE = 150
MIN_GAP_SECONDS = 0.15
MAX_GAP_SECONDS = 1.2

_BOUNDARY = re.compile(r"(?<=[，。！？；：、,.!?;:])")
_SPOKEN_UNIT = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d")


def phrases(text: str) -> List[str]:
    """Split after punctuation; drop pieces with nothing to say."""
    return [piece.strip() for piece in _BOUNDARY.split(text) if _SPOKEN_UNIT.search(piece)]


def spoken_units(text: str) -> int:
    """Characters (syllables) a listener hears; punctuation and spaces do not count."""
    return len(_SPOKEN_UNIT.findall(text))


@dataclass(frozen=True)
class Pace:
    espeak_rate: int
    gap_seconds: float


def plan(units: int, boundaries: int, speech_seconds: float, target_cpm: float) -> Pace:
    """Gap between phrases so the whole utterance lasts units / target_cpm minutes.

    `speech_seconds` is the phrases' own length at the natural rate. When even the
    shortest gaps are too slow for the target, the syllables are sped up instead.
    """
    target_seconds = units * 60.0 / target_cpm
    if boundaries == 0:
        gap = 0.0
        spare = target_seconds - speech_seconds
    else:
        gap = (target_seconds - speech_seconds) / boundaries
        spare = gap
    if spare >= (MIN_GAP_SECONDS if boundaries else 0.0):
        return Pace(NATURAL_ESPEAK_RATE, max(0.0, min(gap, MAX_GAP_SECONDS)))
    needed = speech_seconds / max(target_seconds - boundaries * MIN_GAP_SECONDS, 0.1)
    rate = int(round(NATURAL_ESPEAK_RATE * min(max(needed, 1.0), 1.5)))
    return Pace(rate, MIN_GAP_SECONDS if boundaries else 0.0)
