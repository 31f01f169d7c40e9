"""Drive the real Kivy window under Xvfb: pump its event loop, tap widgets with real touch
events, wait on conditions (never fixed sleeps), and save what the window shows."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Type, TypeVar

W = TypeVar("W")


class Xvfb:
    """A private X display at the reference resolution; stopped by the fixture that made it."""

    def __init__(self, width: int = 1920, height: int = 1080) -> None:
        if shutil.which("Xvfb") is None:
            raise RuntimeError("Xvfb is missing: make setup installs the Debian package xvfb")
        read_end, write_end = os.pipe()
        self.process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24",
             "-nolisten", "tcp", "-noreset"],
            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(write_end)
        with os.fdopen(read_end) as reader:
            number = reader.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not report a display number")
        self.display = f":{number}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class UiDriver:
    def __init__(self, app) -> None:
        from kivy.base import EventLoop

        self.app = app
        self.loop = EventLoop

    @property
    def window(self):
        return self.loop.window

    def pump(self, frames: int = 3) -> None:
        for _ in range(frames):
            self.loop.idle()

    def wait_until(self, condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.loop.idle()
            if condition():
                self.pump()
                return
        raise AssertionError(f"timed out waiting for {what or condition}")

    def settle(self, frames: int = 30) -> None:
        """Let layouts, textures and kv bindings finish (each can trigger the next frame's)."""
        self.pump(frames)

    def tap(self, widget) -> None:
        """A real touch down/up at the widget's centre, hit-tested by the window."""
        from kivy.tests.common import UnitTestTouch

        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.pump(2)
        touch.touch_up()
        self.pump(3)

    def screenshot(self, path: Path) -> Path:
        """What the resident sees, as a PNG (Kivy adds a counter; we rename it)."""
        self.settle()
        saved = Path(self.window.screenshot(name=str(path)))
        saved.replace(path)
        return path

    @property
    def screen(self):
        return self.app.root.ids.screens.current_screen

    def current(self) -> str:
        return self.app.root.ids.screens.current

    def find_button(self, kinds, text):
        """The first visible button of one of these kinds with this text (any, when text is None)."""
        found = [w for w in walk(self.app.root) if isinstance(w, kinds) and visible(w) and not w.disabled
                 and (text is None or w.text == text)]
        return found[0] if found else None


def walk(widget) -> Iterator:
    yield widget
    for child in widget.children:
        yield from walk(child)


def visible(widget) -> bool:
    """Shown on screen (no transparent ancestor). A widget squeezed to nothing still counts
    as shown: its text would be lost, and the checks must say so."""
    node = widget
    while node is not None:
        if getattr(node, "opacity", 1) <= 0.01:
            return False
        node = node.parent if node.parent is not node else None
    return True


def find(root, kind: Type[W], text: Optional[str] = None) -> List[W]:
    return [w for w in walk(root) if isinstance(w, kind) and visible(w)
            and (text is None or getattr(w, "text", None) == text)]


def find_one(root, kind: Type[W], text: Optional[str] = None) -> W:
    found = find(root, kind, text)
    assert found, f"no visible {kind.__name__} with text {text!r}"
    return found[0]
