"""Chinese line breaking for Kivy labels.

Kivy wraps text only at spaces. Chinese has none, so a sentence with one space in it
("您11月的养老金 3,215.60 元，已于…") leaves half a line empty before the space, and a line
can start with a comma. Here a line may break between any two Chinese characters, never
inside a number or a word in Latin letters, never before closing punctuation (，。！？…)
and never after an opening bracket or quote: how Chinese is set in print.
"""

from __future__ import annotations

import re
from typing import Callable, List

NOT_AT_LINE_START = set("，。！？、：；）》」』”’…%,.!?:;)")
NOT_AT_LINE_END = set("（《「『“‘(")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9,.:%/*\-]*| +|.", re.S)


def tokens(paragraph: str) -> List[str]:
    """Pieces no break may fall inside: a number or Latin word, a run of spaces, one
    character; closing punctuation joined to what it follows, an opening one to what follows it."""
    pieces: List[str] = []
    pending_open = ""
    for piece in _TOKEN.findall(paragraph):
        if piece[0] in NOT_AT_LINE_START and pieces and not pieces[-1].isspace():
            pieces[-1] += piece
        elif piece in NOT_AT_LINE_END:
            pending_open += piece
        else:
            pieces.append(pending_open + piece)
            pending_open = ""
    if pending_open:
        pieces.append(pending_open)
    return pieces


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> str:
    """The text with a newline wherever a line is full; measure(s) is the drawn width of s.
    A piece wider than a whole line is left for the label to split."""
    if width <= 0:
        return text
    lines: List[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in tokens(paragraph):
            if not line or measure(line + piece) <= width:
                line += piece
            else:
                lines.append(line.rstrip())
                line = piece.lstrip()
        lines.append(line)
    return "\n".join(lines)
