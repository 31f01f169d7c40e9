"""The GA/T 467 reader protocol (SAM module, UART): frames, commands and status codes.

Pure bytes in, values out, no I/O: the serial driver, the simulator and the tests all share
this one description of the wire, so the simulator cannot drift from what the driver expects.

A frame, both ways:

    AA AA AA 96 69 | LEN_HI LEN_LO | body ... | CHK

`LEN` (big-endian) counts every byte after itself, checksum included; the checksum is the XOR
of the length bytes and the body. A request's body is CMD PARA DATA; a reply's body is
SW1 SW2 SW3 DATA, where SW3 is the reader's own status (0x90 success, 0x9F card found, ...).

What a read reply's data holds (the card's text fields) is `card_fields`' business.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import reduce
from typing import Dict, List, Optional

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_LENGTH = len(PREAMBLE) + 2
# Longest body a reader sends: base text (256), photo (1024) and fingerprints (2 x 512) with
# their lengths.
MAX_LENGTH = 3 + 6 + 256 + 1024 + 1024 + 1


# -- errors -------------------------------------------------------------------------------------
# None of these messages ever holds card text: they name fields and codes only.

class CardProtocolError(Exception):
    """Anything that went wrong between the kiosk and the card, short of the port itself."""


class FrameError(CardProtocolError):
    """Bytes that are not a well-formed frame (preamble, length, or shape of the data)."""


class ChecksumError(FrameError):
    """A frame whose XOR checksum does not match: corrupted on the wire."""


class CardDataError(CardProtocolError):
    """A well-formed reply whose base text does not decode into a resident's card."""


class UnsupportedCard(CardDataError):
    """A card of another kind on the reader (a foreigner's permanent residence card)."""


class CardLifted(CardProtocolError):
    """The card left the reader between finding it and reading it."""


class Status(enum.IntEnum):
    """SW3: the reader's own status byte in every reply."""

    SUCCESS = 0x90
    FIND_SUCCESS = 0x9F
    CHECKSUM_ERROR = 0x10  # the reader received our request corrupted
    LENGTH_ERROR = 0x11
    COMMAND_ERROR = 0x21
    UNAUTHORISED_OPERATION = 0x23
    UNKNOWN_ERROR = 0x24
    CARD_AUTH_FAILED = 0x31  # the card did not accept the reader
    READER_AUTH_FAILED = 0x32  # the reader did not accept the card (not a genuine card)
    VERIFY_FAILED = 0x33
    WRONG_CARD = 0x40
    READ_FAILED = 0x41
    RANDOM_FAILED = 0x47
    SELF_TEST_FAILED = 0x60
    NOT_AUTHORISED = 0x66
    FIND_FAILED = 0x80  # no card on the reader
    SELECT_FAILED = 0x81
    NO_CONTENT = 0x91


STATUS_TEXT: Dict[int, str] = {
    Status.SUCCESS: "success",
    Status.FIND_SUCCESS: "card found",
    Status.CHECKSUM_ERROR: "the reader received a request with a bad checksum",
    Status.LENGTH_ERROR: "the reader received a request with a bad length",
    Status.COMMAND_ERROR: "the reader rejected the command",
    Status.UNAUTHORISED_OPERATION: "operation not permitted",
    Status.UNKNOWN_ERROR: "unrecognised error in the reader",
    Status.CARD_AUTH_FAILED: "the card did not authenticate the reader",
    Status.READER_AUTH_FAILED: "the reader did not authenticate the card",
    Status.VERIFY_FAILED: "information verification failed",
    Status.WRONG_CARD: "not a resident ID card",
    Status.READ_FAILED: "reading the card failed",
    Status.RANDOM_FAILED: "getting a random challenge failed",
    Status.SELF_TEST_FAILED: "the reader's self-test failed",
    Status.NOT_AUTHORISED: "the reader is not authorised",
    Status.FIND_FAILED: "no card found",
    Status.SELECT_FAILED: "selecting the card failed",
    Status.NO_CONTENT: "the card holds no such item",
}


def describe_status(code: int) -> str:
    return f"0x{code:02X} ({STATUS_TEXT.get(code, 'unknown status')})"


class ReaderStatusError(CardProtocolError):
    """The reader answered, with a status other than the one the step needs."""

    def __init__(self, status: int, command: Optional[Command] = None) -> None:
        self.status = status
        self.command = command
        where = f" to {command.name}" if command is not None else ""
        super().__init__(f"reader status {describe_status(status)}{where}")


