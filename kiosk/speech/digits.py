"""Spoken digits -> digits, for identity, phone and case numbers said one by one.

Older residents say 幺 for one and 两 for two, and often 洞 for zero when reading numbers;
the recogniser writes Arabic digits or characters, with or without spaces. Anything that is
not a digit word (fillers, 嗯, 是) is dropped.
"""

from __future__ import annotations

from common.numbers import DIGIT_WORDS, normalise_digits

# Words a resident may say on the keypad screen for its buttons.
CONFIRM_WORDS = ("确认", "对", "对的", "是", "是的", "没错", "好")
DELETE_WORDS = ("删除", "删掉", "退格")
CLEAR_WORDS = ("清空", "重来", "重新输")


def spoken_to_digits(text: str) -> str:
    return normalise_digits(text)


def grammar_words() -> list:
    """Every word the digits recogniser should accept."""
    return sorted(set(DIGIT_WORDS) | set(CONFIRM_WORDS) | set(DELETE_WORDS) | set(CLEAR_WORDS))
