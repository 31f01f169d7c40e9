"""Which tiles the home screen and the 更多 page show, for any number of errands with tiles
in the registry (other errands are added all the time): at most six on a screen, 找人帮忙
always last on the home screen, every errand on exactly one of them, in the registry's order."""

from __future__ import annotations

import pytest

from common import errands, menu


def registry(count: int):
    rows = [(f"errand{i}", errands.Tile(f"事情{i:02d}", "more", "#37474F"), f"/errand{i}") for i in range(count)]
    return rows + [("help", errands.Tile("找人帮忙", "help", "#8E1B14"), "/help_volunteer")]


@pytest.mark.parametrize("count", range(1, 16))
@pytest.mark.parametrize("home_room", [3, 6])
@pytest.mark.parametrize("page_room", [3, 6])
def test_every_errand_is_on_home_or_on_one_page_of_more(monkeypatch, count, home_room, page_room):
    monkeypatch.setattr(errands, "tiles", lambda: registry(count))
    home = menu.home_tiles(home_room)
    ids = [row[0] for row in home]
    assert len(home) <= min(6, home_room) and ids[-1] == "help"
    pages = menu.more_pages(home_room, page_room)
    on_pages = [row[0] for page in pages for row in page if row[0] not in (menu.NEXT_ID, menu.PREVIOUS_ID)]
    errand_ids = [f"errand{i}" for i in range(count)]
    assert [i for i in ids if i.startswith("errand")] + on_pages == errand_ids  # each once, in order
    assert (menu.MORE_ID in ids) == bool(on_pages)
    if not on_pages:
        assert pages == [[]]  # everything fits at home: an empty 更多 (never opened)
        return
    for number, page in enumerate(pages):
        page_ids = [row[0] for row in page]
        assert len(page) <= page_room
        assert (page_ids[0] == menu.PREVIOUS_ID) == (number > 0)
        assert (page_ids[-1] == menu.NEXT_ID) == (number < len(pages) - 1)
        assert any(i.startswith("errand") for i in page_ids)  # no page of turning tiles only


def test_the_real_registry_fits_the_rules():
    every = [row[0] for row in errands.tiles()]
    for room in (3, 6):
        home = [row[0] for row in menu.home_tiles(room)]
        rest = [row[0] for page in menu.more_pages(room, 6) for row in page]
        assert set(every) <= set(home) | set(rest)
    assert all(button["payload"].startswith("/") for button in menu.MENU_BUTTONS)  # 更多 never goes to Rasa
    assert len(menu.MENU_BUTTONS) <= 6
