"""The services a resident can start from the home screen (window, terminal and dialogue alike),
read from the errand registry (common/errands.py)."""

from __future__ import annotations

from common import errands

# (tile id, label of 2-6 characters, payload sent to Rasa), in the order shown
TILES = [(tile_id, tile.label, payload) for tile_id, tile, payload in errands.tiles()]

GREETING = "您好！请点一下您要办的事。"

# The same services as Rasa buttons, for replies that offer the menu again.
MENU_BUTTONS = [{"title": label, "payload": payload} for _tile, label, payload in TILES]
