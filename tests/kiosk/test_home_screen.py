"""The home screen as a resident sees it, measured against ACCESSIBILITY.md at every text step."""

from __future__ import annotations

import pytest

from common import menu
from kiosk import theme
from tests.kiosk import a11y
from tests.kiosk.ui import find

pytestmark = pytest.mark.ui

ALWAYS_PRESENT = ["首页", "返回", "再听一遍", "字大一点", "找人帮忙"]


def test_home_has_at_most_six_tiles_and_the_bar(ui):
    from kiosk.widgets.buttons import BarButton, ServiceTile

    tiles = find(ui.app.root, ServiceTile)
    room = int(ui.app.state.home_room)
    assert room == 6  # the reference screen at the standard step has room for two rows
    assert [t.text for t in reversed(tiles)] == [tile.label for _id, tile, _payload in menu.home_tiles(room)]
    assert all(2 <= len(t.text) <= 6 and t.icon for t in tiles)
    microphone = ["说话"] if ui.app.state.voice_available else []
    assert sorted(b.text for b in find(ui.app.root, BarButton)) == sorted(ALWAYS_PRESENT + microphone)


@pytest.mark.parametrize("step", [0, 1, 2])
def test_home_meets_size_contrast_and_fit_rules(ui, output_dir, step):
    scales = ui.app.settings.kiosk.text_scales
    ui.app.state.scale_index = step
    ui.app.state.font_scale = scales[step]
    shot = ui.screenshot(output_dir / f"home-step{step}.png")
    root = ui.app.root
    floors = [("greeting", theme.FLOOR_TITLE)]
    problems = (a11y.check_text_sizes(root, scales[step], floors) + a11y.check_not_cut_off(root)
                + a11y.check_targets(root) + a11y.check_contrast(root, shot)
                + a11y.check_overlaps(root) + a11y.check_line_spacing(root))
    assert not problems, "\n".join(problems)


def test_largest_text_step_is_half_again_as_big(ui):
    scales = ui.app.settings.kiosk.text_scales
    assert len(scales) >= 3 and scales[-1] >= theme.LARGEST_SCALE_MIN * scales[0]


def test_bigger_text_button_cycles_and_speaks(ui):
    from kiosk.widgets.buttons import BarButton

    button = find(ui.app.root, BarButton, "字大一点")[0]
    ui.tap(button)
    assert ui.app.state.font_scale == ui.app.settings.kiosk.text_scales[1]
    ui.app.speaker.wait_idle()
    assert ui.app.speaker.spoken[-1].startswith("好的，现在是大字")