class Command(enum.Enum):
    """(CMD, PARA) pairs of the commands the kiosk uses."""

    RESET_SAM = (0x10, 0xFF)
    SAM_STATUS = (0x11, 0xFF)
    SAM_ID = (0x12, 0xFF)
    FIND_CARD = (0x20, 0x01)
    SELECT_CARD = (0x20, 0x02)
    READ_BASE = (0x30, 0x01)

    @property
    def code(self) -> int:
        return self.value[0]

    @property
    def parameter(self) -> int:
        return self.value[1]

    @classmethod
    def of(cls, code: int, parameter: int) -> Optional[Command]:
        for command in cls:
            if command.value == (code, parameter):
                return command
        return None


# -- frames -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    code: int
    parameter: int
    data: bytes = b""

    @property
    def command(self) -> Optional[Command]:
        return Command.of(self.code, self.parameter)


@dataclass(frozen=True, repr=False)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @property
    def status(self) -> int:
        return self.sw3

    def __repr__(self) -> str:  # the data of a read reply is card text: never shown
        return f"Response(status={describe_status(self.sw3)}, data={len(self.data)} bytes)"


def checksum(data: bytes) -> int:
    """XOR of every byte."""
    return reduce(lambda accumulated, byte: accumulated ^ byte, data, 0)


def _frame(body: bytes) -> bytes:
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([checksum(length + body)])


def build_request(command: Command, data: bytes = b"") -> bytes:
    return _frame(bytes([command.code, command.parameter]) + data)


def build_response(status: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return _frame(bytes([sw1, sw2, status]) + data)


def _body(frame: bytes, minimum: int) -> bytes:
    """The body of one complete frame, its preamble, length and checksum checked."""
    if not frame.startswith(PREAMBLE):
        raise FrameError("frame does not start with the preamble AA AA AA 96 69")
    if len(frame) < HEADER_LENGTH:
        raise FrameError("frame too short for its length field")
    length = int.from_bytes(frame[5:7], "big")
    if length != len(frame) - HEADER_LENGTH:
        raise FrameError(f"length field says {length} bytes, frame holds {len(frame) - HEADER_LENGTH}")
    if length < minimum + 1:
        raise FrameError(f"frame of {length} bytes is too short")
    if checksum(frame[5:-1]) != frame[-1]:
        raise ChecksumError(f"checksum 0x{frame[-1]:02X} does not match 0x{checksum(frame[5:-1]):02X}")
    return frame[HEADER_LENGTH:-1]


def parse_request(frame: bytes) -> Request:
    body = _body(frame, 2)
    return Request(body[0], body[1], body[2:])


def parse_response(frame: bytes) -> Response:
    body = _body(frame, 3)
    return Response(body[0], body[1], body[2], body[3:])


class FrameAssembler:
    """Cuts complete frames out of a byte stream that arrives in arbitrary pieces.

    Bytes before a preamble (line noise, the tail of a reply nobody waited for) are dropped,
    and so is a preamble whose length field cannot be right, so the stream always resynchronises
    on the next frame. Checksums are checked by the parser, not here.
    """

    def __init__(self, max_length: int = MAX_LENGTH) -> None:
        self.max_length = max_length
        self._buffer = bytearray()
        self.discarded = 0

    def feed(self, data: bytes) -> List[bytes]:
        self._buffer.extend(data)
        frames: List[bytes] = []
        while True:
            start = self._buffer.find(PREAMBLE)
            if start < 0:
                # Keep a tail that may be the start of a preamble split across pieces.
                keep = len(PREAMBLE) - 1
                self._drop(max(0, len(self._buffer) - keep))
                return frames
            self._drop(start)
            if len(self._buffer) < HEADER_LENGTH:
                return frames
            length = int.from_bytes(self._buffer[5:7], "big")
            if not 3 <= length <= self.max_length:
                self._drop(1)  # not a real frame start: look for the next preamble
                continue
            if len(self._buffer) < HEADER_LENGTH + length:
                return frames
            frames.append(bytes(self._buffer[:HEADER_LENGTH + length]))
            self._buffer = self._buffer[HEADER_LENGTH + length:]

    def clear(self) -> None:
        self._buffer.clear()

    def _drop(self, count: int) -> None:
        if count:
            self.discarded += count
            del self._buffer[:count]


def expect(response: Response, command: Command, *statuses: int) -> Response:
    """The response itself when its status is one of `statuses`, else ReaderStatusError."""
    if response.status not in statuses:
        raise ReaderStatusError(response.status, command)
    return response
