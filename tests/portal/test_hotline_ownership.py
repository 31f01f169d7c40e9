"""12345 cases belong to their reporter, against the real sandbox: anybody else's case is
the very 404 of a case that does not exist, a mistyped number is caught by its check digit,
and a phone number written into a description is never answered."""

from __future__ import annotations

import uuid

import pytest

from common.masking import redact
from common.numbers import case_number_check, is_valid_case_number
from portal.errors import PortalNotFound, PortalRefused
from tests.portal.conftest import DEMO_ID, DEMO_PHONE, demo_resident
from tests.portal.contract import check
from tests.portal.test_contract import a_case

NOBODYS_CASE = "123456789012345" + case_number_check("123456789012345")


def closed(raw, case_number: str) -> None:
    for _ in range(3):
        raw.post(f"/v1/_sandbox/cases/{case_number}/advance").raise_for_status()


def test_anybody_elses_case_is_not_found_like_a_missing_one(client, raw, kiosk):
    mine = raw.token(DEMO_ID)
    theirs = raw.token(demo_resident(1)[0])
    case = client.submit_case(a_case(contact_phone="13912340001"), uuid.uuid4().hex, kiosk, token=mine)
    closed(raw, case.case_number)
    with pytest.raises(PortalNotFound) as read:
        client.follow_case(case.case_number, theirs, kiosk)
    with pytest.raises(PortalNotFound) as rate:
        client.rate_case(case.case_number, 1, "", theirs, kiosk)
    assert read.value.code == rate.value.code == "case_not_found"
    assert case.case_number not in [c.case_number for c in client.my_cases(theirs, kiosk)]
    headers = {"X-Resident-Token": theirs}
    answers = [raw.get(f"/v1/hotline/cases/{number}", headers=headers) for number in (case.case_number, NOBODYS_CASE)]
    assert [a.status_code for a in answers] == [404, 404] and answers[0].json() == answers[1].json()
    ratings = [raw.post(f"/v1/hotline/cases/{number}/rating", json={"score": 1}, headers=headers)
               for number in (case.case_number, NOBODYS_CASE)]
    assert [a.status_code for a in ratings] == [404, 404] and ratings[0].json() == ratings[1].json()
    check("/v1/hotline/cases/{case_number}", "get", answers[0])
    assert client.rate_case(case.case_number, 5, "", mine, kiosk).rating.score == 5  # the reporter still can


def test_a_case_reported_without_identity_is_the_contact_phones_owner(client, raw, kiosk):
    """No token: the resident whose registered phone is the contact phone reads and rates it;
    nobody else, whoever asks."""
    number, _name, phone = raw.fresh_resident()
    case = client.submit_case(a_case(contact_phone=phone), uuid.uuid4().hex, kiosk)
    owner = raw.token(number)
    assert client.follow_case(case.case_number, owner, kiosk).case_number == case.case_number
    assert case.case_number in [c.case_number for c in client.my_cases(owner, kiosk)]
    closed(raw, case.case_number)
    assert client.rate_case(case.case_number, 3, "还行", owner, kiosk).rating.score == 3
    with pytest.raises(PortalNotFound):
        client.follow_case(case.case_number, raw.token(DEMO_ID), kiosk)


def test_reading_needs_a_verified_resident(client, raw, kiosk):
    case = client.submit_case(a_case(), uuid.uuid4().hex, kiosk)
    for token in ("", "no-such-token"):
        with pytest.raises(PortalRefused) as refused:
            client.follow_case(case.case_number, token, kiosk)
        assert refused.value.code == "token_invalid"
    with pytest.raises(PortalRefused) as forged:  # a submission with a bad token is not anonymous
        client.submit_case(a_case(), uuid.uuid4().hex, kiosk, token="no-such-token")
    assert forged.value.code == "token_invalid"


def test_a_mistyped_number_is_caught_by_its_check_digit(client, raw, token, kiosk):
    [(number,)] = raw.sql("SELECT case_number FROM hotline_cases WHERE reporter_id_number=? "
                          "ORDER BY created_at LIMIT 1", DEMO_ID)
    assert client.follow_case(number, token, kiosk).case_number == number
    one_wrong = number[:5] + str((int(number[5]) + 3) % 10) + number[6:]
    at = next(i for i in range(15) if number[i] != number[i + 1])
    swapped = number[:at] + number[at + 1] + number[at] + number[at + 2:]
    for typed in (one_wrong, swapped, number[:15], number + "0"):
        with pytest.raises(PortalRefused) as caught:
            client.follow_case(typed, token, kiosk)
        assert caught.value.code == "invalid_case_number", typed
    answer = raw.get(f"/v1/hotline/cases/{one_wrong}", headers={"X-Resident-Token": token})
    assert answer.status_code == 400 and check("/v1/hotline/cases/{case_number}", "get", answer)


def test_a_phone_number_in_a_description_is_never_answered(client, raw, token, kiosk):
    description = "楼道灯坏了，请打我电话13912345678，或者我儿子 139-1234-8765，身份证360702195003121226。"
    case = client.submit_case(a_case(description=description, place="人民路 13912345678 门口"),
                              uuid.uuid4().hex, kiosk, token=token)
    for seen in (case, client.follow_case(case.case_number, token, kiosk),
                 next(c for c in client.my_cases(token, kiosk) if c.case_number == case.case_number)):
        assert seen.description == redact(description) and "13912345678" not in seen.description
        assert "1234 8765" not in seen.description and "8765" in seen.description
        assert "360702195003121226" not in seen.description and "13912345678" not in seen.place
    assert raw.sql("SELECT description FROM hotline_cases WHERE case_number=?", case.case_number) == [(description,)]


def test_the_same_key_from_another_reporter_is_a_conflict(client, raw, kiosk):
    key = uuid.uuid4().hex
    client.submit_case(a_case(), key, kiosk, token=raw.token(DEMO_ID))
    with pytest.raises(PortalRefused) as conflict:
        client.submit_case(a_case(), key, kiosk, token=raw.token(demo_resident(2)[0]))
    assert conflict.value.code == "idempotency_conflict"
    with pytest.raises(PortalRefused):
        client.submit_case(a_case(), key, kiosk)  # nor without a reporter


def test_seeded_case_numbers_are_random_and_checked(raw):
    numbers = [number for number, in raw.sql("SELECT case_number FROM hotline_cases WHERE request_hash='seed'")]
    assert len(numbers) == 150 and all(is_valid_case_number(n) for n in numbers)
    assert len({n[:8] for n in numbers}) > 100  # no shared date prefix to guess from
    demo = raw.sql("SELECT contact_phone FROM hotline_cases WHERE reporter_id_number=? AND request_hash='seed'",
                   DEMO_ID)
    assert len(demo) >= 2 and set(demo) == {(DEMO_PHONE,)}
