"""Home: a greeting and the six service tiles."""

from __future__ import annotations

from kivy.app import App
from kivy.uix.screenmanager import Screen

from kiosk import theme
from kiosk.widgets.buttons import ServiceTile

# (tile id, label of 2-4 characters, payload sent to Rasa)
TILES = [
    ("pension", "查养老金", "/query_pension"),
    ("medical", "查医保", "/query_medical_insurance"),
    ("hotline_report", "反映问题", "/hotline_report"),
    ("hotline_track", "办件进度", "/hotline_track"),
    ("appointment", "预约办事", "/book_appointment"),
    ("help", "找人帮忙", "/help_volunteer"),
]

GREETING = "您好！请问您要办什么事？请点一下下面的大按钮。"


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
