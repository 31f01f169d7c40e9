"""The card's base text: 256 bytes of fixed fields, to an `IdCard` and back.

Why apart from the frames: `card_protocol` describes the wire (any reply, any command); this
module is what one reply, READ_BASE, carries. Its data is the text's and the photo's lengths,
then the base text: UCS-2 little-endian in fixed fields padded with spaces (name, sex and
nation codes, birth date, address, number, authority, validity). The 1024-byte photo (WLT)
that follows is skipped, never decoded or kept. Decoding checks every field, and its errors
name fields, never their values. The simulator and the tests encode with the same table.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Dict, Tuple

from common import idnumber
from kiosk.devices.card_protocol import CardDataError, FrameError, UnsupportedCard
from kiosk.devices.id_card import IdCard

TEXT_LENGTH = 256
PHOTO_LENGTH = 1024

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
