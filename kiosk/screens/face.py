"""The face check: the resident sees themselves large (mirrored, as in a mirror) in a framed
picture, with the instruction above it in large words (also spoken), and the reply's choice
(请工作人员认证) below, always there. What it shows comes from kiosk/face_desk.py; leaving the
screen releases the camera."""

from __future__ import annotations

from kivy.app import App

from kiosk.screens.choice_row import ChoiceRowScreen


class FaceScreen(ChoiceRowScreen):
    most = 1  # the staff way: one big target

    def on_leave(self, *_args) -> None:
        App.get_running_app().controller.face.stop()
