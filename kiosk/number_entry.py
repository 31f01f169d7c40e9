"""What the resident has typed on the keypad, and whether it may be confirmed yet.

Pure logic, no widgets: the keypad screen shows `grouped`, enables 确认 on `is_valid`,
and reads back `masked`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from common import idnumber
from common.kiosk_protocol import INPUT_CASE_NUMBER, INPUT_ID_NUMBER, INPUT_PHONE
from common.masking import mask_id_number, mask_phone

_PHONE = re.compile(r"^1[3-9]\d{9}$")
LENGTHS = {INPUT_ID_NUMBER: 18, INPUT_PHONE: 11, INPUT_CASE_NUMBER: 16}
# Digit groups as printed on the card / as people say phone numbers.
GROUPS = {INPUT_ID_NUMBER: (6, 8, 4), INPUT_PHONE: (3, 4, 4), INPUT_CASE_NUMBER: (4, 4, 4, 4)}


@dataclass
class NumberEntry:
    kind: str
    value: str = ""

    @property
    def max_length(self) -> int:
        return LENGTHS[self.kind]

    def press(self, key: str) -> bool:
        """A digit, or X as the last character of an identity number; False if refused."""
        key = key.upper()
        if len(self.value) >= self.max_length:
            return False
        if key.isdigit() or (key == "X" and self.kind == INPUT_ID_NUMBER and len(self.value) == 17):
            self.value += key
            return True
        return False

    def delete(self) -> None:
        self.value = self.value[:-1]

    def clear(self) -> None:
        self.value = ""

    @property
    def accepts_x(self) -> bool:
        return self.kind == INPUT_ID_NUMBER and len(self.value) == 17

    @property
    def complete(self) -> bool:
        return len(self.value) == self.max_length

    @property
    def is_valid(self) -> bool:
        if self.kind == INPUT_ID_NUMBER:
            return idnumber.is_valid(self.value)
        if self.kind == INPUT_PHONE:
            return bool(_PHONE.match(self.value))
        return self.complete

    @property
    def problem(self) -> str:
        """A plain sentence when a complete number is wrong; empty otherwise."""
        if not self.complete or self.is_valid:
            return ""
        if self.kind == INPUT_ID_NUMBER:
            return "这个号码好像不对。请您检查一下，按“删除”改一改。"
        return "这个号码好像不对。请您检查一下。"

    def grouped(self) -> str:
        parts, start = [], 0
        for size in GROUPS[self.kind]:
            if start >= len(self.value):
                break
            parts.append(self.value[start:start + size])
            start += size
        return " ".join(parts)

    def masked(self) -> str:
        if self.kind == INPUT_ID_NUMBER:
            return mask_id_number(self.value)
        if self.kind == INPUT_PHONE:
            return mask_phone(self.value)
        return self.value
