"""A screen whose reply choices stand in one row of big tiles under what it shows (the payment
screen's 我付好了/不交了, the face check's 请工作人员认证): one place that turns the dialogue's
choices into tiles, so that every such screen sends a tap the same way."""

from __future__ import annotations

from kivy.app import App
from kivy.uix.screenmanager import Screen

from kiosk.widgets.buttons import ChoiceButton


class ChoiceRowScreen(Screen):
    """Its kv rule names the row `choices`; `most` is how many choices the row has room for."""

    most = 3

    def on_kv_post(self, base_widget) -> None:
        App.get_running_app().state.bind(choices=self._show_choices)

    def _show_choices(self, _state, choices) -> None:
        row = self.ids.choices
        row.clear_widgets()
        controller = App.get_running_app().controller
        for title, payload in choices[:self.most]:
            button = ChoiceButton(text=title, payload=payload)
            button.bind(on_release=lambda b: controller.choose(b.payload, b.text))
            row.add_widget(button)
