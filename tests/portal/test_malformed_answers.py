"""A portal that answers nonsense gets PortalInvalidAnswer, never a crash or a wrong sentence."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.client import PortalClient, attempts_left
from portal.errors import PortalError, PortalInvalidAnswer, PortalRefused
from tests.portal.fake_portal import FakePortal
from tests.portal.test_contract import a_case


@pytest.fixture(scope="module")
def fake():
    server = FakePortal()
    yield server
    server.stop()


@pytest.fixture
def client(fake):
    portal = PortalClient(fake.url, "key", connect_timeout=1, read_timeout=2, retries=0, backoff=0)
    yield portal
    portal.close()


VALID_PAYMENT = {"month": "2026-10", "amount": "3215.60", "paid_on": "2026-10-15", "status": "paid"}

MALFORMED = [
    (200, "<html><body>Bad gateway</body></html>", "text/html"),
    (200, '{"payments": [', "application/json"),  # truncated
    (200, "[]", "application/json"),
    (200, json.dumps({"payments": "many"}), "application/json"),
    (200, json.dumps({"payments": [dict(VALID_PAYMENT, amount=-5)]}), "application/json"),
    (200, json.dumps({"payments": [dict(VALID_PAYMENT, amount="三千")]}), "application/json"),
    (200, json.dumps({"payments": [dict(VALID_PAYMENT, month="2026-13")]}), "application/json"),
    (200, json.dumps({"payments": [dict(VALID_PAYMENT, paid_on=None)]}), "application/json"),
    (200, json.dumps({"payments": [dict(VALID_PAYMENT, amount="1.999")]}), "application/json"),
    (200, json.dumps({"payments": [{"month": "2026-10"}]}), "application/json"),
    (302, "", "text/plain"),
    (418, "I'm a teapot", "text/plain"),
]


@pytest.mark.parametrize("status, body, content_type", MALFORMED)
def test_malformed_pension_answers(fake, client, status, body, content_type):
    fake.reply(status, body, content_type)
    with pytest.raises(PortalInvalidAnswer):
        client.pension_payments("token")


def test_unmasked_name_from_the_portal_is_refused(fake, client):
    fake.reply(200, json.dumps({"token": "t" * 20, "expires_in": 600, "masked_name": "张桂英", "method": "card"}))
    with pytest.raises(PortalInvalidAnswer):
        client.verify_card("360702195003121226", "张桂英", None, "test-kiosk")
    fake.reply(200, json.dumps({"status": "confirmed", "token": "t" * 20, "expires_in": 600, "masked_name": "张桂英"}))
    with pytest.raises(PortalInvalidAnswer):
        client.staff_check("some-check-id", "test-kiosk")
    fake.reply(200, json.dumps({"kiosk_id": "k1", "masked_name": "张桂英", "status": "waiting",
                                "created_at": "2026-11-24T09:00:00+08:00"}))
    with pytest.raises(PortalInvalidAnswer):
        client.staff_check_for_staff("some-check-id", "staff.wang")


@pytest.mark.parametrize("answer", [
    {"status": "waiting", "token": "t" * 20},  # a token before anybody confirmed
    {"status": "confirmed", "token": None},  # confirmed without one
    {"status": "approved"},
    {"status": "waiting", "expires_in": -5},
])
def test_a_staff_check_answer_that_makes_no_sense_is_refused(fake, client, answer):
    fake.reply(200, json.dumps(answer))
    with pytest.raises(PortalInvalidAnswer):
        client.staff_check("some-check-id", "test-kiosk")


@pytest.mark.parametrize("answer", [{"expires_in": 0, "resend_after": 60}, {"expires_in": 300},
                                    {"expires_in": "300", "resend_after": -1}])
def test_a_code_sent_answer_that_makes_no_sense_is_refused(fake, client, answer):
    fake.reply(202, json.dumps(answer))
    with pytest.raises(PortalInvalidAnswer):
        client.send_sms_code("360702195003121226", "test-kiosk")


def test_attempts_left_is_read_only_when_it_is_a_count(fake, client):
    for body, expected in [({"attempts_left": 2}, 2), ({"attempts_left": "2"}, None), ({"attempts_left": -1}, None),
                           ({"attempts_left": True}, None), ({}, None)]:
        error = {"error": {"code": "identity_mismatch", "message": "no", **body}}
        fake.reply(401, json.dumps(error))
        with pytest.raises(PortalRefused) as refused:
            client.verify_sms_code("360702195003121226", "123456", "test-kiosk")
        assert refused.value.code == "identity_mismatch" and attempts_left(refused.value) == expected


def test_malformed_header_values_are_never_sent(fake, client):
    before = fake.requests
    for kiosk in ("two words", "line\r\nbreak", "机器一号", "k" * 65):
        with pytest.raises(PortalRefused) as refused:
            client.send_sms_code("360702195003121226", kiosk)
        assert refused.value.code == "invalid_kiosk_id"
    with pytest.raises(PortalRefused):
        client.decide_staff_check("some-check-id", "王 工作人员", True)
    assert fake.requests == before


def test_unmasked_phone_in_a_case_is_refused(fake, client):
    case = {"case_number": "5820461392703516", "category": "其他", "description": "x", "place": "y",
            "district": "章贡区", "masked_phone": "13912345678", "status": "已受理",
            "timeline": [{"status": "已受理", "at": "2026-11-24T09:00", "department": "12345热线"}],
            "rating": None}
    fake.reply(201, json.dumps(case))
    with pytest.raises(PortalInvalidAnswer):
        client.submit_case(a_case(), uuid.uuid4().hex)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(json_values, st.fixed_dictionaries({"payments": st.lists(
    st.fixed_dictionaries({"month": json_values, "amount": json_values, "paid_on": json_values,
                           "status": json_values}), max_size=3)})))
def test_any_json_is_either_valid_payments_or_an_invalid_answer(fake, client, body):
    fake.reply(200, json.dumps(body))
    try:
        payments = client.pension_payments("token")
    except PortalInvalidAnswer:
        return
    except PortalError as error:  # pragma: no cover - would be a wrong classification
        pytest.fail(f"wrong error type {type(error).__name__}")
    assert all(p.amount >= 0 and p.status in ("paid", "scheduled") for p in payments)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_any_bytes_never_crash_the_client(fake, client, raw):
    fake.reply(200, raw)
    try:
        halls = client.halls()
    except PortalInvalidAnswer:
        return
    assert isinstance(halls, list)  # only bytes that happen to be a valid answer get here
