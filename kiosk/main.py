"""`python main.py kiosk`: the Kivy window."""

from __future__ import annotations

from config import get_settings
from kiosk.environment import prepare
from runtime.logs import setup_logging


def run_kiosk() -> int:
    settings = get_settings()
    setup_logging(settings, "kiosk")
    prepare(settings)
    from kiosk.app import KioskApp

    KioskApp(settings).run()
    return 0
