"""Conversation: the assistant's words large (the newest largest), the resident's below,
and the reply choices as big tiles."""

from __future__ import annotations

from kivy.app import App
from kivy.uix.screenmanager import Screen

from kiosk.widgets.buttons import ChoiceButton


class ConversationScreen(Screen):
    def on_kv_post(self, base_widget) -> None:
        App.get_running_app().state.bind(choices=self._show_choices)

    def _show_choices(self, _state, choices) -> None:
        grid = self.ids.choices
        grid.clear_widgets()
        grid.cols = 2 if len(choices) in (2, 4) else 3
        controller = App.get_running_app().controller
        for title, payload in choices:
            button = ChoiceButton(text=title, payload=payload)
            button.bind(on_release=lambda b: controller.choose(b.payload, b.text))
            grid.add_widget(button)
