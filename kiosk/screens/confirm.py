"""Confirmation before anything is submitted: what was understood, read back in large type,
and two big buttons, 是的 and 不对，我要改, each with a pictogram as well as words."""

from __future__ import annotations

from kivy.app import App
from kivy.uix.screenmanager import Screen

from kiosk import theme
from kiosk.widgets.buttons import ChoiceButton

LOOKS = [("yes", theme.CONFIRM), ("no", theme.NO)]


class ConfirmScreen(Screen):
    def on_kv_post(self, base_widget) -> None:
        App.get_running_app().state.bind(choices=self._show_choices)

    def _show_choices(self, _state, choices) -> None:
        row = self.ids.answers
        row.clear_widgets()
        controller = App.get_running_app().controller
        for (title, payload), (icon, colour) in zip(choices[:2], LOOKS, strict=False):
            button = ChoiceButton(text=title, payload=payload, icon=f"assets/icons/{icon}.png",
                                  colour=list(colour), side_by_side=True, icon_size=100)
            button.bind(on_release=lambda b: controller.choose(b.payload, b.text))
            row.add_widget(button)
