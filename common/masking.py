"""Masked forms of identity and phone numbers, for screens, speech and logs.

One place decides what may be shown, so the screen, the voice and the log file can never
disagree about how much of a number is visible.
"""

from __future__ import annotations

import logging
import re

_ID_IN_TEXT = re.compile(r"(?<![\dA-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dA-Za-z])")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_DIGITS = re.compile(r"\D")
# A number said aloud and recognised as characters ("幺三八一二三四…"): any run this long is
# a phone or identity number, never ordinary speech.
_SPOKEN_DIGITS = re.compile(r"[零〇一幺二两三四五六七八九]{7,}")


def mask_id_number(number: str) -> str:
    """'360702195003121234' -> '3607 ********** 1234': the area and the last four only."""
    number = number.strip().upper()
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:4]} {'*' * (len(number) - 8)} {number[-4:]}"


def mask_phone(number: str) -> str:
    """'13812345678' -> '138 **** 5678'."""
    digits = _DIGITS.sub("", number)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]} {'*' * (len(digits) - 7)} {digits[-4:]}"


def last_four(number: str) -> str:
    return number.strip()[-4:]


def redact(text: str) -> str:
    """Mask every identity or mobile number found inside free text (logs, transcripts)."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _SPOKEN_DIGITS.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(0)[-4:], text)
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


class RedactingFilter(logging.Filter):
    """A logging filter that masks numbers before any handler writes a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install_log_redaction() -> None:
    """Attach the filter to every handler of the root logger (and future ones via the root)."""
    root = logging.getLogger()
    redacting = RedactingFilter()
    for handler in root.handlers:
        handler.addFilter(redacting)
    root.addFilter(redacting)
