"""What may be shown of a number: one rule for screens, speech, logs and the fleet's database."""

from __future__ import annotations

import pytest

from common.masking import mask_id_number, mask_phone, redact
from runtime.tracker_store import redact_event


@pytest.mark.parametrize("text, hidden, kept", [
    ("身份证360702195003121226", "360702195003121226", "1226"),
    ('/inform{"phone_number": "13912345678"}', "13912345678", "5678"),
    ("电话是幺三九一二三四五六七八", "幺三九一二三四五六七八", "五六七八"),
    ("我的号码一三九一二三四五六七八谢谢", "一三九一二三四五六七八", "五六七八"),
])
def test_numbers_inside_text_are_masked(text, hidden, kept):
    masked = redact(text)
    assert hidden not in masked and kept in masked


@pytest.mark.parametrize("text", ["我今年七十八岁", "一二三", "楼道的灯坏了", "10月15日 3,215.60 元", "第12345号"])
def test_ordinary_words_and_short_numbers_stay(text):
    assert redact(text) == text


def test_masked_forms():
    assert mask_id_number("360702195003121226") == "3607 ********** 1226"
    assert mask_phone("13912345678") == "139 **** 5678"


def test_an_event_is_masked_everywhere_and_keeps_its_shape():
    event = {"event": "user", "timestamp": 1.5, "text": "13912345678",
             "parse_data": {"entities": [{"entity": "phone_number", "value": "13912345678", "start": 0}]},
             "metadata": {"kiosk": "kiosk-01"}}
    masked = redact_event(event)
    assert "13912345678" not in str(masked)
    assert masked["timestamp"] == 1.5 and masked["parse_data"]["entities"][0]["start"] == 0
    assert masked["metadata"] == {"kiosk": "kiosk-01"}
