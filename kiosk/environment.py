"""Configure Kivy before it is imported: no argv parsing, no ~/.kivy, our window size.

Kivy reads its settings at import time, so every entry point (the kiosk, the tests, the
screenshot tool) calls `prepare` first.
"""

from __future__ import annotations

import os

from config import Settings
from config.settings import REPO_ROOT


def prepare(settings: Settings, fullscreen: bool | None = None) -> None:
    kivy_home = settings.data_dir / "kivy"
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_HOME", str(kivy_home))
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_AUDIO", "")  # the kiosk plays audio itself (sounddevice)
    from kivy.config import Config

    kiosk = settings.kiosk
    Config.set("graphics", "width", str(kiosk.window_width))
    Config.set("graphics", "height", str(kiosk.window_height))
    full = kiosk.fullscreen if fullscreen is None else fullscreen
    Config.set("graphics", "fullscreen", "auto" if full else "0")
    Config.set("graphics", "resizable", "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")  # taps only: no red multitouch dots
    from kivy.resources import resource_add_path

    resource_add_path(str(REPO_ROOT))
