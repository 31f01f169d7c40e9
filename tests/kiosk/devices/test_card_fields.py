"""The card's base text, byte for byte: the layout, every field's checks, the photo skipped."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kiosk.devices import card_fields
from kiosk.devices.card_protocol import CardDataError, FrameError, UnsupportedCard
from tests.kiosk.devices.test_card_protocol import CARD


def test_base_text_layout():
    text = card_fields.encode_base_text(CARD)
    assert len(text) == 256
    assert text[0:6] == "张桂英".encode("utf-16-le") and text[6:30] == "\x20\x00".encode("latin-1") * 12
    assert text[30:32] == b"2\x00"  # sex: 2 女
    assert text[32:36] == "01".encode("utf-16-le")  # nation: 01 汉
    assert text[36:52] == "19500312".encode("utf-16-le")
    assert text[122:158] == CARD.id_number.encode("utf-16-le")
    assert text[188:204] == "20110413".encode("utf-16-le")
    assert text[204:208] == "长期".encode("utf-16-le") == bytes.fromhex("7F 95 1F 67")
    assert card_fields.decode_base_text(text) == CARD


def test_a_dated_card_and_a_two_character_name_round_trip():
    card = replace(CARD, name="王林", sex="男", id_number="360702195003121314", nation="畲",
                   valid_from=date(2004, 9, 20), valid_until=date(2024, 9, 20))
    assert card_fields.decode_base_text(card_fields.encode_base_text(card)) == card


def test_the_photo_is_skipped():
    text = card_fields.encode_base_text(CARD)
    data = card_fields.build_base_info(text, bytes([0xAA]) * 1024)
    assert data[:4] == bytes.fromhex("01 00 04 00")
    assert card_fields.split_base_info(data) == text
    with pytest.raises(FrameError):
        card_fields.split_base_info(data[:-1])  # shorter than its photo length says
    with pytest.raises(FrameError):
        card_fields.split_base_info(b"\x00\x80\x04\x00" + data[4:])  # text of 128 bytes


def _with_field(field: str, value: str) -> bytes:
    text = bytearray(card_fields.encode_base_text(CARD))
    offset = 0
    for name, width in card_fields.TEXT_FIELDS:
        if name == field:
            encoded = value.encode("utf-16-le")
            text[offset:offset + width] = encoded + b" \x00" * ((width - len(encoded)) // 2)
            return bytes(text)
        offset += width
    raise KeyError(field)


@pytest.mark.parametrize("field, value", [
    ("sex", "3"), ("nation", "77"), ("id_number", "360702195003121227"),  # wrong check digit
    ("birth_date", "19500313"),  # disagrees with the number
    ("valid_from", "2011041"), ("valid_until", "20010101"),  # ends before it starts
    ("name", ""),
])
def test_fields_that_are_not_as_specified_are_refused_without_showing_them(field, value):
    with pytest.raises(CardDataError) as raised:
        card_fields.decode_base_text(_with_field(field, value))
    message = str(raised.value)
    assert field in message
    for secret in (CARD.name, CARD.id_number, CARD.address, value or "\x00"):
        assert secret not in message


def test_a_foreigners_card_is_recognised_as_unsupported():
    text = bytearray(card_fields.encode_base_text(CARD))
    text[248:250] = "I".encode("utf-16-le")
    with pytest.raises(UnsupportedCard):
        card_fields.decode_base_text(bytes(text))


def test_surrogate_garbage_is_refused():
    text = bytearray(card_fields.encode_base_text(CARD))
    text[0:2] = b"\x00\xd8"  # a lone high surrogate: not UCS-2
    with pytest.raises(CardDataError):
        card_fields.decode_base_text(bytes(text))


def test_the_56_nationalities_and_the_sexes():
    nations = card_fields.NATIONS
    assert nations["01"] == "汉" and nations["22"] == "畲" and nations["56"] == "基诺"
    assert len({nations[f"{code:02d}"] for code in range(1, 57)}) == 56
    assert card_fields.SEXES["1"] == "男" and card_fields.SEXES["2"] == "女"


def test_a_field_too_long_for_the_card_cannot_be_encoded():
    with pytest.raises(ValueError):
        card_fields.encode_base_text(replace(CARD, address="很长的地址" * 8))
