"""Result: the amount, date or case number very large, the sentence below it."""

from __future__ import annotations

from kivy.uix.screenmanager import Screen


class ResultScreen(Screen):
    pass
