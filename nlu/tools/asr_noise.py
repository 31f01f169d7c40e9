"""Speech-recognition errors, made on purpose: same-sound characters and dropped characters.

A Mandarin recogniser mostly errs by writing a character that sounds the same (养老金 ->
养老今) or by losing one. Copies of the training examples with such errors teach the model
to expect them; the NLU report measures accuracy on held-out sentences noised the same way.
Homophones are drawn from the most frequent characters in Jieba's dictionary, as a
recogniser's language model would prefer common characters.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

from pypinyin import Style, lazy_pinyin

COMMON_CHARACTERS = 3500
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _simplified(char: str) -> bool:
    """In GB2312: the characters a mainland recogniser writes (no traditional forms)."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=1)
def homophones() -> Dict[str, List[str]]:
    """Toneless syllable -> common characters with that sound, most frequent first."""
    import jieba

    counts: Counter = Counter()
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[1].isdigit():
            for char in parts[0]:
                if _CJK.match(char) and _simplified(char):
                    counts[char] += int(parts[1])
    by_sound: Dict[str, List[str]] = defaultdict(list)
    for char, _count in counts.most_common(COMMON_CHARACTERS):
        by_sound[lazy_pinyin(char, style=Style.NORMAL)[0]].append(char)
    return dict(by_sound)


def swap_homophone(text: str, rng: random.Random) -> Optional[str]:
    """One Chinese character replaced by a different one with the same toneless sound."""
    positions = [i for i, char in enumerate(text) if _CJK.match(char)]
    rng.shuffle(positions)
    for position in positions:
        sound = lazy_pinyin(text[position], style=Style.NORMAL)[0]
        others = [char for char in homophones().get(sound, [])[:6] if char != text[position]]
        if others:
            return text[:position] + rng.choice(others) + text[position + 1:]
    return None


def drop_character(text: str, rng: random.Random) -> Optional[str]:
    positions = [i for i, char in enumerate(text) if _CJK.match(char)]
    if len(positions) < 4:
        return None  # a short phrase without one of its characters is a different phrase
    position = rng.choice(positions)
    return text[:position] + text[position + 1:]


def noisy(text: str, rng: random.Random, drop_rate: float = 0.25) -> Optional[str]:
    """One recognition error: usually a homophone, sometimes a lost character."""
    if rng.random() < drop_rate:
        return drop_character(text, rng) or swap_homophone(text, rng)
    return swap_homophone(text, rng)
