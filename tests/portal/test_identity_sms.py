"""The typed number and a one-time SMS code, against the real sandbox: the code reaches the
resident's phone (the sandbox's message table), three wrong codes lock the number, and a
number that is nobody's cannot be told from a resident's by status, body or timing."""

from __future__ import annotations

import statistics
import time

import pytest

from portal.client import attempts_left
from portal.errors import PortalBusy, PortalRefused
from tests.portal.conftest import a_stranger, new_kiosk
from tests.portal.contract import check

SEND, VERIFY = "/v1/identity/sms-codes", "/v1/identity/sms-codes/verify"


def send(raw, number: str, kiosk: str):
    return raw.post(SEND, json={"id_number": number}, headers={"X-Kiosk-Id": kiosk})


def verify(raw, number: str, code: str, kiosk: str):
    return raw.post(VERIFY, json={"id_number": number, "code": code}, headers={"X-Kiosk-Id": kiosk})


def a_minute_passes(raw, number: str) -> None:
    """Age the number's last code past RESEND_SECONDS (the sandbox is a real process with a
    real clock; the test moves the record, not the clock)."""
    from portal.sandbox.limits import number_subject

    raw.sql("UPDATE sms_codes SET sent_at=sent_at-61 WHERE subject=?", number_subject(number))


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_code_goes_to_the_registered_phone_and_opens_once(client, raw, kiosk):
    number, _name, phone = raw.fresh_resident()
    sent = client.send_sms_code(number, kiosk)
    assert sent.expires_in == 300 and sent.resend_after == 60
    [(text, purpose, code)] = raw.sql("SELECT text, purpose, code FROM sms_messages WHERE phone=?", phone)
    assert purpose == "identity_code" and len(code) == 6 and code in text and "请不要告诉别人" in text
    [message] = client.sandbox_sms(id_number=number)
    assert message.code == code and message.masked_phone == f"{phone[:3]} **** {phone[-4:]}"
    assert client.sandbox_sms(phone=phone) == [message]
    verified = client.verify_sms_code(number, code, kiosk)
    assert verified.method == "sms" and "*" in verified.masked_name
    assert client.medical_account(verified.token).balance >= 0
    assert raw.sql("SELECT method, kiosk_id FROM tokens WHERE token=?", verified.token) == [("sms", kiosk)]
    with pytest.raises(PortalRefused) as again:  # one time only
        client.verify_sms_code(number, code, kiosk)
    assert again.value.code == "identity_mismatch"


def test_the_contract_shapes(raw, kiosk):
    number, _name, phone = raw.fresh_resident()
    answer = send(raw, number, kiosk)
    assert answer.status_code == 202 and check(SEND, "post", answer) == {"expires_in": 300, "resend_after": 60}
    [(code,)] = raw.sql("SELECT code FROM sms_messages WHERE phone=? ORDER BY id DESC LIMIT 1", phone)
    refused = verify(raw, number, wrong(code), kiosk)
    assert refused.status_code == 401 and check(VERIFY, "post", refused)["error"]["attempts_left"] == 2
    assert check(VERIFY, "post", verify(raw, number, code, kiosk))["method"] == "sms"


def test_three_wrong_codes_void_the_code_and_lock_the_number(client, raw, kiosk):
    number, _name, phone = raw.fresh_resident()
    client.send_sms_code(number, kiosk)
    [(code,)] = raw.sql("SELECT code FROM sms_messages WHERE phone=?", phone)
    for left in (2, 1):
        with pytest.raises(PortalRefused) as refused:
            client.verify_sms_code(number, wrong(code), kiosk)
        assert refused.value.code == "identity_mismatch" and attempts_left(refused.value) == left
    with pytest.raises(PortalBusy) as locked:
        client.verify_sms_code(number, wrong(code), kiosk)
    assert locked.value.code == "too_many_attempts" and attempts_left(locked.value) == 0
    assert 890 <= locked.value.retry_after <= 900
    with pytest.raises(PortalBusy) as still:  # the right code is void now
        client.verify_sms_code(number, code, new_kiosk())
    assert still.value.code == "too_many_attempts" and 0 < still.value.retry_after <= 900
    with pytest.raises(PortalBusy) as no_new_code:
        client.send_sms_code(number, new_kiosk())
    assert no_new_code.value.code == "too_many_attempts"
    answer = verify(raw, number, code, kiosk)
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) == answer.json()["error"]["retry_after"]
    check(VERIFY, "post", answer)


def test_asking_for_new_codes_buys_no_more_guesses(client, raw, kiosk):
    number, _name, phone = raw.fresh_resident()
    client.send_sms_code(number, kiosk)
    [(first,)] = raw.sql("SELECT code FROM sms_messages WHERE phone=?", phone)
    for _ in range(2):
        with pytest.raises(PortalRefused):
            client.verify_sms_code(number, wrong(first), kiosk)
    a_minute_passes(raw, number)
    client.send_sms_code(number, kiosk)
    [(code,)] = raw.sql("SELECT code FROM sms_messages WHERE phone=? ORDER BY id DESC LIMIT 1", phone)
    with pytest.raises(PortalBusy) as locked:
        client.verify_sms_code(number, wrong(code), kiosk)
    assert locked.value.code == "too_many_attempts"


