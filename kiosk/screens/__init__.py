"""Screen registry: name -> class. The app fills its ScreenManager from this table."""

from __future__ import annotations

from typing import Dict, Type

from kivy.uix.screenmanager import Screen

from kiosk.screens.confirm import ConfirmScreen
from kiosk.screens.conversation import ConversationScreen
from kiosk.screens.face import FaceScreen
from kiosk.screens.home import HomeScreen
from kiosk.screens.keypad import KeypadScreen
from kiosk.screens.more import MoreScreen
from kiosk.screens.payment import PaymentScreen
from kiosk.screens.result import ResultScreen
from kiosk.screens.settings import SettingsScreen

SCREENS: Dict[str, Type[Screen]] = {
    "home": HomeScreen,
    "more": MoreScreen,
    "conversation": ConversationScreen,
    "keypad": KeypadScreen,
    "result": ResultScreen,
    "confirm": ConfirmScreen,
    "settings": SettingsScreen,
    "payment": PaymentScreen,  # a payment order's QR code (kiosk/payment_desk.py)
    "face": FaceScreen,  # the pension certification's face check (kiosk/face_desk.py)
}
