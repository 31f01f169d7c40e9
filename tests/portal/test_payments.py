"""Contributions and payment orders over real HTTP against the sandbox, through the typed
client and as raw answers checked against openapi.yaml: dues to the cent, a lookup that
tells only the masked name, consent required, an order paid exactly once (also when many
phones press at once), expired and replaced orders that pay nothing, links by SMS."""

from __future__ import annotations

import re
import threading
import uuid
from decimal import Decimal

import pytest
import requests

from portal.errors import PortalBusy, PortalNotFound, PortalRefused
from tests.portal.conftest import DEMO_ID, a_stranger, new_kiosk
from tests.portal.contract import check


def open_resident(raw):
    """A fresh resident whose current medical insurance is still open: (number, name, phone, due id)."""
    while True:
        number, name, phone = raw.fresh_resident()
        rows = raw.sql("SELECT due_id FROM contribution_dues WHERE id_number=? AND paid_on='' AND kind='medical'",
                       number)
        if rows:
            return number, name, phone, rows[0][0]


def page(url: str) -> str:
    return requests.get(url, timeout=10).text


def press(url: str) -> str:
    """What a phone does on the sandbox's payment page: open the link, press 确认付款."""
    base, _, query = url.partition("?")
    params = dict(part.split("=", 1) for part in query.split("&"))
    return requests.post(base, data={"t": params["t"], "via": params.get("via", "qr")}, timeout=10).text


def payments_for(raw, due_id: str) -> int:
    return raw.sql("SELECT COUNT(*) FROM payments WHERE due_id=?", due_id)[0][0]


def test_own_dues_are_the_database_amounts_to_the_cent(client, raw):
    token = raw.token(DEMO_ID)
    dues = client.dues(token)
    assert dues.masked_name == "张*英" and dues.payee == "国家税务总局赣州市税务局"
    stored = dict(raw.sql("SELECT due_id, amount_cents FROM contribution_dues WHERE id_number=?", DEMO_ID))
    assert {due.due_id: due.amount for due in dues.dues} == {key: Decimal(cents) / 100 for key, cents in stored.items()}
    assert dues.paid and dues.paid[0].paid_on is not None  # last year's, with the day it was paid
    check("/v1/payments/dues", "get", raw.get("/v1/payments/dues", headers={"X-Resident-Token": token}))


def test_a_lookup_tells_the_masked_name_and_nothing_more(client, raw, kiosk):
    number, name, _phone, _due = open_resident(raw)
    answer = raw.post("/v1/payments/lookups", json={"id_number": number}, headers={"X-Kiosk-Id": kiosk})
    body = check("/v1/payments/lookups", "post", answer)  # additionalProperties: false
    assert body["masked_name"] == name[0] + "*" * (len(name) - 2) + name[-1] and name not in answer.text
    assert number not in answer.text
    dues = client.looked_up_dues(body["lookup_id"], kiosk)
    assert dues.dues and all(d.open and d.paid_on is None for d in dues.dues)  # no history
    check("/v1/payments/lookups/{lookup_id}/dues", "get",
          raw.get(f"/v1/payments/lookups/{body['lookup_id']}/dues", headers={"X-Kiosk-Id": kiosk}))
    with pytest.raises(PortalNotFound):  # another kiosk cannot use it
        client.looked_up_dues(body["lookup_id"], new_kiosk())
    with pytest.raises(PortalNotFound) as unknown:
        client.look_up_payer(a_stranger(), kiosk)
    assert unknown.value.code == "not_found"


def test_lookups_are_limited_per_number_found_or_not(client, raw):
    number, *_ = open_resident(raw)
    for _ in range(5):
        client.look_up_payer(number, new_kiosk())
    with pytest.raises(PortalBusy) as limited:
        client.look_up_payer(number, new_kiosk())
    assert limited.value.code == "too_many_lookups" and limited.value.retry_after
    stranger = a_stranger()
    for _ in range(5):
        with pytest.raises(PortalNotFound):
            client.look_up_payer(stranger, new_kiosk())
    with pytest.raises(PortalBusy):  # a number nobody has is limited the same way
        client.look_up_payer(stranger, new_kiosk())


def test_lookups_are_limited_per_kiosk(client, raw):
    kiosk = new_kiosk()
    for _ in range(20):
        with pytest.raises(PortalNotFound):
            client.look_up_payer(a_stranger(), kiosk)
    with pytest.raises(PortalBusy) as limited:
        client.look_up_payer(a_stranger(), kiosk)
    assert limited.value.code == "kiosk_limit"