def test_a_stranger_cannot_tell_a_residents_number_from_nobodys(raw):
    """Same statuses, same bodies, the same attempts_left, in the same order; and no slower
    or faster by anything near an order of magnitude."""
    kiosk = new_kiosk()
    resident, _name, phone = raw.fresh_resident()
    nobody = a_stranger()
    for number in (resident, nobody):
        answer = send(raw, number, kiosk)
        assert (answer.status_code, answer.json()) == (202, {"expires_in": 300, "resend_after": 60})
    assert raw.sql("SELECT COUNT(*) FROM sms_messages WHERE phone=?", phone) == [(1,)]
    [(code,)] = raw.sql("SELECT code FROM sms_messages WHERE phone=?", phone)
    sequences = []
    for number in (resident, nobody):
        answers = [verify(raw, number, wrong(code), kiosk) for _ in range(3)]
        sequences.append([(a.status_code, a.json()["error"]) for a in answers])
    assert sequences[0] == sequences[1]
    assert [status for status, _ in sequences[0]] == [401, 401, 429]
    assert [error["attempts_left"] for _, error in sequences[0]] == [2, 1, 0]


def test_timing_does_not_tell_residents_from_nobody(raw):
    def median_time(numbers, kiosk):
        times = []
        for number in numbers:
            started = time.perf_counter()
            assert send(raw, number, kiosk).status_code == 202
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    residents = [raw.fresh_resident()[0] for _ in range(8)]
    strangers = [a_stranger() for _ in range(8)]
    with_code = median_time(residents, new_kiosk())
    without = median_time(strangers, new_kiosk())
    assert max(with_code, without) < 10 * min(with_code, without), (with_code, without)


def test_codes_per_number_one_a_minute_and_three_in_fifteen(client, raw, kiosk):
    number, _name, _phone = raw.fresh_resident()
    client.send_sms_code(number, kiosk)
    with pytest.raises(PortalBusy) as too_soon:
        client.send_sms_code(number, kiosk)
    assert too_soon.value.code == "too_many_codes" and 55 <= too_soon.value.retry_after <= 60
    for _ in range(2):
        a_minute_passes(raw, number)
        client.send_sms_code(number, new_kiosk())  # another kiosk makes no difference
    a_minute_passes(raw, number)
    with pytest.raises(PortalBusy) as fourth:
        client.send_sms_code(number, new_kiosk())
    assert fourth.value.code == "too_many_codes" and 0 < fourth.value.retry_after <= 15 * 60
    answer = send(raw, number, kiosk)
    assert answer.status_code == 429 and check(SEND, "post", answer)["error"]["code"] == "too_many_codes"


def test_twenty_codes_per_kiosk_an_hour(client, raw):
    kiosk = new_kiosk()
    for _ in range(20):
        assert send(raw, a_stranger(), kiosk).status_code == 202
    with pytest.raises(PortalBusy) as busy:
        client.send_sms_code(raw.fresh_resident()[0], kiosk)
    assert busy.value.code == "kiosk_limit" and 3500 <= busy.value.retry_after <= 3600
    assert client.send_sms_code(a_stranger(), new_kiosk()).expires_in  # other kiosks go on


def test_ten_wrong_codes_a_day_stop_codes_but_never_the_card(client, raw):
    """Anyone can type a number and guess: after ten wrong codes in a day the number gets no
    more codes, but the resident's own card on a reader still opens their errands."""
    from portal.sandbox.limits import number_subject
    from tests.portal.conftest import card_of

    number, _name, _phone = raw.fresh_resident()
    for attempt in range(10):
        kiosk = new_kiosk()
        answer = verify(raw, number, "000000", kiosk)
        assert answer.status_code in (401, 429) and answer.json()["error"]["code"] in (
            "identity_mismatch", "too_many_attempts"), attempt
        raw.sql("DELETE FROM identity_locks WHERE subject=?", number_subject(number))  # the 15 minutes pass
    with pytest.raises(PortalBusy) as no_code:
        client.send_sms_code(number, new_kiosk())
    assert no_code.value.code == "too_many_attempts" and no_code.value.retry_after > 15 * 60
    with pytest.raises(PortalBusy) as no_guess:
        client.verify_sms_code(number, "000000", new_kiosk())
    assert no_guess.value.code == "too_many_attempts"
    card = card_of(number)
    assert client.verify_card(number, card.name, card.valid_until, new_kiosk()).method == "card"


def test_a_class_practising_with_the_lesson_resident_meets_no_limit(client, raw):
    """Learner after learner asks a code for the same practice resident on one kiosk, some
    mistype it: each gets a code, none is locked out, and the kiosk's allowance for real
    residents is untouched."""
    from common.lessons import practice_residents
    from portal.sandbox.limits import CODES_PER_KIOSK, FAILURES_PER_CODE

    practice = next(iter(practice_residents().values())).id_number
    kiosk = new_kiosk()
    for _learner in range(CODES_PER_KIOSK.count + 1):
        assert send(raw, practice, kiosk).status_code == 202
    code = client.sandbox_sms(id_number=practice)[0].code
    for _typo in range(FAILURES_PER_CODE + 2):
        answer = verify(raw, practice, wrong(code), kiosk)
        assert answer.status_code == 401 and answer.json()["error"]["attempts_left"] > 0
    assert client.verify_sms_code(practice, code, kiosk).method == "sms"
    number, _name, _phone = raw.fresh_resident()
    assert send(raw, number, kiosk).status_code == 202
