"""更多: the errands the home screen has no room for, as big tiles by the same rules, a page
at a time when there are more than fit (上一页 / 下一页 are tiles too: taps, never swipes).

Whatever the errand registry lists appears here: the page asks common/menu.py which errands
the home screen left out (at the home screen's own room), so an errand added to the registry
needs nothing on this screen.
"""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from common import menu
from kiosk.screens.home import broken, tile_widget

TITLE = "还可以办这些事："  # not spoken: home_menu.MORE_INTRO says it


class MoreScreen(Screen):
    pages = NumericProperty(1)
    title_lines = StringProperty(TITLE)
    title_room = BooleanProperty(True)

    def on_kv_post(self, base_widget) -> None:
        # Kept: a layout pass can still run after the app stopped (get_running_app is None then).
        self._app = App.get_running_app()
        state = self._app.state
        grid = self.ids.tiles
        every = menu.more_tiles(3) + [menu.NEXT_ROW, menu.PREVIOUS_ROW]
        grid.labels = [tile.label for _id, tile, _payload in every]
        self._room = Clock.create_trigger(self._title_room, 0)
        grid.bind(room=self._show)
        self.bind(height=self._room)
        state.bind(more_page=self._show, home_room=self._show, font_scale=self._room)
        self._show()

    def break_title(self) -> None:
        label = self.ids.title
        self.title_lines = broken(TITLE, label.width, label.font_size) if label.width > 1 else TITLE
        self._room()

    def _title_room(self, *_args) -> None:
        """Is there room for the title and a row of tiles? (Measured from the page: the grid's
        own height depends on the answer.)"""
        page, label, grid = self.ids.page, self.ids.title, self.ids.tiles
        ruler = CoreLabel(text=self.title_lines, font_name="Kiosk", font_size=label.font_size, bold=True,
                          line_height=label.line_height, text_size=(label.width or None, None))
        ruler.refresh()
        left = page.height - page.padding[1] - page.padding[3] - page.spacing - ruler.texture.height - 4
        self.title_room = left >= grid.row_height_needed(grid.labels)

    def _show(self, *_args) -> None:
        state = self._app.state
        grid = self.ids.tiles
        pages = menu.more_pages(int(state.home_room), int(grid.room))
        self.pages = len(pages)
        page = min(int(state.more_page), len(pages) - 1)
        grid.clear_widgets()
        for tile_id, tile, payload in pages[page]:
            grid.add_widget(tile_widget(self._app.controller, tile_id, tile, payload))
