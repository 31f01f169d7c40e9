"""The GA/T 467 reader protocol (SAM module, UART): frames, status codes and the card's base text.

Pure bytes in, values out, no I/O: the serial driver, the simulator and the tests all share
this one description of the wire, so the simulator cannot drift from what the driver expects.

A frame, both ways:

    AA AA AA 96 69 | LEN_HI LEN_LO | body ... | CHK

`LEN` (big-endian) counts every byte after itself, checksum included; the checksum is the XOR
of the length bytes and the body. A request's body is CMD PARA DATA; a reply's body is
SW1 SW2 SW3 DATA, where SW3 is the reader's own status (0x90 success, 0x9F card found, ...).

The base text of a card is 256 bytes of UCS-2 little-endian in fixed fields, padded with
spaces; the 1024-byte photo (WLT) that follows it is skipped, never decoded or kept.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Dict, List, Optional, Tuple

from common import idnumber
from kiosk.devices.id_card import IdCard

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_LENGTH = len(PREAMBLE) + 2
# Longest body a reader sends: base text, photo and fingerprints (2 x 512) with their lengths.
MAX_LENGTH = 3 + 6 + 256 + 1024 + 1024 + 1
TEXT_LENGTH = 256
PHOTO_LENGTH = 1024


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


# -- the card's base text -----------------------------------------------------------------------

# (field, bytes) in the order they sit in the 256 bytes.
TEXT_FIELDS: Tuple[Tuple[str, int], ...] = (
    ("name", 30), ("sex", 2), ("nation", 4), ("birth_date", 16), ("address", 70), ("id_number", 36),
    ("authority", 30), ("valid_from", 16), ("valid_until", 16), ("reserved", 36),
)
assert sum(width for _field, width in TEXT_FIELDS) == TEXT_LENGTH

LIFELONG = "长期"

# GB/T 2261.1 sex codes.
SEXES: Dict[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

# GB/T 3304 codes of China's 56 nationalities, as the card prints them (without 族), and the
# two codes beyond them.
NATIONS: Dict[str, str] = {f"{index:02d}": name for index, name in enumerate((
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜",
    "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳",
    "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
    "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
    "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
), start=1)}
NATIONS.update({"97": "其他", "98": "外国血统中国籍人士"})
assert len(NATIONS) == 58

# Byte offset of the card-type letter: blank on a resident ID card, "J" on a Hong Kong, Macao
# or Taiwan residents' residence permit (same layout), "I" on a foreigner's permanent
# residence card (another layout altogether).
_CARD_TYPE_OFFSET = 248
_NUMBER_SHAPE = re.compile(r"\d{17}[\dX]")


def split_base_info(data: bytes) -> bytes:
    """The 256-byte base text out of a READ_BASE reply's data; the photo is skipped unread.

    The data is: text length (2 bytes, big-endian), photo length (2), the text, the photo.
    """
    if len(data) < 4:
        raise FrameError("read reply too short for its text and photo lengths")
    text_length = int.from_bytes(data[0:2], "big")
    photo_length = int.from_bytes(data[2:4], "big")
    if text_length != TEXT_LENGTH:
        raise FrameError(f"base text of {text_length} bytes, expected {TEXT_LENGTH}")
    if len(data) < 4 + text_length + photo_length:
        raise FrameError("read reply shorter than its text and photo lengths say")
    return bytes(data[4:4 + text_length])


def _fields(text: bytes) -> Dict[str, str]:
    values: Dict[str, str] = {}
    offset = 0
    for field, width in TEXT_FIELDS:
        try:
            values[field] = text[offset:offset + width].decode("utf-16-le").rstrip(" \x00")
        except UnicodeDecodeError:
            raise CardDataError(f"card field {field} is not UCS-2 text") from None
        offset += width
    return values


def _date(value: str, field: str) -> date:
    try:
        if len(value) != 8 or not value.isdigit():
            raise ValueError
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise CardDataError(f"card field {field} is not a date (YYYYMMDD)") from None


def decode_base_text(text: bytes) -> IdCard:
    """The 256 bytes of base text as an IdCard; CardDataError when a field is not as specified."""
    if len(text) != TEXT_LENGTH:
        raise CardDataError(f"base text of {len(text)} bytes, expected {TEXT_LENGTH}")
    if text[_CARD_TYPE_OFFSET:_CARD_TYPE_OFFSET + 2] == "I".encode("utf-16-le"):
        raise UnsupportedCard("a foreigner's permanent residence card: not supported")
    values = _fields(text)
    if values["sex"] not in SEXES:
        raise CardDataError("card field sex holds an unknown code")
    if values["nation"] and values["nation"] not in NATIONS:
        raise CardDataError("card field nation holds an unknown code")
    number = values["id_number"].upper()
    if not _NUMBER_SHAPE.fullmatch(number) or not idnumber.is_valid(number):
        raise CardDataError("card field id_number is not a valid identity number")
    birth = _date(values["birth_date"], "birth_date")
    if idnumber.birth_date(number) != birth:
        raise CardDataError("card fields birth_date and id_number disagree")
    if not values["name"]:
        raise CardDataError("card field name is empty")
    valid_from = _date(values["valid_from"], "valid_from")
    until = None if values["valid_until"] == LIFELONG else _date(values["valid_until"], "valid_until")
    if until is not None and until < valid_from:
        raise CardDataError("card field valid_until is before valid_from")
    return IdCard(
        name=values["name"], sex=SEXES[values["sex"]], nation=NATIONS.get(values["nation"], ""),
        birth_date=birth, address=values["address"], id_number=number, authority=values["authority"],
        valid_from=valid_from, valid_until=until,
    )


def _code_of(table: Dict[str, str], word: str, field: str) -> str:
    for code, name in table.items():
        if name == word:
            return code
    raise ValueError(f"no {field} code for this card")


def encode_base_text(card: IdCard) -> bytes:
    """The 256 bytes a card holds for `card` (for the simulator and tests)."""
    values = {
        "name": card.name, "sex": _code_of(SEXES, card.sex, "sex"),
        "nation": _code_of(NATIONS, card.nation, "nation") if card.nation else "",
        "birth_date": f"{card.birth_date:%Y%m%d}", "address": card.address, "id_number": card.id_number,
        "authority": card.authority, "valid_from": f"{card.valid_from:%Y%m%d}",
        "valid_until": LIFELONG if card.valid_until is None else f"{card.valid_until:%Y%m%d}",
        "reserved": "",
    }
    out = bytearray()
    for field, width in TEXT_FIELDS:
        encoded = values[field].encode("utf-16-le")
        if len(encoded) > width:
            raise ValueError(f"card field {field} is longer than its {width} bytes")
        out += encoded + " ".encode("utf-16-le") * ((width - len(encoded)) // 2)
    return bytes(out)


def build_base_info(text: bytes, photo: bytes = bytes(PHOTO_LENGTH)) -> bytes:
    """A READ_BASE reply's data: the two lengths, the text, the photo."""
    return len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo
