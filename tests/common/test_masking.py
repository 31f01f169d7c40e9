"""What may be shown of a number: one rule for screens, speech, logs and the fleet's database."""

from __future__ import annotations

import io
import logging
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common import masking, number_finder, numbers
from common.masking import (
    RedactingFilter,
    RedactingFormatter,
    last_four,
    mask_id_number,
    mask_phone,
    redact,
    redact_data,
)
from tests.common.test_number_finder import filler, first_generation_numbers, identity_numbers, phone_numbers, rendered

ID_18 = "360702195003121226"


@pytest.mark.parametrize("text, hidden, kept", [
    ("身份证360702195003121226", "360702195003121226", "1226"),
    ('/inform{"phone_number": "13912345678"}', "13912345678", "5678"),
    ("电话是幺三九一二三四五六七八", "幺三九一二三四五六七八", "五六七八"),
    ("我的号码一三九一二三四五六七八谢谢", "一三九一二三四五六七八", "五六七八"),
])
def test_numbers_inside_text_are_masked(text, hidden, kept):
    masked = redact(text)
    assert hidden not in masked and kept in masked


@pytest.mark.parametrize("text, masked", [
    ("电话 138 0797 1234", "电话 138 **** 1234"),
    ("电话 138-0797-1234。", "电话 138 **** 1234。"),
    ("电话 138.0797.1234", "电话 138 **** 1234"),
    ("+8613807971234", "+86 138 **** 1234"),
    ("+86 138 0797 1234", "+86 138 **** 1234"),
    ("0086-138-0797-1234", "0086 138 **** 1234"),
    ("１３８０７９７１２３４", "138 **** 1234"),
    ("phone=13807971234&kiosk=kiosk-01", "phone=138 **** 1234&kiosk=kiosk-01"),
    ("GET /v1/hotline/cases?phone=138%200797%201234", "GET /v1/hotline/cases?phone=138 **** 1234"),
    ("3607 0219 5003 1212 26", "3607 ********** 1226"),
    ("360702-19500312-1226", "3607 ********** 1226"),
    ("36073119481102215x", "3607 ********** 215X"),
    ("身份证 ３６０７０２１９５００３１２１２２６", "身份证 3607 ********** 1226"),
    ("老身份证 360702500312122", "老身份证 3607 ******* 2122"),
    ("号码 三 六 零 七 零 二 幺 九 五 零 零 三 一 二 一 二 二 六", "号码 **************一二二六"),
    ("幺三八洞七九七幺二三四", "*******幺二三四"),
    ("幺三八 0797 1234", "*******1234"),
    ('{"text": "\\u5e7a\\u4e09\\u516b\\u6d1e\\u4e03\\u4e5d\\u4e03\\u5e7a\\u4e8c\\u4e09\\u56db"}',
     '{"text": "*******\\u5e7a\\u4e8c\\u4e09\\u56db"}'),
    ("幺三八零七九七幺二三", "******七幺二三"),  # a digit lost by the recogniser: still private
    ("13807971234 12345", "138 **** 1234 12345"),
    ("3215.60 13807971234", "3215.60 138 **** 1234"),  # a number after an amount is still a number
    ("电话13807971234，2026-11-15 办件2026092600000001", "电话138 **** 1234，2026-11-15 办件2026092600000001"),
])
def test_every_common_format_is_masked_with_the_usual_visible_parts(text, masked):
    assert redact(text) == masked


@pytest.mark.parametrize("text", [
    "我今年七十八岁", "一二三", "楼道的灯坏了", "10月15日 3,215.60 元", "第12345号", "12345", "拨打12345热线",
    "2026", "2026年", "2026-11-15", "2026/11/15", "2026.11.15", "2026年11月15日", "11月15日", "13:45", "13:45:07",
    "2026-11-15 13:45:07,123 INFO rasa.core.processor: ok", "2026092600000001", "2026 0926 0000 0001",
    "2026-0926-0000-0001", "二零二六零九二六零零零零零零零一", "二 零 二 六 零 九 二 六 零 零 零 零 零 零 零 一",
    "0797-8123456", "0.93", '{"confidence": 0.28418006294558906, "timestamp": 1731234567.1234567}',
    "0.13 0.80 0.79 0.71", "[1, 3, 8, 0, 7, 9, 7, 1, 2, 3, 4]", "192.168.130.79", "3.10.13", "138 元",
    "养老金 1,215.60 元，上个月 1,180.00 元", "1731234567123", "3f2a9c7d1e8b4a6f9d0c2b1a3e4f5d6c",
])
def test_ordinary_words_and_short_numbers_stay(text):
    assert redact(text) == text


