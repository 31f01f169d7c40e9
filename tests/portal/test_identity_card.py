"""The ID card way in, against the real sandbox: the card a resident holds opens their
errands; a wrong name, an unknown number or a card that is not the current one are refused
alike; an expired card is told apart only once number and name match."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.errors import PortalBusy, PortalRefused
from tests.portal.conftest import DEMO_ID, a_stranger, card_of, demo_resident, new_kiosk
from tests.portal.contract import check

PATH = "/v1/identity/card"


def test_the_residents_card_opens_their_errands(client, raw, kiosk):
    card = card_of(DEMO_ID)
    verified = client.verify_card(card.id_number, card.name, card.valid_until, kiosk)
    assert verified.masked_name == "张*英" and verified.method == "card" and verified.expires_in > 0
    assert client.pension_payments(verified.token)
    [(method, kiosk_id, staff)] = raw.sql("SELECT method, kiosk_id, staff_account FROM tokens WHERE token=?",
                                          verified.token)
    assert (method, kiosk_id, staff) == ("card", kiosk, None)
    assert raw.sql("SELECT method FROM verifications WHERE id_number=? AND kiosk_id=?", DEMO_ID, kiosk) == [("card",)]
    check(PATH, "post", raw.card(DEMO_ID, kiosk))


def test_a_lifelong_card_has_no_validity_end(client, raw, kiosk):
    number = next(n for n, in raw.sql("SELECT id_number FROM residents ORDER BY id_number DESC LIMIT 60")
                  if card_of(n).valid_until is None)
    card = card_of(number)
    assert client.verify_card(number, card.name, None, kiosk).method == "card"


def test_wrong_name_unknown_number_and_a_replaced_card_answer_alike(raw, kiosk):
    number, name, _phone = raw.fresh_resident()
    card = card_of(number)
    later = (card.valid_until or date(2040, 1, 1)) + timedelta(days=365)
    answers = [
        raw.card(number, kiosk, name="王小明"),  # wrong name
        raw.card(a_stranger(), kiosk, name=name, valid_until=None),  # nobody's number
        raw.card(number, kiosk, valid_until=later.isoformat()),  # not the card on file
        raw.card(number, kiosk, name=name[0]),  # a surname is not a name
    ]
    bodies = [check(PATH, "post", answer) for answer in answers]
    assert {answer.status_code for answer in answers} == {401}
    assert all(body == bodies[0] for body in bodies), bodies
    assert bodies[0]["error"]["code"] == "identity_mismatch" and "attempts_left" not in bodies[0]["error"]
    assert {tuple(sorted(answer.headers)) for answer in answers} == {tuple(sorted(answers[0].headers))}


def test_an_expired_card_is_told_plainly(client, raw, kiosk):
    number, name, _phone = demo_resident(3)  # 曾水生: his card ran out and was not renewed
    card = card_of(number)
    assert card.valid_until is not None and card.valid_until < date.today()
    for until in (card.valid_until, None, date.today() + timedelta(days=3000)):  # whatever the kiosk says
        with pytest.raises(PortalRefused) as expired:
            client.verify_card(number, name, until, kiosk)
        assert expired.value.code == "card_expired"
    answer = raw.card(number, kiosk)
    assert answer.status_code == 403 and check(PATH, "post", answer)["error"]["code"] == "card_expired"
    with pytest.raises(PortalRefused) as wrong:  # with a wrong name it is just wrong
        client.verify_card(number, "王小明", card.valid_until, kiosk)
    assert wrong.value.code == "identity_mismatch"


def test_a_card_presented_past_its_end_is_expired(client, raw, kiosk):
    number, name, _phone = raw.fresh_resident()
    with pytest.raises(PortalRefused) as expired:
        client.verify_card(number, name, date.today() - timedelta(days=1), kiosk)
    assert expired.value.code == "card_expired"


def test_thirty_failures_pause_the_kiosk(client, raw):
    """One machine cannot be used to try many numbers: its 31st failure in the hour is
    refused, and so is then a good card, with a Retry-After."""
    kiosk = new_kiosk()
    for attempt in range(30):
        answer = raw.card(a_stranger(), kiosk, name="王小明", valid_until=None)
        assert answer.status_code == 401, attempt
    card = card_of(DEMO_ID)
    with pytest.raises(PortalBusy) as paused:
        client.verify_card(DEMO_ID, card.name, card.valid_until, kiosk)
    assert paused.value.code == "kiosk_limit" and 3500 <= paused.value.retry_after <= 3600
    answer = raw.card(DEMO_ID, kiosk)
    body = check(PATH, "post", answer)
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) == body["error"]["retry_after"]
    assert client.verify_card(DEMO_ID, card.name, card.valid_until, new_kiosk()).token  # other kiosks go on
