"""How a big button's words and pictogram share its room (kiosk/widgets/fitting.py), with a
measure that behaves like a CJK font (every character one em wide, lines 1.3 em apart), so
the layouts are checked without a window."""

from __future__ import annotations

from typing import Tuple

import pytest

from kiosk.widgets.fitting import ABOVE, BESIDE, WORDS_ONLY, balanced, fit_button, needed_height


def em_measure(text: str, size: float) -> Tuple[float, float]:
    lines = text.split("\n")
    return max(len(line) for line in lines) * size, len(lines) * size * 1.3


SIZES = dict(padding=16, spacing=10, nominal=83, floor=54, measure=em_measure)


def test_a_tall_tile_has_the_pictogram_above_the_words_at_full_size():
    fit = fit_button("查养老金", 600, 300, icon_max=138, icon_min=48, **SIZES)
    assert fit.fits and fit.placement == ABOVE and fit.font_size == 83 and fit.lines == 1
    assert fit.icon >= 48


def test_a_short_tile_shrinks_its_words_to_its_height_not_onto_more_lines():
    """A wide, short tile (a banner above it): one line, smaller words, never three lines
    spilling out of the tile."""
    height = 130
    fit = fit_button("找人帮忙", 600, height, icon_max=138, icon_min=48, **SIZES)
    assert fit.fits and fit.lines == 1
    assert SIZES["floor"] <= fit.font_size < SIZES["nominal"]
    assert fit.text_size[1] <= height - 2 * SIZES["padding"] + 0.5
    assert fit.placement in (BESIDE, WORDS_ONLY)


def test_a_tile_too_short_for_the_floor_says_it_does_not_fit():
    fit = fit_button("找人帮忙", 600, 80, icon_max=138, icon_min=48, **SIZES)
    assert not fit.fits and fit.font_size == SIZES["floor"]


def test_needed_height_is_enough_and_no_more():
    """The grid plans its rows with needed_height: a tile of that height fits its words at
    the floor or above, a tile a few pixels shorter does not."""
    width = 600
    need = needed_height("办件进度", width, icon_min=48, **SIZES)
    assert fit_button("办件进度", width, need, icon_max=138, icon_min=48, **SIZES).fits
    assert not fit_button("办件进度", width, need - 4, icon_max=138, icon_min=48, **SIZES).fits


@pytest.mark.parametrize("text, lines, shown", [("客家话·于都", 2, "客家话·\n于都"), ("再听一遍", 2, "再听\n一遍"),
                                               ("更多", 1, "更多")])
def test_lines_are_balanced_and_broken_at_marks(text, lines, shown):
    assert balanced(text, lines) == shown
