"""The staff side of the kiosk: reaching the settings (five taps on the title, then the PIN),
changing them, saving them. Residents never need this; nothing here is on their path."""

from __future__ import annotations

import time
from typing import Any, Callable, List, Protocol

from kiosk.number_entry import STAFF_PIN, NumberEntry
from kiosk.speech.speaker import Speaker
from kiosk.staff import StaffSettings

TAPS_TO_OPEN = 5
TAP_WINDOW_SECONDS = 4.0
PIN_PROMPT = "工作人员设置：请输入密码。"
WRONG_PIN = "密码不对。"
LOCKED = "密码错误次数太多，请过几分钟再试。"
SAVED = "设置已保存。全屏锁定在重新启动后生效。"
TEST_RECEIPT = {"title": "测试打印", "value": "12345", "note": "打印机工作正常"}


class KioskActions(Protocol):
    """What the panel does on the kiosk (kiosk.controller.KioskController)."""

    state: Any

    def touched(self) -> None: ...

    def say_locally(self, text: str) -> None: ...

    def open_keypad(self, entry: NumberEntry, prompt: str, how: str = "") -> None: ...

    def show(self, screen: str) -> None: ...

    def use_defaults(self, text_scale_index: int, idle_seconds: float) -> None: ...

    def print_result(self, result: dict) -> None: ...


class StaffPanel:
    def __init__(self, staff: StaffSettings, kiosk: KioskActions, speaker: Speaker,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.staff = staff
        self.kiosk = kiosk
        self.speaker = speaker
        self.clock = clock
        self._title_taps: List[float] = []

    def title_tapped(self) -> None:
        """Five taps within a few seconds open the PIN keypad."""
        now = self.clock()
        self._title_taps = [t for t in self._title_taps if now - t < TAP_WINDOW_SECONDS] + [now]
        if len(self._title_taps) >= TAPS_TO_OPEN:
            self._title_taps = []
            self.kiosk.open_keypad(NumberEntry(STAFF_PIN), PIN_PROMPT)

    def log_in(self, pin: str) -> None:
        state = self.kiosk.state
        if self.staff.locked or not self.staff.unlock(pin):
            message = LOCKED if self.staff.locked else WRONG_PIN
            self.kiosk.open_keypad(NumberEntry(STAFF_PIN), PIN_PROMPT)
            state.entry_problem = message
            self.kiosk.say_locally(message)
            return
        self._show_rows()
        settings = self.staff.settings
        state.staff_info = (f"本机编号：{settings.kiosk.kiosk_id}　　打印机：{settings.kiosk.printer.kind}\n"
                            "本机编号和打印机在中心的配置文件里修改。")
        self.kiosk.show("settings")

    def _show_rows(self) -> None:
        self.kiosk.state.staff_rows = [(name, choice.title, choice.show(choice.value))
                                       for name, choice in self.staff.choices.items()]

    def adjust(self, name: str, direction: str) -> None:
        self.kiosk.touched()
        self.staff.choices[name].step(int(direction))
        self._show_rows()

    def save(self) -> None:
        """Save, and apply at once what can be applied without a restart."""
        choices = self.staff.choices
        self.staff.save()
        self.kiosk.use_defaults(int(choices["text"].value), float(choices["idle"].value))
        self.speaker.default_rate = self.speaker.rate_cpm = int(choices["rate"].value)
        self.speaker.default_volume = self.speaker.volume = float(choices["volume"].value)
        self.kiosk.say_locally(SAVED)
        self.kiosk.show("home")

    def test_print(self) -> None:
        self.kiosk.print_result(dict(TEST_RECEIPT))
