"""Masked forms of identity and phone numbers, for screens, speech, logs and stored data.

One place decides what may be shown, so the screen, the voice and the log file can never
disagree about how much of a number is visible: an identity number keeps its first and last
four (3607 ********** 1226), a phone number its first three and last four (138 **** 5678),
a number said in words its last four as said (*******五六七八). What counts as a number, in
any of the ways residents and machines write one, is decided by `common.number_finder`.

Logging is masked after formatting (`RedactingFormatter`): a traceback or a stack dump can
carry a whole tracker with full numbers in it, and those never pass through `getMessage()`.
"""

from __future__ import annotations

import logging
import re
from typing import Any, List, Optional

from common import number_finder, numbers
from common.number_finder import FoundNumber

_NON_DIGITS = re.compile(r"[^0-9]")
_PREFIX_SEPARATOR = re.compile(r"(?:[\s\-\u2010-\u2015\u2212\uff0d.\uff0e+]|%20)+\Z")  # "0086-" -> "0086"


def mask_id_number(number: str) -> str:
    """'360702195003121234' -> '3607 ********** 1234': the area and the last four only."""
    return _masked_id(number_finder.identity_number(number) or number.strip().upper())


def _masked_id(number: str) -> str:
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:4]} {'*' * (len(number) - 8)} {number[-4:]}"


def mask_phone(number: str) -> str:
    """'13812345678' (or '+86 138-1234-5678') -> '138 **** 5678'."""
    return _masked_phone(number_finder.phone_number(number) or _NON_DIGITS.sub("", numbers.normalise_digits(number)))


def _masked_phone(digits: str) -> str:
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]} {'*' * (len(digits) - 7)} {digits[-4:]}"


def last_four(number: str) -> str:
    """The last four characters of the number proper ("尾号1234"), however it was written."""
    canonical = number_finder.phone_number(number) or number_finder.identity_number(number)
    return (canonical or number.strip())[-4:]


def _masked(text: str, found: FoundNumber) -> str:
    if found.spoken or found.kind is number_finder.NumberKind.SPOKEN:
        # Said in words: nothing but the last four as said, so a read-back stays natural.
        return "*" * max(len(found.number) - 4, 0) + found.tail
    if found.kind is number_finder.NumberKind.IDENTITY:
        return _masked_id(found.number)
    prefix = text[found.start:found.body_start]  # "+86 " as written, or nothing
    return (_PREFIX_SEPARATOR.sub("", prefix) + " " if prefix else "") + _masked_phone(found.number)


def redact(text: str) -> str:
    """Mask every identity, mobile or long spoken number inside free text (logs, transcripts,
    tracker events), in every format `common.number_finder` reads; case numbers, amounts, dates,
    times and short numbers stay exactly as they were."""
    found = number_finder.find_numbers(text)
    if not found:
        return text
    pieces: List[str] = []
    last = 0
    for number in found:
        pieces.append(text[last:number.start])
        pieces.append(_masked(text, number))
        last = number.end
    pieces.append(text[last:])
    return "".join(pieces)


def redact_data(data: Any) -> Any:
    """A JSON-like value with every number in it masked: strings, dict keys, and integers too
    (a phone number stored as an int is still a phone number). Structure, floats (confidences,
    timestamps: never a number anybody dials) and any value that holds no number are kept as
    they were, so Rasa reads the stored events back unchanged."""
    if isinstance(data, str):
        return redact(data)
    if isinstance(data, dict):
        return {redact_data(key): redact_data(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(redact_data(value) for value in data)
    if isinstance(data, int) and not isinstance(data, bool):
        written = str(data)
        masked = redact(written)
        return data if masked == written else masked
    return data


class RedactingFilter(logging.Filter):
    """A logging filter that masks the message, and any traceback or stack text, of a record
    before a handler sees it. Prefer `RedactingFormatter`, which masks the formatted line
    itself; this filter stays for handlers whose formatter is not ours."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
            unformattable = False
        except Exception:  # a bad format string: the handler's error report prints msg and args
            message, unformattable = f"{record.msg} {record.args!r}", True
        masked = redact(message)
        if masked != message or unformattable:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """A formatter whose every line is masked after formatting: message, traceback, stack and
    anything a format string pulls in (`%(pathname)s`, extras).

    `inner` wraps an existing formatter (Rasa's or coloredlogs') instead of formatting itself.
    The traceback text a formatter caches on the record is masked too, so a second handler
    reusing that cache never sees the full number either.
    """

    def __init__(self, *args: Any, inner: Optional[logging.Formatter] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record) if self.inner is not None else super().format(record)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return redact(text)

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's name
        return redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return redact(super().formatStack(stack_info))
