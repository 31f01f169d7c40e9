"""The big keypad: what the resident types for a number the dialogue (or the staff PIN) asks
for, what the screen shows of it, and what happens on 确认.

The number is checked as it is typed (length, check digit, a phone's shape), so a mistyped
digit is caught here with a kind word, before anything is sent; once confirmed it goes to
the dialogue as a button payload and is shown, and read back, only masked.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Protocol

from common.kiosk_protocol import INPUT_ID_NUMBER
from kiosk.number_entry import STAFF_PIN, NumberEntry
from kiosk.speech import digits
from kiosk.voice_input import keypad_word


class KioskActions(Protocol):
    """What the keypad needs of the kiosk (kiosk.controller.KioskController)."""

    state: Any
    screens: Any

    def touched(self) -> None: ...

    def say_locally(self, text: str) -> None: ...

    def send_number(self, entry: NumberEntry) -> None: ...


class Keypad:
    def __init__(self, kiosk: KioskActions, staff_pin: Callable[[str], None]) -> None:
        self.kiosk = kiosk
        self.staff_pin = staff_pin  # a confirmed staff PIN goes here, never to the dialogue
        self.entry: Optional[NumberEntry] = None

    @property
    def showing(self) -> bool:
        return self.entry is not None and self.kiosk.screens.current == "keypad"

    def open(self, entry: NumberEntry, prompt: str, how: str = "") -> None:
        self.entry = entry
        state = self.kiosk.state
        state.entry_prompt, state.entry_hint_how = prompt, how
        self._show()
        self.kiosk.screens.current = "keypad"

    def close(self) -> None:
        self.entry = None
        self.kiosk.state.entry_display = ""

    def key(self, key: str) -> None:
        self.kiosk.touched()
        if self.entry is None:
            return
        refusal = self.entry.press(key)
        self._show()
        if refusal:
            self.kiosk.state.entry_problem = refusal
            self.kiosk.say_locally(refusal)

    def delete(self) -> None:
        self.kiosk.touched()
        if self.entry is not None:
            self.entry.delete()
            self._show()

    def clear(self) -> None:
        self.kiosk.touched()
        if self.entry is not None:
            self.entry.clear()
            self._show()

    def confirm(self) -> None:
        self.kiosk.touched()
        if self.entry is None or not self.entry.is_valid:
            return
        entry = self.entry
        self.close()
        if entry.kind == STAFF_PIN:
            self.staff_pin(entry.value)
        else:
            self.kiosk.send_number(entry)

    def words(self, said: str) -> None:
        """Words said on the keypad screen: 确认, 删除, 清空, or digits."""
        word = keypad_word(said)
        if word is not None:
            getattr(self, word)()
            return
        for key in digits.spoken_to_digits(said):
            self.key(key)
        if self.entry is not None and self.entry.is_valid:
            self.kiosk.say_locally(f"您输入的是{self.entry.masked()}。对的话，请说“确认”。")

    def _show(self) -> None:
        entry, state = self.entry, self.kiosk.state
        if entry is None:
            return
        state.entry_display = entry.grouped()
        state.entry_x = entry.kind == INPUT_ID_NUMBER  # only an identity number ends in X
        state.entry_ok = entry.is_valid
        state.entry_problem = entry.problem
        state.entry_hint = entry.hint
