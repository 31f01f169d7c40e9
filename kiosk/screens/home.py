"""Home: a greeting, the voice button, the ID card hint, and at most six service tiles.

How many tiles fit is the grid's to say (kiosk/widgets/tiles.py); which ones is the menu's
(common/menu.py): the most used errands, 更多 when some do not fit, and 找人帮忙 last. The
greeting keeps the largest size that fits in the fewest lines, never below the title floor.
Where a row of tiles would not fit (a 1024 x 768 screen at 特大, a banner above), the card
hint gives way first, then the greeting (it was said), then the voice button.
"""

from __future__ import annotations

from typing import Tuple

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from common import menu
from kiosk import theme
from kiosk.widgets.buttons import ServiceTile
from kiosk.widgets.line_breaking import break_lines
from kiosk.widgets.tiles import TileGrid  # noqa: F401  (the kv rule's grid)

CARD_HINT = "请把身份证放在读卡器上，再点要办的事。"
CARD_HINT_SHORT = "请把身份证放在读卡器上。"  # not spoken: a narrow screen's one line


def tile_widget(controller, tile_id: str, tile, payload: str) -> ServiceTile:
    """A tile wired to what it does: 找人帮忙 is raised locally at once (even with the network
    down), 更多 opens the page of the other errands, 上一页 / 下一页 turn that page, the rest
    start their errand."""
    icon = f"assets/icons/{tile.icon}.png" if tile.icon else ""
    widget = ServiceTile(text=tile.label, icon=icon, colour=list(theme.hex_colour(tile.colour)), payload=payload)
    if tile_id == "help":
        widget.bind(on_release=lambda _t: controller.help())
    elif tile_id == menu.MORE_ID:
        widget.bind(on_release=lambda _t: controller.menu.more())
    elif tile_id in (menu.NEXT_ID, menu.PREVIOUS_ID):
        step = 1 if tile_id == menu.NEXT_ID else -1
        widget.bind(on_release=lambda _t: controller.menu.turn(step))
    else:
        widget.bind(on_release=lambda t: controller.tile(t.payload, t.text))
    return widget


def broken(text: str, width: float, font_size: float) -> str:
    """`text` with line breaks where Chinese is broken in print (Kivy breaks only at spaces)."""
    ruler = CoreLabel(font_name="Kiosk", font_size=font_size, bold=True)
    return break_lines(text, width, lambda piece: ruler.get_extents(piece)[0])


def fitted(text: str, width: float, nominal: float, floor: float) -> Tuple[str, float]:
    """(lines, size): the fewest lines at any size from the floor up, then the largest size
    that keeps that many."""
    fewest = broken(text, width, floor).count("\n")
    size = nominal
    while size > floor and broken(text, width, size).count("\n") > fewest:
        size -= 1
    size = max(size, floor)
    return broken(text, width, size), size


class HomeScreen(Screen):
    greeting = StringProperty(menu.GREETING)  # as said (the greeting, or the reply that came home)
    greeting_lines = StringProperty(menu.GREETING)  # as shown
    greeting_size = NumericProperty(60)
    card_lines = StringProperty(CARD_HINT)
    card_room = BooleanProperty(True)
    greeting_room = BooleanProperty(True)
    voice_room = BooleanProperty(True)

    def on_kv_post(self, base_widget) -> None:
        # Kept: a layout pass can still run after the app stopped (get_running_app is None then).
        app = App.get_running_app()
        self._state, self._controller = app.state, app.controller
        state = self._state
        self._fit = Clock.create_trigger(self._fit_texts, 0)
        state.bind(assistant_text=self._greeting, font_scale=self._fit, card_reader=self._fit,
                   voice_switch=self._fit)
        self.bind(height=self._fit)
        self.ids.voice.bind(needed_height=self._fit)
        grid = self.ids.tiles
        grid.labels = [tile.label for _id, tile, _payload in menu.home_tiles(3) + menu.home_tiles(6)]
        grid.bind(room=self._show_tiles)
        self._greeting(state, state.assistant_text)
        self._show_tiles(grid, grid.room)

    def _greeting(self, _state, text: str) -> None:
        self.greeting = text or menu.GREETING
        self._fit()

    def fit_texts(self) -> None:
        self._fit()

    def _fit_texts(self, *_args) -> None:
        scale = self._state.font_scale
        label = self.ids.greeting
        if label.width > 1:
            self.greeting_lines, self.greeting_size = fitted(self.greeting, label.width, dp(theme.TITLE) * scale,
                                                             dp(theme.FLOOR_TITLE) * scale)
        card = self.ids.card_label
        if card.width > 1:
            ruler = CoreLabel(font_name="Kiosk", font_size=card.font_size, bold=True)
            text = CARD_HINT if ruler.get_extents(CARD_HINT)[0] <= card.width else CARD_HINT_SHORT
            self.card_lines = broken(text, card.width, card.font_size)
        # What gives way on a small screen with a banner above (listening, help coming): the
        # card hint first, then the greeting (it was said; the banner says what happens now).
        greeting, voice = self._top_heights()
        self.greeting_room = self._left_for_tiles(max(greeting, voice))
        self.voice_room = voice > 0 and self._left_for_tiles(voice)
        self.card_room = self.greeting_room and self._room_for_card()

    def _room_for_card(self) -> bool:
        """Would a row of tiles still fit under the greeting and the card hint? (Measured from
        the page, not from the grid, whose height depends on the answer.)"""
        card = self.ids.card_label
        ruler = CoreLabel(text=self.card_lines, font_name="Kiosk", font_size=card.font_size, bold=True,
                          line_height=card.line_height)
        ruler.refresh()
        card_height = max(self.ids.card_icon.width or dp(theme.ICON) * 0.55, ruler.texture.height) + dp(20)
        return self._left_for_tiles(max(self._top_heights()), card_height)

    def _top_heights(self) -> Tuple[float, float]:
        """The greeting's height and the voice button's (0: none), as laid out when shown."""
        ruler = CoreLabel(text=self.greeting_lines, font_name="Kiosk", font_size=self.greeting_size, bold=True,
                          line_height=self.ids.greeting.line_height)
        ruler.refresh()
        voice = self.ids.voice
        voice_height = max(dp(theme.FLOOR_TARGET), voice.needed_height) if voice.text else 0
        return ruler.texture.height + dp(4), voice_height

    def _left_for_tiles(self, *above: float) -> bool:
        page, grid = self.ids.page, self.ids.tiles
        spacing = dp(theme.GAP) if self.height >= dp(760) else dp(theme.FLOOR_TARGET_GAP)  # as when shown
        left = page.height - page.padding[1] - page.padding[3] - sum(above) - 2 * spacing
        return left >= grid.row_height_needed(grid.labels)

    def _show_tiles(self, grid, room: float) -> None:
        self._state.home_room = int(room)
        grid.clear_widgets()
        for tile_id, tile, payload in menu.home_tiles(int(room)):
            grid.add_widget(tile_widget(self._controller, tile_id, tile, payload))