def test_no_order_without_consent(raw, kiosk):
    number, _name, _phone, due = open_resident(raw)
    token = raw.token(number)
    for consent in (None, False, "yes"):
        body = {"for": "self", "due_ids": [due], **({} if consent is None else {"consent": consent})}
        answer = raw.post("/v1/payments/orders", json=body, headers={
            "X-Resident-Token": token, "X-Kiosk-Id": kiosk, "Idempotency-Key": uuid.uuid4().hex})
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "consent_required"
        check("/v1/payments/orders", "post", answer)
    assert raw.sql("SELECT COUNT(*) FROM payment_order_dues WHERE due_id=?", due)[0][0] == 0


def test_an_order_is_paid_once_by_its_qr_link(client, raw, kiosk):
    number, _name, phone, due = open_resident(raw)
    token, key = raw.token(number), uuid.uuid4().hex
    order = client.create_order([due], key, kiosk, token=token)
    assert order.status == "waiting" and order.amount == Decimal("400.00") and 800 < order.expires_in <= 900
    assert order.items[0].due_id == due and order.what.endswith("城乡居民医保")
    assert client.create_order([due], key, kiosk, token=token) == order  # a retry: the same order
    shown = page(order.pay_url)
    assert "400.00 元" in shown and "国家税务总局赣州市税务局" in shown and "确认付款" in shown
    assert "付款成功" in press(order.pay_url)
    assert "已经付过了" in press(order.pay_url)  # again: nothing more is taken
    paid = client.order(order.order_id, kiosk)
    assert paid.status == "paid" and paid.paid_at is not None
    assert payments_for(raw, due) == 1
    assert raw.sql("SELECT paid_order FROM contribution_dues WHERE due_id=?", due)[0][0] == order.order_id
    with pytest.raises(PortalRefused) as twice:
        client.create_order([due], uuid.uuid4().hex, kiosk, token=token)
    assert twice.value.code == "already_paid"
    receipt = [m for m in client.sandbox_sms(phone=phone) if m.purpose == "payment_receipt"]
    assert receipt and "400.00元已缴费成功" in receipt[0].text
    check("/v1/payments/orders/{order_id}", "get",
          raw.get(f"/v1/payments/orders/{order.order_id}", headers={"X-Kiosk-Id": kiosk}))


