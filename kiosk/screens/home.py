"""Home: a greeting and the six service tiles."""

from __future__ import annotations

from kivy.app import App
from kivy.uix.screenmanager import Screen

from common.menu import TILES
from kiosk import theme
from kiosk.widgets.buttons import ServiceTile


class HomeScreen(Screen):
    def on_kv_post(self, base_widget) -> None:
        controller = App.get_running_app().controller
        for tile_id, label, payload in TILES:
            tile = ServiceTile(text=label, icon=f"assets/icons/{tile_id}.png",
                               colour=list(theme.TILE_COLOURS[tile_id]), payload=payload)
            if tile_id == "help":  # raised locally at once, even with the network down
                tile.bind(on_release=lambda _t: controller.help())
            else:
                tile.bind(on_release=lambda t: controller.tile(t.payload, t.text))
            self.ids.tiles.add_widget(tile)
