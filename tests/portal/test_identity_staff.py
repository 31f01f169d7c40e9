"""A staff member checks the card in person, against the real sandbox: the kiosk that asked
gets the token once staff confirm, no other kiosk does, and the portal records who decided
and when."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from portal.errors import PortalBusy, PortalNotFound, PortalRefused
from tests.portal.conftest import a_stranger, new_kiosk
from tests.portal.contract import check

CHECKS = "/v1/identity/staff-checks"
STAFF = "staff.wang"


def poll(raw, check_id: str, kiosk: str):
    return raw.get(f"{CHECKS}/{check_id}", headers={"X-Kiosk-Id": kiosk})


def test_waiting_then_confirmed_gives_the_asking_kiosk_a_token(client, raw, kiosk):
    number, name, phone = raw.fresh_resident()
    asked = client.request_staff_check(number, kiosk)
    assert asked.expires_in == 600
    waiting = client.staff_check(asked.check_id, kiosk)
    assert (waiting.status, waiting.token, waiting.masked_name) == ("waiting", None, None)
    assert 0 < waiting.expires_in <= 600
    view = client.staff_check_for_staff(asked.check_id, STAFF)
    assert (view.kiosk_id, view.status, view.decided_by) == (kiosk, "waiting", None)
    assert view.masked_name == name[0] + "*" * (len(name) - 2) + name[-1]
    assert view.masked_id_number == f"{number[:4]} {'*' * 10} {number[-4:]}"
    assert abs(view.created_at.timestamp() - time.time()) < 60

    decided = client.decide_staff_check(asked.check_id, STAFF, True)
    assert (decided.status, decided.decided_by) == ("confirmed", STAFF) and decided.decided_at is not None
    confirmed = client.staff_check(asked.check_id, kiosk)
    assert confirmed.status == "confirmed" and confirmed.token and confirmed.masked_name == view.masked_name
    assert 0 < confirmed.expires_in <= 600
    assert client.pension_payments(confirmed.token)
    with pytest.raises(PortalNotFound) as elsewhere:  # no other kiosk, ever
        client.staff_check(asked.check_id, new_kiosk())
    assert elsewhere.value.code == "check_not_found"

    [(decided_by, decided_at, status)] = raw.sql(
        "SELECT decided_by, decided_at, status FROM staff_checks WHERE check_id=?", asked.check_id)
    assert (decided_by, status) == (STAFF, "confirmed") and abs(decided_at - time.time()) < 60
    assert raw.sql("SELECT method, kiosk_id, staff_account FROM tokens WHERE token=?", confirmed.token) == \
        [("staff", kiosk, STAFF)]
    assert raw.sql("SELECT method, staff_account FROM verifications WHERE id_number=? AND kiosk_id=?",
                   number, kiosk) == [("staff", STAFF)]
    [(notice,)] = raw.sql("SELECT text FROM sms_messages WHERE phone=? AND purpose='staff_check_notice'", phone)
    assert "12345" in notice  # the resident hears of it, and whom to call if it was not them


def test_another_kiosk_is_told_nothing_more_than_for_a_made_up_id(raw, kiosk):
    number, _name, _phone = raw.fresh_resident()
    check_id = raw.post(CHECKS, json={"id_number": number}, headers={"X-Kiosk-Id": kiosk}).json()["check_id"]
    theirs, made_up = poll(raw, check_id, new_kiosk()), poll(raw, "x" * len(check_id), new_kiosk())
    assert theirs.status_code == made_up.status_code == 404 and theirs.json() == made_up.json()


def test_the_contract_shapes(raw, kiosk):
    number, _name, _phone = raw.fresh_resident()
    asked = raw.post(CHECKS, json={"id_number": number}, headers={"X-Kiosk-Id": kiosk})
    assert asked.status_code == 201
    check_id = check(CHECKS, "post", asked)["check_id"]
    assert check(f"{CHECKS}/{{check_id}}", "get", poll(raw, check_id, kiosk))["status"] == "waiting"
    staff = {"X-Staff-Account": STAFF}
    check(f"{CHECKS}/{{check_id}}/staff-view", "get", raw.get(f"{CHECKS}/{check_id}/staff-view", headers=staff))
    decided = raw.post(f"{CHECKS}/{check_id}/decision", json={"confirmed": True}, headers=staff)
    assert check(f"{CHECKS}/{{check_id}}/decision", "post", decided)["status"] == "confirmed"
    assert check(f"{CHECKS}/{{check_id}}", "get", poll(raw, check_id, kiosk))["token"]
    again = raw.post(f"{CHECKS}/{check_id}/decision", json={"confirmed": False}, headers=staff)
    assert again.status_code == 409 and check(f"{CHECKS}/{{check_id}}/decision", "post", again)


def test_refused_gives_nothing_and_a_decision_is_final(client, raw, kiosk):
    number, _name, _phone = raw.fresh_resident()
    asked = client.request_staff_check(number, kiosk)
    refused = client.decide_staff_check(asked.check_id, "staff.li", False)
    assert (refused.status, refused.decided_by) == ("refused", "staff.li")
    status = client.staff_check(asked.check_id, kiosk)
    assert (status.status, status.token, status.masked_name) == ("refused", None, None)
    assert client.decide_staff_check(asked.check_id, "staff.li", False).status == "refused"  # repeated: harmless
    for account, confirmed in (("staff.li", True), (STAFF, False)):
        with pytest.raises(PortalRefused) as final:
            client.decide_staff_check(asked.check_id, account, confirmed)
        assert final.value.code == "already_decided"
    assert raw.sql("SELECT decided_by FROM staff_checks WHERE check_id=?", asked.check_id) == [("staff.li",)]
    assert raw.sql("SELECT COUNT(*) FROM tokens WHERE id_number=?", number) == [(0,)]


def test_nobodys_number_looks_the_same_to_the_kiosk_and_plain_to_staff(client, raw, kiosk):
    asked = raw.post(CHECKS, json={"id_number": a_stranger()}, headers={"X-Kiosk-Id": kiosk})
    assert asked.status_code == 201 and set(asked.json()) == {"check_id", "expires_in"}
    check_id = asked.json()["check_id"]
    waiting = poll(raw, check_id, kiosk).json()
    assert waiting == {"status": "waiting", "token": None, "expires_in": waiting["expires_in"], "masked_name": None}
    assert client.staff_check_for_staff(check_id, STAFF).masked_name is None  # staff see it is nobody
    with pytest.raises(PortalRefused) as nobody:
        client.decide_staff_check(check_id, STAFF, True)
    assert nobody.value.code == "not_a_resident"


def test_asking_again_while_waiting_is_the_same_check(client, raw, kiosk):
    number, _name, _phone = raw.fresh_resident()
    first = client.request_staff_check(number, kiosk)
    assert client.request_staff_check(number, kiosk).check_id == first.check_id
    assert client.request_staff_check(number, new_kiosk()).check_id != first.check_id


def test_a_check_that_waited_too_long_expires(client, raw, kiosk):
    number, _name, _phone = raw.fresh_resident()
    asked = client.request_staff_check(number, kiosk)
    raw.sql("UPDATE staff_checks SET expires_at=? WHERE check_id=?", time.time() - 1, asked.check_id)
    assert client.staff_check(asked.check_id, kiosk).status == "expired"
    assert client.staff_check_for_staff(asked.check_id, STAFF).status == "expired"
    with pytest.raises(PortalRefused) as late:
        client.decide_staff_check(asked.check_id, STAFF, True)
    assert late.value.code == "check_expired"


def test_checks_per_number_and_per_kiosk(client, raw):
    number, _name, _phone = raw.fresh_resident()
    for _ in range(3):
        client.request_staff_check(number, new_kiosk())
    with pytest.raises(PortalBusy) as per_number:
        client.request_staff_check(number, new_kiosk())
    assert per_number.value.code == "too_many_checks" and 3500 <= per_number.value.retry_after <= 3600
    kiosk = new_kiosk()
    for _ in range(10):
        client.request_staff_check(a_stranger(), kiosk)
    with pytest.raises(PortalBusy) as per_kiosk:
        client.request_staff_check(a_stranger(), kiosk)
    assert per_kiosk.value.code == "kiosk_limit"
    answer = raw.post(CHECKS, json={"id_number": a_stranger()}, headers={"X-Kiosk-Id": kiosk})
    assert answer.status_code == 429 and check(CHECKS, "post", answer)["error"]["retry_after"] > 0


def test_created_at_is_a_moment_with_its_zone(client, raw, kiosk):
    asked = client.request_staff_check(raw.fresh_resident()[0], kiosk)
    created = client.staff_check_for_staff(asked.check_id, STAFF).created_at
    assert isinstance(created, datetime) and created.tzinfo is not None