def test_many_phones_pressing_at_once_pay_once(client, raw, kiosk):
    number, _name, _phone, due = open_resident(raw)
    order = client.create_order([due], uuid.uuid4().hex, kiosk, token=raw.token(number))
    pages, start = [], threading.Barrier(12)

    def phone() -> None:
        start.wait()
        pages.append(press(order.pay_url))

    threads = [threading.Thread(target=phone) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum("付款成功" in text for text in pages) == 1 and len(pages) == 12
    assert payments_for(raw, due) == 1


def test_an_expired_order_pays_nothing_and_a_new_one_can_be_made(client, raw, kiosk):
    number, _name, _phone, due = open_resident(raw)
    token = raw.token(number)
    order = client.create_order([due], uuid.uuid4().hex, kiosk, token=token)
    client.sandbox_expire_order(order.order_id)
    assert client.order(order.order_id, kiosk).status == "expired"
    assert "确认付款" not in page(order.pay_url) and "过期" in press(order.pay_url)
    assert payments_for(raw, due) == 0
    fresh = client.create_order([due], uuid.uuid4().hex, kiosk, token=token)
    assert fresh.status == "waiting" and fresh.order_id != order.order_id


def test_a_new_order_replaces_a_waiting_one(client, raw, kiosk):
    number, _name, _phone, due = open_resident(raw)
    token = raw.token(number)
    first = client.create_order([due], uuid.uuid4().hex, kiosk, token=token)
    second = client.create_order([due], uuid.uuid4().hex, kiosk, token=token)
    assert client.order(first.order_id, kiosk).status == "cancelled"
    assert "已取消" in press(first.pay_url) and payments_for(raw, due) == 0
    assert "付款成功" in press(second.pay_url) and payments_for(raw, due) == 1


def test_orders_belong_to_their_kiosk_and_can_be_cancelled(client, raw, kiosk):
    number, _name, _phone, due = open_resident(raw)
    order = client.create_order([due], uuid.uuid4().hex, kiosk, token=raw.token(number))
    with pytest.raises(PortalNotFound):
        client.order(order.order_id, new_kiosk())
    with pytest.raises(PortalNotFound):
        client.cancel_order(order.order_id, new_kiosk())
    cancelled = client.cancel_order(order.order_id, kiosk)
    assert cancelled.status == "cancelled" and client.cancel_order(order.order_id, kiosk).status == "cancelled"
    check("/v1/payments/orders/{order_id}/cancel", "post",
          raw.post(f"/v1/payments/orders/{order.order_id}/cancel", headers={"X-Kiosk-Id": kiosk}))
    assert "已取消" in press(order.pay_url) and payments_for(raw, due) == 0


def test_a_paid_order_cannot_be_cancelled(client, raw, kiosk):
    number, _name, _phone, due = open_resident(raw)
    order = client.create_order([due], uuid.uuid4().hex, kiosk, token=raw.token(number))
    press(order.pay_url)
    with pytest.raises(PortalRefused) as refused:
        client.cancel_order(order.order_id, kiosk)
    assert refused.value.code == "already_paid"


def test_paying_for_someone_else_needs_only_their_number(client, raw, kiosk):
    number, _name, _phone, due = open_resident(raw)
    lookup = client.look_up_payer(number, kiosk)
    order = client.create_order([due], uuid.uuid4().hex, kiosk, lookup_id=lookup.lookup_id)  # no token at all
    assert order.masked_name == lookup.masked_name
    assert "付款成功" in press(order.pay_url)
    assert raw.sql("SELECT payer, payer_id_number FROM payment_orders WHERE order_id=?", order.order_id) == [
        ("other", None)]
    with pytest.raises(PortalRefused) as wrong:  # the lookup names one person: not another's dues
        other_number, _n, _p, other_due = open_resident(raw)
        client.create_order([other_due], uuid.uuid4().hex, kiosk, lookup_id=lookup.lookup_id)
    assert wrong.value.code == "invalid_due"


def test_the_link_by_sms_gives_a_day_and_pays(client, raw, kiosk):
    number, _name, _phone, due = open_resident(raw)
    order = client.create_order([due], uuid.uuid4().hex, kiosk, token=raw.token(number))
    sent = client.send_pay_link(order.order_id, "13912340001", kiosk)
    assert sent.masked_phone == "139 **** 0001" and sent.expires_in == 24 * 3600
    assert client.order(order.order_id, kiosk).expires_in > 23 * 3600
    [message] = [m for m in client.sandbox_sms(phone="13912340001") if order.order_id in m.text]
    assert "400.00元" in message.text and "国家税务总局赣州市税务局" in message.text
    link = re.search(r"https?://\S+?via=sms", message.text).group(0)
    assert "付款成功" in press(link) and payments_for(raw, due) == 1
    assert raw.sql("SELECT channel FROM payments WHERE due_id=?", due) == [("sms",)]
    with pytest.raises(PortalRefused) as closed:
        client.send_pay_link(order.order_id, "13912340001", kiosk)
    assert closed.value.code == "order_closed"


def test_links_by_sms_are_limited_per_order(client, raw, kiosk):
    number, _name, _phone, due = open_resident(raw)
    order = client.create_order([due], uuid.uuid4().hex, kiosk, token=raw.token(number))
    for _ in range(3):
        client.send_pay_link(order.order_id, "13912340002", kiosk)
    with pytest.raises(PortalBusy) as limited:
        client.send_pay_link(order.order_id, "13912340002", kiosk)
    assert limited.value.code == "too_many_links"
    check("/v1/payments/orders/{order_id}/pay-link", "post",
          raw.post(f"/v1/payments/orders/{order.order_id}/pay-link", json={"phone": "13912340002"},
                   headers={"X-Kiosk-Id": kiosk}))


def test_a_household_member_by_their_opaque_id(client, raw, kiosk):
    token = raw.token(DEMO_ID)
    members = client.family_members(token).members
    assert {(m.relationship, m.masked_name) for m in members} == {("女儿", "陈*梅"), ("外孙", "陈*")}
    check("/v1/family/members", "get", raw.get("/v1/family/members", headers={"X-Resident-Token": token}))
    grandson = next(m for m in members if m.relationship == "外孙")
    dues = client.dues(token, member_id=grandson.member_id)
    assert dues.masked_name == "陈*" and all(d.kind == "medical" for d in dues.dues)  # a child: no pension
    stranger_token = raw.token(open_resident(raw)[0])
    with pytest.raises(PortalNotFound):  # a member id is only good with its own household's token
        client.dues(stranger_token, member_id=grandson.member_id)
    order = client.create_order([dues.open[0].due_id], uuid.uuid4().hex, kiosk, token=token,
                                member_id=grandson.member_id)
    assert order.masked_name == "陈*" and order.status == "waiting"
    client.cancel_order(order.order_id, kiosk)
