"""The staff side of the controller: reaching the settings (five taps on the title, then the
PIN), changing them, saving them. Residents never need this; nothing here is on their path."""

from __future__ import annotations

import time
from typing import List, Optional

from kiosk.number_entry import STAFF_PIN, NumberEntry
from kiosk.staff import StaffSettings

TAPS_TO_OPEN = 5
TAP_WINDOW_SECONDS = 4.0
PIN_PROMPT = "工作人员设置：请输入密码。"
WRONG_PIN = "密码不对。"
LOCKED = "密码错误次数太多，请过几分钟再试。"
SAVED = "设置已保存。全屏锁定在重新启动后生效。"


class StaffControls:
    """Mixed into KioskController (which provides state, screens, session, entry, touched)."""

    staff: Optional[StaffSettings] = None
    _title_taps: List[float]

    def staff_tap(self) -> None:
        now = time.monotonic()
        self._title_taps = [t for t in getattr(self, "_title_taps", []) if now - t < TAP_WINDOW_SECONDS] + [now]
        if len(self._title_taps) >= TAPS_TO_OPEN and self.staff is not None:
            self._title_taps = []
            self.entry = NumberEntry(STAFF_PIN)
            self.state.entry_prompt, self.state.entry_hint_how = PIN_PROMPT, ""
            self._show_entry()
            self.screens.current = "keypad"

    def staff_login(self, pin: str) -> None:
        self.entry = None
        self.state.entry_display = ""
        if self.staff.locked or not self.staff.unlock(pin):
            message = LOCKED if self.staff.locked else WRONG_PIN
            self.state.entry_problem = message
            self._say_locally(message)
            self.entry = NumberEntry(STAFF_PIN)
            return
        self._show_staff_rows()
        settings = self.staff.settings
        self.state.staff_info = (f"本机编号：{settings.kiosk.kiosk_id}　　打印机：{settings.kiosk.printer.kind}\n"
                                 "本机编号和打印机在中心的配置文件里修改。")
        self.screens.current = "settings"

    def _show_staff_rows(self) -> None:
        self.state.staff_rows = [(name, choice.title, choice.show(choice.value))
                                 for name, choice in self.staff.choices.items()]

    def staff_adjust(self, name: str, direction: str) -> None:
        self.touched()
        self.staff.choices[name].step(int(direction))
        self._show_staff_rows()

    def staff_save(self) -> None:
        """Save, and apply at once what can be applied without a restart."""
        choices = self.staff.choices
        self.staff.save()
        self.text_scale_default = int(choices["text"].value)
        self.state.scale_index = self.text_scale_default
        self.state.font_scale = self.text_scales[self.text_scale_default]
        self.idle_seconds = choices["idle"].value
        speaker = self.session.speaker
        if hasattr(speaker, "default_rate"):
            speaker.default_rate = speaker.rate_cpm = choices["rate"].value
            speaker.default_volume = speaker.volume = choices["volume"].value
        self._say_locally(SAVED)
        self.screens.current = "home"

    def staff_test_print(self) -> None:
        self.last_result = {"title": "测试打印", "value": "12345", "note": "打印机工作正常"}
        self.print_receipt()
