"""The sandbox says no exactly as the contract says, and the client turns each answer into
the right error type (the actions have a sentence for each)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from common.numbers import case_number_check
from portal.errors import PortalBusy, PortalNotFound, PortalRefused
from tests.portal.conftest import DEMO_ID, card_of, new_kiosk
from tests.portal.contract import check

BAD_ID = "360702195003121225"  # wrong check digit


NO_CASE = "209901010000000" + case_number_check("209901010000000")  # well-formed, nobody's
KIOSK = {"X-Kiosk-Id": "test-errors"}


@pytest.mark.parametrize("path, method, kwargs, status, code", [
    ("/v1/identity/card", "post", {"json": {"id_number": BAD_ID, "name": "张桂英", "valid_until": None},
                                   "headers": KIOSK}, 400, "invalid_id_number"),
    ("/v1/identity/card", "post", {"json": {"id_number": DEMO_ID, "name": "张桂英"}, "headers": KIOSK},
     400, "invalid_request"),
    ("/v1/identity/card", "post", {"json": {"id_number": DEMO_ID, "name": "张桂英", "valid_until": "2030"},
                                   "headers": KIOSK}, 400, "invalid_request"),
    ("/v1/identity/card", "post", {"data": "not json", "headers": KIOSK}, 400, "invalid_request"),
    ("/v1/identity/card", "post", {"json": {"id_number": DEMO_ID, "name": "张桂英", "valid_until": None}},
     400, "missing_kiosk_id"),
    ("/v1/identity/sms-codes", "post", {"json": {"id_number": DEMO_ID}, "headers": {"X-Kiosk-Id": "a b"}},
     400, "invalid_kiosk_id"),
    ("/v1/identity/sms-codes", "post", {"json": {"id_number": BAD_ID}, "headers": KIOSK}, 400, "invalid_id_number"),
    ("/v1/identity/sms-codes/verify", "post", {"json": {"id_number": DEMO_ID, "code": "12345"}, "headers": KIOSK},
     400, "invalid_code"),
    ("/v1/identity/sms-codes/verify", "post", {"json": {"id_number": DEMO_ID, "code": 123456}, "headers": KIOSK},
     400, "invalid_code"),
    ("/v1/identity/staff-checks", "post", {"json": {}, "headers": KIOSK}, 400, "invalid_request"),
    ("/v1/identity/staff-checks/{check_id}", "get", {"headers": KIOSK}, 404, "check_not_found"),
    ("/v1/identity/staff-checks/{check_id}", "get", {}, 400, "missing_kiosk_id"),
    ("/v1/identity/staff-checks/{check_id}/staff-view", "get", {}, 401, "staff_account_required"),
    ("/v1/identity/staff-checks/{check_id}/staff-view", "get", {"headers": {"X-Staff-Account": "wang"}},
     404, "check_not_found"),
    ("/v1/identity/staff-checks/{check_id}/decision", "post",
     {"json": {"confirmed": "yes"}, "headers": {"X-Staff-Account": "wang"}}, 400, "invalid_request"),
    ("/v1/pension/payments", "get", {"headers": {"X-Resident-Token": "nope"}}, 401, "token_invalid"),
    ("/v1/medical/account", "get", {}, 401, "token_invalid"),
    ("/v1/hotline/cases", "post", {"json": {}}, 400, "missing_idempotency_key"),
    ("/v1/hotline/cases", "get", {}, 401, "token_invalid"),
    ("/v1/hotline/cases/{case_number}", "get", {}, 401, "token_invalid"),
    ("/v1/hotline/cases/{case_number}/rating", "post", {"json": {"score": 5}}, 401, "token_invalid"),
    ("/v1/halls", "get", {"params": {"district": "北京市"}}, 400, "invalid_district"),
    ("/v1/halls/{hall_id}", "get", {}, 404, "hall_not_found"),
    ("/v1/policies/{policy_id}", "get", {}, 404, "policy_not_found"),
])
def test_errors_match_the_contract(raw, path, method, kwargs, status, code):
    concrete = path.replace("{case_number}", NO_CASE).replace("{hall_id}", "H99") \
        .replace("{policy_id}", "none").replace("{check_id}", "no-such-check-0000")
    response = getattr(raw, method)(concrete, **kwargs)
    assert response.status_code == status, response.text
    assert check(path, method, response)["error"]["code"] == code


def test_wrong_api_key_is_refused(sandbox):
    import requests

    response = requests.get(f"{sandbox.settings.portal.url}/v1/halls",
                            headers={"Authorization": "Bearer wrong"}, timeout=5)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorised"


@pytest.mark.parametrize("field, value, code", [
    ("category", "天气", "invalid_category"),
    ("district", "南昌市", "invalid_district"),
    ("contact_phone", "0797123456", "invalid_phone"),
    ("description", "", "invalid_request"),
    ("place", "x" * 101, "invalid_request"),
])
def test_hotline_submission_is_checked(raw, field, value, code):
    body = {"category": "其他", "description": "公交站没有遮雨棚。", "place": "人民路", "district": "章贡区",
            "contact_phone": "13912345678", field: value}
    response = raw.post("/v1/hotline/cases", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 400 and response.json()["error"]["code"] == code


def test_ten_failures_in_a_day_pause_every_self_service_way_for_the_number(client, raw):
    """Wrong cards from many kiosks add up per number: after ten, even the right card and a
    new code wait (staff can still check the card in person)."""
    number, name, _phone = raw.fresh_resident()
    card = card_of(number)
    for attempt in range(10):
        with pytest.raises(PortalRefused) as wrong:
            client.verify_card(number, "王小明", card.valid_until, new_kiosk())
        assert wrong.value.code == "identity_mismatch", attempt
    with pytest.raises(PortalBusy) as paused:
        client.verify_card(number, name, card.valid_until, new_kiosk())  # even the right card waits now
    assert paused.value.code == "too_many_attempts" and 0 < paused.value.retry_after <= 24 * 3600
    with pytest.raises(PortalBusy) as no_code:
        client.send_sms_code(number, new_kiosk())
    assert no_code.value.code == "too_many_attempts"
    assert client.request_staff_check(number, new_kiosk()).check_id


def test_booking_outside_the_window_is_refused(client, token):
    with pytest.raises(PortalRefused) as past:
        client.book_appointment(token, "H01", date.today(), "09:00", "社保业务", uuid.uuid4().hex)
    assert past.value.code == "date_not_bookable"
    with pytest.raises(PortalRefused) as service:
        client.book_appointment(token, "H01", date.today() + timedelta(days=1), "09:00", "买菜", uuid.uuid4().hex)
    assert service.value.code == "invalid_service"


def test_unknown_things_are_not_found(client, token):
    with pytest.raises(PortalNotFound):
        client.follow_case(NO_CASE, token, "test-errors")
    with pytest.raises(PortalNotFound):
        client.hall("H99")
    with pytest.raises(PortalNotFound):
        client.cancel_appointment(token, "A0000000000")
