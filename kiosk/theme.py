"""Sizes and colours of every screen, in one place, derived from ACCESSIBILITY.md.

Sizes are reference-screen pixels (1920 x 1080, 21.5 inch) at the standard text step; the
app multiplies them by Kivy's density (`dp`) and by the resident's text-size choice.
Each is above its floor with room to spare. Colours are chosen for >= 7:1 contrast.
"""

from __future__ import annotations

from typing import Dict, Tuple

from common import errands

Colour = Tuple[float, float, float, float]


def hex_colour(value: str, alpha: float = 1.0) -> Colour:
    value = value.lstrip("#")
    red, green, blue = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return (red, green, blue, alpha)


# Floors from ACCESSIBILITY.md (reference pixels at the standard text step).
FLOOR_BODY = 36
FLOOR_TITLE = 56
FLOOR_RESULT = 80
FLOOR_TARGET = 120
FLOOR_TARGET_GAP = 24
FLOOR_CONTRAST = 7.0
LARGEST_SCALE_MIN = 1.5

# Font sizes used by the kv files (all above the floors).
BODY = 40
NOTE = 38
TITLE = 60
RESULT = 130
TILE_LABEL = 64
BAR_LABEL = 40
KEY_LABEL = 80

# Geometry.
BAR_HEIGHT = 170
TOP_HEIGHT = 96
GAP = 28
PADDING = 36
ICON = 120
KEY_HEIGHT = 150

BACKGROUND = hex_colour("#FFF9EC")
TEXT = hex_colour("#1B1B1B")
TEXT_SOFT = hex_colour("#3A3A3A")
ON_DARK = hex_colour("#FFFFFF")
BAR = hex_colour("#233044")
BAR_BUTTON = hex_colour("#2F3E57")
HELP = hex_colour("#8E1B14")
CONFIRM = hex_colour("#0B5E3A")
DISABLED = hex_colour("#4A4D52")
HIGHLIGHT = hex_colour("#FFD54F")
PANEL = hex_colour("#FFFFFF")
PANEL_BORDER = hex_colour("#233044")

# Buttons that are not services: a choice, a secondary action (清空, 减少), a no.
CHOICE = hex_colour("#0A4D8C")
SECONDARY = hex_colour("#5B2C83")
SAVE = hex_colour("#0B5566")
NO = hex_colour("#7C2D12")

# One colour per service tile, from the errand registry; the pictogram and the words carry
# the meaning too.
TILE_COLOURS: Dict[str, Colour] = {tile_id: hex_colour(tile.colour) for tile_id, tile, _payload in errands.tiles()}
