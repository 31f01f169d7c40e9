"""The staff side of the kiosk: reaching the settings (five taps on the title, then the PIN),
changing them, saving them. Residents never need this; nothing here is on their path."""

from __future__ import annotations

import time
from typing import Any, Callable, List, Optional, Protocol

from kiosk.number_entry import STAFF_PIN, NumberEntry
from kiosk.speech import voice_choice
from kiosk.speech.packs import packs_root
from kiosk.speech.speaker import Speaker
from kiosk.staff import Choice, StaffSettings
from runtime.version import installed_version

STAY_OUT = "stay-out"  # in the data folder: the kiosk window's unit skips one start

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

    quit_app: Callable[[], None]


class StaffPanel:
    def __init__(self, staff: StaffSettings, kiosk: KioskActions, speaker: Speaker,
                 clock: Callable[[], float] = time.monotonic,
                 on_voice: Callable[[Optional[str]], None] = lambda pack_id: None) -> None:
        self.staff = staff
        self.kiosk = kiosk
        self.speaker = speaker
        self.clock = clock
        self.on_voice = on_voice  # the centre's default voice changed (kiosk.home_menu)
        self._title_taps: List[float] = []
        self._voice_row()

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
        self._voice_row()  # packs recorded on the console since the panel was last opened
        self._show_rows()
        settings = self.staff.settings
        state.staff_info = (f"本机编号：{settings.kiosk.kiosk_id}　　打印机：{settings.kiosk.printer.kind}　　"
                            f"版本：{installed_version()}\n本机编号和打印机在中心的配置文件里修改。")  # not spoken
        self.kiosk.show("settings")

    def _voice_row(self) -> None:
        """声音: synthesis or a usable recorded pack, as the voice every visit starts with."""
        packs = voice_choice.usable_packs(packs_root(self.staff.settings.data_dir))
        values = voice_choice.staff_values(packs)
        current = getattr(self.speaker, "default_pack", None)
        if current not in values:
            values.append(current)  # the configured one, shown as unusable rather than hidden
        self.staff.choices["voice"] = Choice(("speech", "voice_pack"), "声音", values,
                                             lambda value: voice_choice.staff_label(packs, value),
                                             values.index(current))

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
        self.on_voice(choices["voice"].value)
        self.kiosk.say_locally(SAVED)
        self.kiosk.show("home")

    def leave_for_maintenance(self) -> None:
        """退出到维护: the window closes and stays closed once, so a technician has the desktop
        (deploy/elder-kiosk-session.service skips one start while the file is there)."""
        path = self.staff.settings.data_dir / STAY_OUT
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("staff\n", encoding="utf-8")
        self.kiosk.quit_app()

    def test_print(self) -> None:
        self.kiosk.print_result(dict(TEST_RECEIPT))
