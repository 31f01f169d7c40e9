"""The sandbox says no exactly as the contract says, and the client turns each answer into
the right error type (the actions have a sentence for each)."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date, timedelta

import pytest

from common import idnumber
from portal.errors import PortalNotFound, PortalRefused
from portal.sandbox.server import database_path
from tests.portal.conftest import DEMO_ID
from tests.portal.contract import check

BAD_ID = "360702195003121225"  # wrong check digit
UNKNOWN_ID = idnumber.make("110101", date(1940, 1, 1), 1)  # valid format, nobody in the sandbox


@pytest.mark.parametrize("path, method, kwargs, status, code", [
    ("/v1/identity/challenge", "post", {"json": {"id_number": BAD_ID}}, 400, "invalid_id_number"),
    ("/v1/identity/challenge", "post", {"json": {"id_number": UNKNOWN_ID}}, 404, "resident_not_found"),
    ("/v1/identity/challenge", "post", {"data": "not json"}, 400, "invalid_request"),
    ("/v1/identity/verify", "post", {"json": {"id_number": DEMO_ID}}, 400, "invalid_request"),
    ("/v1/pension/payments", "get", {"headers": {"X-Resident-Token": "nope"}}, 401, "token_invalid"),
    ("/v1/medical/account", "get", {}, 401, "token_invalid"),
    ("/v1/hotline/cases", "post", {"json": {}}, 400, "missing_idempotency_key"),
    ("/v1/hotline/cases", "get", {"params": {"phone": "12345"}}, 400, "invalid_phone"),
    ("/v1/hotline/cases/{case_number}", "get", {}, 404, "case_not_found"),
    ("/v1/halls", "get", {"params": {"district": "北京市"}}, 400, "invalid_district"),
    ("/v1/halls/{hall_id}", "get", {}, 404, "hall_not_found"),
    ("/v1/policies/{policy_id}", "get", {}, 404, "policy_not_found"),
])
def test_errors_match_the_contract(raw, path, method, kwargs, status, code):
    concrete = path.replace("{case_number}", "2099010100000000").replace("{hall_id}", "H99") \
        .replace("{policy_id}", "none")
    response = getattr(raw, method)(concrete, **kwargs)
    assert response.status_code == status
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


def test_repeated_wrong_names_pause_the_number(client, sandbox):
    with sqlite3.connect(database_path(sandbox.settings)) as db:
        number, name = db.execute("SELECT id_number, name FROM residents ORDER BY id_number LIMIT 1 OFFSET 50"
                                  ).fetchone()
    for _ in range(5):
        with pytest.raises(PortalRefused) as wrong:
            client.verify_identity(number, name="王小明")
        assert wrong.value.code == "identity_mismatch"
    with pytest.raises(PortalRefused) as locked:
        client.verify_identity(number, name=name)  # even the right name waits now
    assert locked.value.code == "too_many_attempts" and locked.value.retry_after > 0


def test_booking_outside_the_window_is_refused(client, token):
    with pytest.raises(PortalRefused) as past:
        client.book_appointment(token, "H01", date.today(), "09:00", "社保业务", uuid.uuid4().hex)
    assert past.value.code == "date_not_bookable"
    with pytest.raises(PortalRefused) as service:
        client.book_appointment(token, "H01", date.today() + timedelta(days=1), "09:00", "买菜", uuid.uuid4().hex)
    assert service.value.code == "invalid_service"


def test_unknown_things_are_not_found(client, token):
    with pytest.raises(PortalNotFound):
        client.follow_case("2099010100000000")
    with pytest.raises(PortalNotFound):
        client.hall("H99")
    with pytest.raises(PortalNotFound):
        client.cancel_appointment(token, "A0000000000")