def test_masked_forms():
    assert mask_id_number("360702195003121226") == "3607 ********** 1226"
    assert mask_id_number("3607 0219 5003 1212 2x") == "3607 ********** 122X"
    assert mask_id_number("360702500312122") == "3607 ******* 2122"
    assert mask_phone("13912345678") == "139 **** 5678"
    assert mask_phone("+86 139-1234-5678") == "139 **** 5678"
    assert mask_phone("１３９１２３４５６７８") == "139 **** 5678"
    assert last_four("13912345678") == "5678" and last_four("+86 139 1234 5678 ") == "5678"
    assert last_four("3607 0219 5003 1212 2x") == "122X"


def test_the_dead_installer_is_gone():
    assert not hasattr(masking, "install_log_redaction")


def test_an_event_is_masked_everywhere_and_keeps_its_shape():
    # What the tracker store writes (nlu/stores/tracker_store.py masks every event with redact_data).
    event = {"event": "user", "timestamp": 1.5, "text": "13912345678",
             "parse_data": {"entities": [{"entity": "phone_number", "value": "13912345678", "start": 0}],
                            "intent_ranking": [{"name": "inform", "confidence": 0.542802501203444}]},
             "metadata": {"kiosk": "kiosk-01"}}
    masked = redact_data(event)
    assert "13912345678" not in str(masked)
    assert masked["timestamp"] == 1.5 and masked["parse_data"]["entities"][0]["start"] == 0
    assert masked["metadata"] == {"kiosk": "kiosk-01"}
    assert masked["parse_data"]["intent_ranking"] == event["parse_data"]["intent_ranking"]


def test_redact_data_masks_numbers_that_are_not_strings():
    data = {"phone_number": 13912345678, "slots": [ID_18, ("138 0797 1234", 3)], "13912345678": True,
            "timestamp": 1731234567.25, "confirmed": True, "count": 3, "nothing": None, "score": 13912345678.0}
    masked = redact_data(data)
    assert "13912345678" not in str(masked["phone_number"]) and ID_18 not in str(masked) and "0797" not in str(masked)
    assert masked["phone_number"] == "139 **** 5678" and masked["slots"][1] == ("138 **** 1234", 3)
    assert masked["timestamp"] == 1731234567.25 and masked["confirmed"] is True and masked["count"] == 3
    assert masked["nothing"] is None and masked["139 **** 5678"] is True
    assert masked["score"] == 13912345678.0  # floats are confidences and timestamps: Rasa reads them back


# --- logging -------------------------------------------------------------------------------

def _logger(name: str, *handlers: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(f"tests.masking.{name}")
    logger.handlers[:] = list(handlers)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger


def _fail(tracker: dict) -> None:
    raise RuntimeError(f"action server answered 500 for tracker {tracker}")


def test_a_logged_traceback_is_masked_by_the_formatter():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    logger = _logger("formatter", handler)
    try:
        _fail({"id_number": ID_18, "phone_number": "+86 138 0797 1234", "text": "幺三八洞七九七幺二三四"})
    except RuntimeError:
        logger.exception("validate_identity_form failed for %s", "13912345678")
    out = stream.getvalue()
    assert "Traceback (most recent call last)" in out and "RuntimeError" in out
    for full in (ID_18, "138 0797 1234", "13912345678", "幺三八洞七九七"):
        assert full not in out
    assert "3607 ********** 1226" in out and "+86 138 **** 1234" in out and "139 **** 5678" in out


def test_a_second_handler_reusing_the_cached_traceback_sees_it_masked():
    masked_stream, plain_stream = io.StringIO(), io.StringIO()
    first, second = logging.StreamHandler(masked_stream), logging.StreamHandler(plain_stream)
    first.setFormatter(RedactingFormatter())
    logger = _logger("cached", first, second)
    try:
        _fail({"id_number": ID_18})
    except RuntimeError:
        logger.exception("failed")
    assert ID_18 not in masked_stream.getvalue() and ID_18 not in plain_stream.getvalue()


def test_stack_text_and_wrapped_formatters_are_masked():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(inner=logging.Formatter("[%(phone)s] %(message)s")))
    logger = _logger("stack", handler)
    logger.warning("slow portal for %s", "3607 0219 5003 1212 26", stack_info=True, extra={"phone": "13912345678"})
    out = stream.getvalue()
    assert "Stack (most recent call last)" in out
    assert "13912345678" not in out and "3607 0219 5003 1212 26" not in out and "[139 **** 5678]" in out


def test_the_filter_masks_message_and_traceback_for_any_formatter():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(RedactingFilter())
    logger = _logger("filter", handler)
    try:
        _fail({"phone_number": "138-0797-1234"})
    except RuntimeError:
        logger.exception("for %s", ID_18)
    logger.info("bad format %s %s", "13912345678")  # an unformattable call still writes nothing full
    out = stream.getvalue()
    assert "138-0797-1234" not in out and ID_18 not in out and "13912345678" not in out
    assert "138 **** 1234" in out and "3607 ********** 1226" in out


