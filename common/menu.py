"""The services a resident can start from the home screen (window, terminal and dialogue alike),
read from the errand registry (common/errands.py).

The registry lists the errands most used first. The home screen shows at most six tiles
(ACCESSIBILITY.md): as many of the first errands as fit, then 更多 when some are left over,
and 找人帮忙 last, always. 更多 opens a page of the rest, in the registry's order, so an errand
another engineer adds appears there without any change here.
"""

from __future__ import annotations

from typing import List, Tuple

from common import errands

# (tile id, label of 2-6 characters, payload sent to Rasa), in the order shown
TILES = [(tile_id, tile.label, payload) for tile_id, tile, payload in errands.tiles()]

GREETING = "您好！请点一下您要办的事。"

HOME_TILES_MAX = 6
MORE_ID = "more"
MORE_PAYLOAD = "#more"  # handled by the kiosk itself; never sent to the dialogue
MORE_TILE = errands.Tile("更多", "more", "#37474F")

TileRow = Tuple[str, errands.Tile, str]  # (id, tile, payload)


def _errand_tiles() -> List[TileRow]:
    return [row for row in errands.tiles() if row[0] != "help"]


def _help_tile() -> TileRow:
    return next(row for row in errands.tiles() if row[0] == "help")


def home_tiles(room: int = HOME_TILES_MAX) -> List[TileRow]:
    """The home screen's tiles when `room` tiles fit (never more than six): the first errands,
    更多 when the others do not fit, and 找人帮忙 last. With room for fewer than three, still
    one errand, 更多 and 找人帮忙 (the grid keeps a row of three)."""
    room = max(3, min(HOME_TILES_MAX, int(room)))
    errand_rows = _errand_tiles()
    if len(errand_rows) + 1 <= room:
        return errand_rows + [_help_tile()]
    return errand_rows[:room - 2] + [(MORE_ID, MORE_TILE, MORE_PAYLOAD), _help_tile()]


def more_tiles(room: int = HOME_TILES_MAX) -> List[TileRow]:
    """The errands that the home screen (with room for `room` tiles) leaves to 更多."""
    shown = {row[0] for row in home_tiles(room)}
    return [row for row in _errand_tiles() if row[0] not in shown]


NEXT_ID, PREVIOUS_ID = "next_page", "previous_page"
NEXT_ROW: TileRow = (NEXT_ID, errands.Tile("下一页", "", "#37474F"), "#next")
PREVIOUS_ROW: TileRow = (PREVIOUS_ID, errands.Tile("上一页", "", "#37474F"), "#previous")


def more_pages(home_room: int, room: int) -> List[List[TileRow]]:
    """The 更多 page's tiles, a page at a time, in a grid with room for `room` tiles: the
    errands the home screen left out, 上一页 first on every page but the first and 下一页
    last on every page but the last. The turning tiles are tiles like the rest (taps, no
    swipes, no extra row of buttons a small screen has no room for)."""
    rest = more_tiles(home_room)
    room = max(3, int(room))
    pages: List[List[TileRow]] = []
    start = 0
    while start < len(rest):
        head = [PREVIOUS_ROW] if pages else []
        space = room - len(head)
        if len(rest) - start <= space:
            pages.append(head + rest[start:])
            break
        pages.append(head + rest[start:start + space - 1] + [NEXT_ROW])
        start += space - 1
    return pages or [[]]


# The home screen's services as Rasa buttons, for replies that offer the menu again: never
# more than six choices on one screen, so the errands that are only under 更多 are left out
# (residents reach them by name or from the home screen).
MENU_BUTTONS = [{"title": tile.label, "payload": payload} for tile_id, tile, payload in home_tiles()
                if tile_id != MORE_ID]
