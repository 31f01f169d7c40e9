"""What the resident has typed on the keypad, and whether it may be confirmed yet.

Pure logic, no widgets: the keypad screen shows `grouped`, enables 确认 on `is_valid`,
and reads back `masked`.
"""

from __future__ import annotations

from dataclasses import dataclass

from common import idnumber, number_finder, numbers
from common.kiosk_protocol import INPUT_CASE_NUMBER, INPUT_ID_NUMBER, INPUT_PHONE, INPUT_SMS_CODE
from common.masking import mask_id_number, mask_phone

STAFF_PIN = "staff_pin"  # the settings PIN: on the same keypad, never sent anywhere
LENGTHS = {INPUT_ID_NUMBER: 18, INPUT_PHONE: 11, INPUT_CASE_NUMBER: 16, INPUT_SMS_CODE: 6, STAFF_PIN: 8}
# replies that open the keypad
NUMBER_INPUTS = frozenset({INPUT_ID_NUMBER, INPUT_PHONE, INPUT_CASE_NUMBER, INPUT_SMS_CODE})
ENTITIES = {INPUT_ID_NUMBER: "id_number", INPUT_PHONE: "phone_number", INPUT_CASE_NUMBER: "case_number",
            INPUT_SMS_CODE: "sms_code"}
# Digit groups as printed on the card / as people say phone numbers.
GROUPS = {INPUT_ID_NUMBER: (6, 8, 4), INPUT_PHONE: (3, 4, 4), INPUT_CASE_NUMBER: (4, 4, 4, 4), INPUT_SMS_CODE: (3, 3)}


@dataclass
class NumberEntry:
    kind: str
    value: str = ""

    @property
    def max_length(self) -> int:
        return LENGTHS[self.kind]

    @classmethod
    def typed(cls, kind: str, text: str) -> NumberEntry:
        """An entry filled from typed or spoken text, however it is written (spaces, dashes,
        +86, full-width digits, digits said as words)."""
        entry = cls(kind)
        whole = number_finder.phone_number(text) if kind == INPUT_PHONE else None
        for key in whole or numbers.normalise_digits(text):
            if entry.press(key):
                break
        return entry

    def press(self, key: str) -> str:
        """Add a digit (or X, last on an identity number). Returns "" when accepted, else a
        plain sentence saying why not, for the screen and the voice."""
        key = key.upper()
        if len(self.value) >= self.max_length:
            return "号码已经输满了。要改，请按“删除”。"
        if key == "X" and not self.accepts_x:
            return "X 只能是身份证号的最后一位。"
        if not (key.isdigit() or key == "X"):
            return "请按数字键。"
        self.value += key
        return ""

    @property
    def hint(self) -> str:
        if self.kind == STAFF_PIN:
            return ""
        missing = self.max_length - len(self.value)
        return f"还差 {missing} 位。" if missing else ""

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
            return bool(numbers.PHONE.match(self.value))
        if self.kind == STAFF_PIN:
            return len(self.value) >= 4
        if self.kind == INPUT_CASE_NUMBER:  # its last digit checks the others: a slip is caught here
            return self.complete and numbers.is_valid_case_number(self.value)
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
        if self.kind == STAFF_PIN:
            return "●" * len(self.value)
        parts, start = [], 0
        for size in GROUPS[self.kind]:
            if start >= len(self.value):
                break
            parts.append(self.value[start:start + size])
            start += size
        return " ".join(parts)

    def payload(self) -> str:
        """What the kiosk sends to Rasa when the resident confirms the number."""
        return f'/inform{{"{ENTITIES[self.kind]}": "{self.value}"}}'

    def masked(self) -> str:
        if self.kind == INPUT_ID_NUMBER:
            return mask_id_number(self.value)
        if self.kind == INPUT_PHONE:
            return mask_phone(self.value)
        if self.kind == INPUT_SMS_CODE:  # a one-time secret: not for the transcript or a passer-by
            return "●" * len(self.value)
        return self.value
