"""The home screen shows as many service tiles as fit (never more than six) at the reference
size and on a 1024 x 768 screen, at every text step, with and without a banner above it; 更多
opens the rest, page by page, and every errand of the registry is on one or the other."""

from __future__ import annotations

from typing import Iterator, List, Tuple

import pytest

from common import errands, menu
from kiosk.home_menu import MORE_INTRO, page_turned
from tests.kiosk import a11y
from tests.kiosk.ui import UiDriver, find, find_one

pytestmark = pytest.mark.ui

SMALL = (1024, 768)
TURNING = {menu.NEXT_ROW[1].label, menu.PREVIOUS_ROW[1].label}


def problems(ui: UiDriver, shot) -> List[str]:
    root, scale = ui.app.root, ui.app.state.font_scale
    return (a11y.check_text_sizes(root, scale) + a11y.check_not_cut_off(root) + a11y.check_targets(root)
            + a11y.check_contrast(root, shot) + a11y.check_overlaps(root) + a11y.check_line_spacing(root))


def resize(ui: UiDriver, size: Tuple[int, int]) -> None:
    ui.window.size = size
    ui.wait_until(lambda: tuple(ui.window.size) == size, what=f"the window at {size}")
    ui.settle()


@pytest.fixture(params=["reference", "1024x768"])
def sized(request, ui) -> Iterator[UiDriver]:
    ui.app.controller.touched()  # no idle warning in the middle of a long test
    before = tuple(ui.window.size)
    if request.param != "reference":
        resize(ui, SMALL)
    yield ui
    if tuple(ui.window.size) != before:
        resize(ui, before)


def at_step(ui: UiDriver, step: int) -> None:
    ui.app.state.scale_index = step
    ui.app.state.font_scale = ui.app.settings.kiosk.text_scales[step]


def shown_tiles(ui: UiDriver) -> List[str]:
    from kiosk.widgets.buttons import ServiceTile

    return [tile.text for tile in reversed(find(ui.screen, ServiceTile))]


def assert_overlay_within_the_screens(ui: UiDriver) -> None:
    """The layer and its panel lie over the screens, not under the bars drawn after them."""
    from kiosk.widgets.chrome import Overlay

    stage = a11y.window_rect(ui.app.root.ids.stage)
    for layer in find(ui.app.root, Overlay):
        for widget in (layer, *layer.children):
            x, y, width, height = a11y.window_rect(widget)
            assert stage[1] - 1 <= y and y + height <= stage[1] + stage[3] + 1, f"{widget} is outside the screens"
            assert stage[0] - 1 <= x and x + width <= stage[0] + stage[2] + 1, f"{widget} is outside the screens"


@pytest.mark.parametrize("overlay", ["none", "listening", "help", "waiting", "idle"])
@pytest.mark.parametrize("step", [0, 1, 2])
def test_home_shows_the_tiles_that_fit(sized, output_dir, step, overlay):
    ui, state = sized, sized.app.state
    at_step(ui, step)
    if overlay == "listening":
        state.listening, state.heard_text = True, "我的退休金发了没有"
    elif overlay == "help":
        state.help_coming = True
    elif overlay == "waiting":
        state.waiting = True
    elif overlay == "idle":
        state.idle_seconds_left = 25
    try:
        shot = ui.screenshot(output_dir / f"home-{tuple(ui.window.size)[0]}-step{step}-{overlay}.png")
        assert not problems(ui, shot), "\n".join(problems(ui, shot))
        if overlay in ("waiting", "idle"):
            assert_overlay_within_the_screens(ui)
        tiles = shown_tiles(ui)
        assert tiles == [tile.label for _id, tile, _payload in menu.home_tiles(int(state.home_room))]
        assert 3 <= len(tiles) <= 6 and tiles[-1] == "找人帮忙"
        if menu.more_tiles(int(state.home_room)):
            assert menu.MORE_TILE.label in tiles
    finally:
        state.listening, state.help_coming, state.heard_text = False, False, ""
        state.waiting, state.idle_seconds_left = False, 0


def test_the_smallest_screen_at_the_largest_step_still_has_a_row_of_tiles(ui):
    """The grid gives up its second row before its tiles get too small for their words."""
    resize_back = tuple(ui.window.size)
    try:
        resize(ui, SMALL)
        at_step(ui, 2)
        ui.app.state.help_coming = True
        ui.settle()
        assert ui.app.state.home_room in (3, 6)
        assert len(shown_tiles(ui)) == ui.app.state.home_room
    finally:
        ui.app.state.help_coming = False
        resize(ui, resize_back)


@pytest.mark.parametrize("step", [0, 2])
def test_more_opens_every_errand_the_home_screen_left_out(sized, output_dir, step):
    from kiosk.widgets.buttons import BarButton, ServiceTile

    ui = sized
    at_step(ui, step)
    ui.settle()
    on_home = shown_tiles(ui)
    if menu.MORE_TILE.label not in on_home:
        pytest.skip("every errand fits on the home screen")
    ui.tap(find_one(ui.screen, ServiceTile, menu.MORE_TILE.label))
    ui.wait_until(lambda: ui.current() == "more", what="the 更多 page")
    ui.app.speaker.wait_idle()
    assert ui.app.speaker.spoken[-1] == MORE_INTRO
    seen: List[str] = []
    for page in range(1, 12):
        shot = ui.screenshot(output_dir / f"more-{tuple(ui.window.size)[0]}-step{step}-page{page}.png")
        assert not problems(ui, shot), "\n".join(problems(ui, shot))
        seen += [label for label in shown_tiles(ui) if label not in TURNING]
        following = ui.find_button(ServiceTile, "下一页")
        if following is None:
            break
        ui.tap(following)
        ui.settle()
        ui.app.speaker.wait_idle()
        assert ui.app.speaker.spoken[-1] == page_turned(page + 1)
        assert shown_tiles(ui)[0] == "上一页"
    every = [tile.label for tile_id, tile, _payload in errands.tiles()]
    assert sorted(set(on_home) - {menu.MORE_TILE.label} | set(seen)) == sorted(every)
    assert not set(seen) & set(on_home)  # each errand in one place only
    ui.tap(find_one(ui.app.root, BarButton, "返回"))
    ui.wait_until(lambda: ui.current() == "home", what="home again")


def test_a_tile_on_more_starts_its_errand(ui):
    from kiosk.widgets.buttons import ServiceTile

    ui.app.controller.menu.more()
    ui.wait_until(lambda: ui.current() == "more", what="the 更多 page")
    ui.settle()
    first = find(ui.screen, ServiceTile)[-1]
    ui.tap(first)
    ui.wait_until(lambda: ui.current() != "more", timeout=60, what="the errand's first step")
    assert ui.app.controller.session.transcript.lines[0][1] == first.text
