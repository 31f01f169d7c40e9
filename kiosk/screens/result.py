"""Result: the amount, date or case number very large, the sentence below it, and the reply's
choices as big tiles (the same as the conversation's: a result may offer what comes next)."""

from __future__ import annotations

from kivy.app import App
from kivy.uix.screenmanager import Screen

from kiosk.screens.conversation import ConversationScreen


class ResultScreen(Screen):
    def on_kv_post(self, base_widget) -> None:
        App.get_running_app().state.bind(choices=self._show_choices)

    _show_choices = ConversationScreen._show_choices
