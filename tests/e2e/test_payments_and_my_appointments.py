"""Paying a contribution and managing one's appointments through the real dialogue (Rasa with
the trained model, the action server, the sandbox), by typed words and taps, with the
sandbox's database checked: "我要取消预约" cancels (it does not book), 我的预约 lists, and a
payment is made by its QR code's link only after 同意付款, exactly once."""

from __future__ import annotations

import sqlite3

import requests

from portal.sandbox.server import database_path
from tests.e2e.conftest import demo_card, verify, verify_by_sms


def rows(stack, query: str, *args) -> list:
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute(query, args).fetchall()


def payer_with_open_dues(stack) -> str:
    """A resident from the far end of the list (offsets 40 on: no other test's), with something to pay."""
    return rows(stack, "SELECT id_number FROM (SELECT id_number FROM residents ORDER BY id_number DESC "
                       "LIMIT 40 OFFSET 40) r WHERE EXISTS (SELECT 1 FROM contribution_dues d WHERE "
                       "d.id_number=r.id_number AND d.paid_on='') LIMIT 1")[0][0]


def press(url: str) -> str:
    base, _, query = url.partition("?")
    return requests.post(base, data={"t": dict(p.split("=", 1) for p in query.split("&"))["t"], "via": "qr"},
                         timeout=10).text


def test_booked_then_listed_then_cancelled_in_words(stack, dialogues):
    dialogue = dialogues("kiosk-e2e-appts")
    reply = verify(stack, dialogue, "/book_appointment", demo_card(2))
    reply = dialogue.send(reply.buttons[0].payload)  # the district
    reply = dialogue.send(next(b.payload for b in reply.buttons if b.title == "户籍业务"))
    reply = dialogue.send(reply.buttons[1].payload)  # a day
    reply = dialogue.send(reply.buttons[0].payload)  # a time
    reply = dialogue.send("/affirm")
    assert reply.result["title"] == "预约成功"
    number = demo_card(2).id_number
    [(booked,)] = rows(stack, "SELECT appointment_id FROM appointments WHERE id_number=? AND status='booked' "
                              "AND service='户籍业务' ORDER BY rowid DESC LIMIT 1", number)
    reply = dialogue.send("我的预约")
    assert "个预约" in reply.text and "户籍业务" in reply.text
    reply = dialogue.send("我要取消预约")
    assert "预约成功" not in reply.text and reply.input_kind != "id_number"
    if "是哪一个" in reply.text:  # more than one booked: tap ours
        reply = dialogue.send(next(b.payload for b in reply.buttons if booked in b.payload))
    assert "要取消这个预约吗" in reply.text
    reply = dialogue.send("/affirm")
    assert "已经取消了" in reply.text
    assert rows(stack, "SELECT status FROM appointments WHERE appointment_id=?", booked) == [("cancelled",)]


def consented(stack, dialogue, reply, number):
    """From the dues (all of them, when there are two) to the order, none made before 同意付款:
    the reply with the QR code, and its payment directive."""
    if reply.input_kind == "choice" and "要交哪一个" in reply.text:  # two open dues: pay them both
        reply = dialogue.send(reply.buttons[-1].payload)
    assert "同意付款吗" in reply.text and "元" in reply.text
    assert rows(stack, "SELECT COUNT(*) FROM payment_orders WHERE id_number=?", number) == [(0,)]
    reply = dialogue.send("/affirm")
    return reply, reply.directives["payment"]


def test_paid_once_by_the_qr_codes_link_after_consent(stack, dialogues):
    dialogue = dialogues("kiosk-e2e-pay")
    number = payer_with_open_dues(stack)
    reply = dialogue.send("我要交医保")
    assert "给谁交费" in reply.text
    reply = verify_by_sms(stack, dialogue, next(b.payload for b in reply.buttons if b.title == "给自己交"), number)
    reply, order = consented(stack, dialogue, reply, number)
    assert "扫这个码" in reply.text and order["pay_url"].startswith("http")
    assert "付款成功" in press(order["pay_url"])
    reply = dialogue.send("我付好了")
    assert "交好了" in reply.text and reply.printable
    assert rows(stack, "SELECT COUNT(*) FROM payments WHERE order_id=?", order["order_id"]) == [(len(
        rows(stack, "SELECT due_id FROM payment_order_dues WHERE order_id=?", order["order_id"])),)]
    assert "不会重复扣钱" in press(order["pay_url"])


def test_paid_for_someone_else_by_number_and_masked_name(stack, dialogues):
    """给别人缴费: no verification of the payer; the number typed, the masked name confirmed, the
    dues read, then the order for the lookup only after 同意付款 (payer kind 'other')."""
    dialogue = dialogues("kiosk-e2e-payother")
    number = rows(stack, "SELECT id_number FROM (SELECT id_number FROM residents ORDER BY id_number DESC "
                         "LIMIT 40 OFFSET 80) r WHERE EXISTS (SELECT 1 FROM contribution_dues d WHERE "
                         "d.id_number=r.id_number AND d.paid_on='') LIMIT 1")[0][0]
    reply = dialogue.send("我帮邻居交医保")
    assert reply.input_kind == "id_number" and "身份证号码" in reply.text, reply
    reply = dialogue.send(f'/inform{{"id_number": "{number}"}}')
    assert "是给" in reply.text and "*" in reply.text and number not in reply.text
    reply = dialogue.send("/affirm")
    reply, order = consented(stack, dialogue, reply, number)
    assert rows(stack, "SELECT payer FROM payment_orders WHERE order_id=?", order["order_id"]) == [("other",)]
    assert "付款成功" in press(order["pay_url"])
    reply = dialogue.send("我付好了")
    assert "交好了" in reply.text and reply.printable
