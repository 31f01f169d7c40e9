"""Staff settings (behind the PIN): text size, speech rate and volume, idle time, full screen;
kiosk id and printer shown for reference (they live in the centre's settings file)."""

from __future__ import annotations

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

from kiosk import theme
from kiosk.widgets.buttons import KeyButton


class SettingsScreen(Screen):
    def on_kv_post(self, base_widget) -> None:
        App.get_running_app().state.bind(staff_rows=self._show_rows)

    def _show_rows(self, _state, rows) -> None:
        grid = self.ids.rows
        grid.clear_widgets()
        controller = App.get_running_app().controller
        for name, title, shown in rows:
            row = BoxLayout(spacing=theme.GAP)
            row.add_widget(Label(text=f"{title}\n{shown}", font_name="Kiosk", font_size=theme.BODY,
                                 color=theme.TEXT, halign="left", valign="middle", line_height=1.3,
                                 size_hint_x=0.5))
            row.children[0].bind(size=lambda label, size: setattr(label, "text_size", size))
            for sign, direction in (("－", -1), ("＋", 1)):
                button = KeyButton(text=sign, payload=f"{name}:{direction}", size_hint_x=0.25)
                button.bind(on_release=lambda b: controller.staff.adjust(*b.payload.split(":")))
                row.add_widget(button)
            grid.add_widget(row)
