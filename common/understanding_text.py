"""Sentences as the recogniser writes them, made readable for the detail finders.

Vosk writes spaces between the words it hears ("幸福 小区 门口 的 路灯 坏 了"), a typed answer
has none, and the rules for places, problems and reasons are written for the second. So the
finders read a squeezed copy (no blank between two Chinese characters) and map what they find
back onto the resident's own text, so spans stay true to what was said. A blank between two
Latin letters or digits stays ("3 5号" is not "35号"). Pure Python, both environments.
"""

from __future__ import annotations

import re
from typing import List, NamedTuple, Tuple

_BLANK = re.compile(r"\s+")


def _is_ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


class Squeezed(NamedTuple):
    """`text` without blanks between words; `positions[i]` is where its i-th character was."""

    text: str
    positions: Tuple[int, ...]

    def span(self, start: int, end: int) -> Tuple[int, int]:
        """The span in the resident's text of text[start:end] (end > start)."""
        return self.positions[start], self.positions[end - 1] + 1


def squeeze(text: str) -> Squeezed:
    chars: List[str] = []
    positions: List[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            after = _BLANK.match(text, index)
            following = text[after.end()] if after and after.end() < len(text) else ""
            before = chars[-1] if chars else ""
            if before and before != " " and _is_ascii_word(before) and _is_ascii_word(following):
                chars.append(" ")
                positions.append(index)
            continue
        chars.append(char)
        positions.append(index)
    return Squeezed("".join(chars), tuple(positions))


def without_blanks(text: str) -> str:
    """A value as the slot keeps it: the words the resident said, without the recogniser's blanks."""
    return squeeze(text).text
