"""How a big button's words and pictogram share its room: words first, at the largest size
that fits, never below the body floor of the current text step.

Why not let Kivy wrap: Kivy breaks Chinese only where a line is full ("再听一" / "遍"), shrinks
nothing, and a pictogram above the words is drawn over them once a button is shorter than
the two together (the 1024 x 768 home screen did exactly that). Here every candidate layout
is measured first, and the best one that fits is kept:

- the words on 1, 2 or 3 lines, broken into lines of nearly equal width between characters
  (at a '·' or space first: 客家话 / 于都), never before closing punctuation;
- the pictogram above the words, or beside them, or left out when neither leaves it a
  useful size (the words carry the meaning; the pictogram helps);
- the largest font size wins, then the larger pictogram, then the one above.

Pure functions of the sizes and a measuring function, so they are tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import Callable, List, Optional, Tuple

from kiosk.widgets.line_breaking import tokens

# (text with newlines, font size) -> (width, height) of the drawn text
Measure = Callable[[str, float], Tuple[float, float]]
ABOVE, BESIDE, WORDS_ONLY = "above", "beside", "words"
MAX_LINES = 3


@dataclass(frozen=True)
class Fit:
    """One way of filling a button: its words' lines and size, and where the pictogram goes."""

    text: str  # with newlines
    font_size: float
    lines: int
    text_size: Tuple[float, float]  # the words' box
    icon: float  # the pictogram's side, 0 for none
    placement: str  # ABOVE, BESIDE or WORDS_ONLY
    fits: bool = True


def balanced(text: str, lines: int) -> str:
    """`text` on `lines` lines of nearly equal length, broken between characters (never
    before closing punctuation, see line_breaking), preferably after a '·' or at a space."""
    pieces = tokens(text)
    if lines <= 1 or len(pieces) < lines:
        return text
    best: Optional[Tuple[Tuple[int, int], List[str]]] = None
    for cuts in combinations(range(1, len(pieces)), lines - 1):
        bounds = (0, *cuts, len(pieces))
        rows = ["".join(pieces[a:b]).strip() for a, b in pairwise(bounds)]
        if any(not row for row in rows) or any(row[0] == "·" for row in rows[1:]):
            continue
        at_marks = sum(1 for a in cuts if pieces[a - 1] == "·" or pieces[a].isspace() or pieces[a - 1].isspace())
        longest = max(len(row) for row in rows)
        key = (longest - at_marks, longest)
        if best is None or key < best[0]:
            best = (key, rows)
    return "\n".join(best[1]) if best else text


def fit_button(text: str, width: float, height: float, *, padding: float, spacing: float,
               nominal: float, floor: float, icon_max: float, icon_min: float, measure: Measure,
               has_icon: bool = True) -> Fit:
    """The best layout of `text` (and a pictogram) in a width x height button."""
    inner_w, inner_h = max(0.0, width - 2 * padding), max(0.0, height - 2 * padding)
    best: Optional[Tuple[Tuple[float, float, int], Fit]] = None
    placements = (ABOVE, BESIDE, WORDS_ONLY) if has_icon else (WORDS_ONLY,)
    for placement in placements:
        for lines in range(1, min(MAX_LINES, max(1, len(text))) + 1):
            shown = balanced(text, lines)
            if shown.count("\n") + 1 != lines:
                continue
            if placement == BESIDE:
                icon = min(icon_max, inner_h, inner_w / 3)
                text_w, text_h = inner_w - icon - spacing, inner_h
            elif placement == ABOVE:
                icon, text_w, text_h = 0.0, inner_w, inner_h - spacing - icon_min
            else:
                icon, text_w, text_h = 0.0, inner_w, inner_h
            size = _largest_size(shown, text_w, text_h, nominal, floor, measure)
            if size is None:
                continue
            drawn_w, drawn_h = measure(shown, size)
            if placement == ABOVE:
                icon = min(icon_max, inner_h - spacing - drawn_h, inner_w)
            if placement != WORDS_ONLY and icon < icon_min:
                continue
            fit = Fit(shown, size, lines, (text_w, drawn_h), icon if placement != WORDS_ONLY else 0.0, placement)
            score = (round(size, 1), round(fit.icon, 1), -lines)
            if best is None or score > best[0]:
                best = (score, fit)
    if best is not None:
        return best[1]
    # Nothing fits: the floor size on the most lines, so the checks can say what is cut off.
    shown = balanced(text, min(MAX_LINES, max(1, len(text))))
    return Fit(shown, floor, shown.count("\n") + 1, (inner_w, measure(shown, floor)[1]), 0.0, WORDS_ONLY, fits=False)


def _largest_size(shown: str, width: float, height: float, nominal: float, floor: float,
                  measure: Measure) -> Optional[float]:
    """The largest font size in [floor, nominal] at which every line fits `width` and all the
    lines fit `height` (a short tile takes smaller words, down to the floor)."""
    if width <= 0 or height <= 0:
        return None
    drawn_w, drawn_h = measure(shown, nominal)
    if drawn_w <= width and drawn_h <= height + 0.5:
        return nominal
    # The drawn size grows linearly with the font size: start near the answer, then step down.
    size = nominal * min(1.0, width / max(drawn_w, 1.0), height / max(drawn_h, 1.0))
    size = max(size, floor)
    while True:
        drawn_w, drawn_h = measure(shown, size)
        if drawn_w <= width and drawn_h <= height + 0.5:
            return size
        if size <= floor:
            return None
        size = max(floor, size - 1)


def needed_height(text: str, width: float, *, padding: float, spacing: float, nominal: float, floor: float,
                  icon_min: float, measure: Measure, has_icon: bool = True) -> float:
    """The least height at which `text` fits a button of this width at no less than the
    floor, with a pictogram of at least icon_min beside it when there is one."""
    inner_w = max(0.0, width - 2 * padding)
    heights = []
    for lines in range(1, min(MAX_LINES, max(1, len(text))) + 1):
        shown = balanced(text, lines)
        for text_w, with_icon in ((inner_w, False), (inner_w - icon_min - spacing, has_icon)):
            size = _largest_size(shown, text_w, float("inf"), floor, floor, measure) if text_w > 0 else None
            if size is not None:
                drawn_h = measure(shown, size)[1]
                heights.append(max(drawn_h, icon_min if with_icon else 0.0) + 2 * padding)
    if heights:
        return min(heights)
    shown = balanced(text, min(MAX_LINES, max(1, len(text))))  # cut off whatever the height: the checks say so
    return measure(shown, floor)[1] + 2 * padding
