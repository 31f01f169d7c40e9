"""The GA/T 467 frames, byte for byte, with no port involved."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from common.names import mask_name
from kiosk.devices import card_fields
from kiosk.devices import card_protocol as protocol
from kiosk.devices.card_protocol import (
    ChecksumError,
    Command,
    FrameAssembler,
    FrameError,
    ReaderStatusError,
    Status,
)
from kiosk.devices.id_card import IdCard

CARD = IdCard(
    name="张桂英", sex="女", nation="汉", birth_date=date(1950, 3, 12),
    address="江西省赣州市章贡区文明大道18号3栋201室", id_number="360702195003121226",
    authority="赣州市公安局章贡分局", valid_from=date(2011, 4, 13), valid_until=None,
)


def frame(hex_text: str) -> bytes:
    return bytes.fromhex(hex_text)


# -- frames -------------------------------------------------------------------------------------

@pytest.mark.parametrize("command, expected", [
    (Command.FIND_CARD, "AA AA AA 96 69 00 03 20 01 22"),
    (Command.SELECT_CARD, "AA AA AA 96 69 00 03 20 02 21"),
    (Command.READ_BASE, "AA AA AA 96 69 00 03 30 01 32"),
    (Command.SAM_STATUS, "AA AA AA 96 69 00 03 11 FF ED"),
])
def test_requests_are_the_published_bytes(command, expected):
    assert protocol.build_request(command) == frame(expected)
    assert protocol.parse_request(frame(expected)).command is command


@pytest.mark.parametrize("reply, status, data_length", [
    ("AA AA AA 96 69 00 04 00 00 41 45", Status.READ_FAILED, 0),  # read failed
    ("AA AA AA 96 69 00 04 00 00 80 84", Status.FIND_FAILED, 0),  # no card
    ("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97", Status.FIND_SUCCESS, 4),  # card found, IIN
    ("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C", Status.SUCCESS, 8),  # selected
])
def test_replies_parse(reply, status, data_length):
    response = protocol.parse_response(frame(reply))
    assert response.status == status and len(response.data) == data_length


def test_a_built_reply_parses_back():
    data = bytes(range(200))
    response = protocol.parse_response(protocol.build_response(Status.SUCCESS, data, sw1=0x62, sw2=0x83))
    assert (response.sw1, response.sw2, response.sw3, response.data) == (0x62, 0x83, 0x90, data)


def test_a_wrong_checksum_is_refused():
    good = protocol.build_response(Status.FIND_FAILED)
    with pytest.raises(ChecksumError):
        protocol.parse_response(good[:-1] + bytes([good[-1] ^ 1]))
    flipped = bytearray(good)
    flipped[9] ^= 0x01  # a data bit flipped on the wire
    with pytest.raises(ChecksumError):
        protocol.parse_response(bytes(flipped))


@pytest.mark.parametrize("bad", [
    "AA AA AA 96 68 00 04 00 00 80 84",  # preamble
    "AA AA AA 96 69 00 05 00 00 80 84",  # length says one byte more
    "AA AA AA 96 69 00 02 00 02",  # too short to hold a status
    "AA AA AA 96",
])
def test_malformed_frames_are_refused(bad):
    with pytest.raises(FrameError):
        protocol.parse_response(frame(bad))


def test_status_errors_carry_the_code_and_say_it():
    error = ReaderStatusError(0x41, Command.READ_BASE)
    assert error.status == 0x41 and error.command is Command.READ_BASE
    assert "0x41" in str(error) and "READ_BASE" in str(error)
    response = protocol.parse_response(frame("AA AA AA 96 69 00 04 00 00 41 45"))
    with pytest.raises(ReaderStatusError) as raised:
        protocol.expect(response, Command.READ_BASE, Status.SUCCESS)
    assert raised.value.status == Status.READ_FAILED
    assert protocol.expect(response, Command.READ_BASE, Status.READ_FAILED) is response


def test_assembler_cuts_frames_from_any_pieces():
    one = protocol.build_response(Status.FIND_SUCCESS, bytes(4))
    two = protocol.build_response(Status.SUCCESS, protocol.PREAMBLE * 3 + b"\x00\x10" + bytes(50))
    stream = b"\x00\xff noise \xaa\xaa" + one + two
    assembler = FrameAssembler()
    frames = [found for byte in stream for found in assembler.feed(bytes([byte]))]
    assert frames == [one, two]
    assert FrameAssembler().feed(stream) == [one, two]


def test_assembler_resyncs_after_an_impossible_length():
    good = protocol.build_response(Status.FIND_FAILED)
    bogus = protocol.PREAMBLE + b"\xff\xff" + b"\x01\x02"
    assembler = FrameAssembler()
    assert assembler.feed(bogus + good) == [good]
    assert assembler.discarded >= len(bogus)


def test_assembler_waits_for_the_rest_of_a_frame():
    reply = protocol.build_response(Status.SUCCESS, bytes(300))
    assembler = FrameAssembler()
    assert assembler.feed(reply[:150]) == []
    assert assembler.feed(reply[150:]) == [reply]


# -- the card value -----------------------------------------------------------------------------

def test_the_card_never_shows_its_text():
    shown = [repr(CARD), str(CARD), f"{CARD}", f"{CARD!r}", repr([CARD]), repr({"card": CARD})]
    for text in shown:
        for secret in (CARD.id_number, CARD.name, CARD.address, "19500312", "1950-03-12"):
            assert secret not in text
        assert "张*英" in text and "3607 ********** 1226" in text
    response = protocol.parse_response(protocol.build_response(
        Status.SUCCESS, card_fields.build_base_info(card_fields.encode_base_text(CARD))))
    assert "张" not in repr(response) and "bytes" in repr(response)


def test_validity_days():
    dated = replace(CARD, valid_from=date(2004, 9, 20), valid_until=date(2024, 9, 20))
    assert dated.valid_on(date(2024, 9, 20)) and dated.valid_on(date(2004, 9, 20))
    assert not dated.valid_on(date(2024, 9, 21)) and not dated.valid_on(date(2004, 9, 19))
    assert CARD.valid_on(date(2090, 1, 1)) and CARD.lifelong and not dated.lifelong


@pytest.mark.parametrize("name, masked", [
    ("张桂英", "张*英"), ("王林", "王*"), ("欧阳秀英", "欧**英"), (" 李德明 ", "李*明"),
])
def test_masked_names(name, masked):
    assert mask_name(name) == masked
    assert replace(CARD, name=name.strip()).masked_name == masked
