"""Keypad for identity, phone and case numbers: big keys, grouped digits, 确认 only when valid."""

from __future__ import annotations

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import BooleanProperty
from kivy.uix.screenmanager import Screen

from kiosk import theme
from kiosk.widgets.buttons import KeyButton

KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "删除"]


class KeypadScreen(Screen):
    # The kiosk has a reader and the question is who the resident is: the card is asked for.
    card_invited = BooleanProperty(False)

    def on_kv_post(self, base_widget) -> None:
        app = App.get_running_app()
        for key in KEYS:
            button = KeyButton(text=key, payload=key)
            if key == "删除":
                button.colour = list(theme.NO)
                button.label_size = theme.TITLE
                button.bind(on_release=lambda _b: app.controller.keypad.delete())
            else:
                button.bind(on_release=lambda b: app.controller.keypad.key(b.payload))
            if key == "X":  # kept in its place (the keys never move), but only there for an ID number
                app.state.bind(entry_x=lambda _s, shown, b=button: self._show_x(b, shown))
                self._show_x(button, app.state.entry_x)
            self.ids.key_grid.add_widget(button)
        app.state.bind(choices=self._show_choices)

    @staticmethod
    def _show_x(button: KeyButton, shown: bool) -> None:
        button.disabled = not shown
        button.opacity = 1 if shown else 0

    def _show_choices(self, _state, choices) -> None:
        """Another way to answer, offered with the question (e.g. 用手机号查), as big buttons."""
        row = self.ids.extra
        row.clear_widgets()
        controller = App.get_running_app().controller
        for title, payload in choices[:2]:
            button = Factory.KeypadChoice(text=title, payload=payload)
            button.bind(on_release=lambda b: controller.choose(b.payload, b.text))
            row.add_widget(button)