# --- properties ----------------------------------------------------------------------------

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_hidden(masked: str, number: str) -> None:
    digits = numbers.normalise_digits(masked)
    assert number not in digits and number[:-1] not in digits, masked  # not recoverable in any format
    assert number[-4:] in digits, masked  # the last four the screens and the voice show
    assert number_finder.find_numbers(masked) == [] and redact(masked) == masked


@PROPERTY
@given(st.data())
def test_any_phone_number_in_any_format_is_hidden(data):
    number = data.draw(phone_numbers)
    written = data.draw(rendered(number, prefix=True))
    masked = redact(data.draw(filler) + written + data.draw(filler))
    assert written not in masked
    _assert_hidden(masked, number)


@PROPERTY
@given(st.data())
def test_any_identity_number_in_any_format_is_hidden(data):
    number = data.draw(identity_numbers() | first_generation_numbers())
    written = data.draw(rendered(number))
    masked = redact(data.draw(filler) + written + data.draw(filler))
    assert written not in masked
    _assert_hidden(masked, number)


# Ordinary text: every item is something a log, a transcript or a screen holds that is no
# personal number. Items are joined by words or punctuation, as they are in sentences.
_days = st.dates(date(1990, 1, 1), date(2035, 12, 31))
_case_numbers = st.builds(lambda day, district, sequence: f"{day:%Y%m%d}{district:02d}{sequence:06d}",
                          _days, st.integers(0, 17), st.integers(0, 999_999))
_HAN_DIGITS = "零一二三四五六七八九"


def _case_formats(number: str) -> st.SearchStrategy[str]:
    fours = [number[index:index + 4] for index in range(0, 16, 4)]
    return st.sampled_from([number, " ".join(fours), "-".join(fours), f"{number[:8]} {number[8:]}",
                            "".join(_HAN_DIGITS[int(digit)] for digit in number),
                            " ".join(_HAN_DIGITS[int(digit)] for digit in number)])


ordinary_items = st.one_of(
    st.builds(lambda yuan, cents: f"{yuan:,}.{cents:02d} 元", st.integers(0, 9_999_999), st.integers(0, 99)),
    st.builds(lambda yuan, cents: f"{yuan}.{cents:02d}元", st.integers(0, 9_999_999), st.integers(0, 99)),
    st.builds(lambda day, fmt: day.strftime(fmt), _days,
              st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%m月%d日", "%Y%m%d"])),
    st.builds(lambda day, hour, minute: f"{day:%Y-%m-%d} {hour:02d}:{minute:02d}:07,123", _days,
              st.integers(0, 23), st.integers(0, 59)),
    st.builds(lambda hour, minute: f"{hour}:{minute:02d}", st.integers(0, 23), st.integers(0, 59)),
    _case_numbers.flatmap(_case_formats),
    st.integers(0, 999_999).map(str),
    st.integers(1900, 2099).map(lambda year: f"{year}年"),
    st.sampled_from(["12345", "12345热线", "第12345号", "0797-12345", "0797-8123456", "七十八岁", "一个人", "两天",
                     "三楼", "十二点", "35%", "0.93", "0.13 0.80 0.79 0.71", "v3.10.13"]),
    st.floats(0, 1).map(repr),
    st.floats(1.6e9, 1.9e9).map(repr),
)
joiners = st.sampled_from(["，", "。", "、", "；", "和", " and ", "，还有", "(", ") ", "：", "\n"])


@PROPERTY
@given(st.lists(st.tuples(ordinary_items, joiners), max_size=8), filler)
def test_ordinary_text_is_left_exactly_as_it_was(items, words):
    text = words + "".join(item + joiner for item, joiner in items)
    assert redact(text) == text


@PROPERTY
@given(st.data())
def test_the_text_around_a_number_is_left_as_it_was(data):
    before = "".join(item + joiner for item, joiner in data.draw(st.lists(st.tuples(ordinary_items, joiners),
                                                                         max_size=3)))
    after = "".join(joiner + item for item, joiner in data.draw(st.lists(st.tuples(ordinary_items, joiners),
                                                                        max_size=3)))
    number = data.draw(phone_numbers | identity_numbers())
    written = data.draw(rendered(number, prefix=len(number) == 11))
    masked = redact(f"{before}电话{written}。{after}")
    assert masked.startswith(f"{before}电话") and masked.endswith(f"。{after}")
    _assert_hidden(masked[len(before) + 2:len(masked) - len(after) - 1], number)
