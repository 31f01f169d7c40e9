"""Paying contributions through the actions against the real sandbox: the dues read before any
money is asked for, no order without consent, the QR order shown and followed until paid
(pressed on the sandbox's payment page, as a phone would), an expired code replaced, a
cancelled one, a household member's dues; the sandbox's database checked each time."""

from __future__ import annotations

import time

import pytest
import requests

from nlu.actions.payment_forms import (
    ActionAskPayConsent,
    ActionAskPayDues,
    ValidatePayFamilyForm,
    ValidatePaySelfForm,
)
from nlu.actions.payments import (
    ActionCreatePaymentOrder,
    ActionPaymentCancel,
    ActionPaymentNewOrder,
    ActionPaymentUpdate,
)
from tests.nlu.actions.conftest import run, said, slots_of, tracker, verified
from tests.portal.conftest import DEMO_ID, Raw

pytestmark = pytest.mark.usefixtures("portal_for_actions")
SELF_FORM = "pay_self_form"


def payer(stack, open_kinds: int = 1):
    """A resident no other test used, with at least `open_kinds` open dues: (verified slots,
    sender, number). Picked by the database (most residents are past 60 and owe one kind)."""
    from tests.nlu.actions import conftest

    rows = Raw(stack).sql("SELECT r.id_number, r.name FROM residents r JOIN contribution_dues d ON "
                          "d.id_number=r.id_number AND d.paid_on='' GROUP BY r.id_number HAVING COUNT(*)>=? "
                          "ORDER BY r.id_number", open_kinds)
    number, name = next(row for row in rows if row[0] not in conftest._USED)
    conftest._USED.add(number)
    person = {"id_number": number, "name": name, "sender": f"kiosk-pay{len(conftest._USED)}-{number[-4:]}"}
    return dict(verified(stack, person), errand="pay_self"), person["sender"], number


def start_form(domain, slots, sender, form=SELF_FORM, validator=ValidatePaySelfForm):
    events, messages = run(validator(), tracker(slots, text="/pay_for_self", intent="pay_for_self", form=form,
                                                sender=sender), domain)
    return dict(slots, **slots_of(events)), messages


def consented(domain, stack, open_kinds=1):
    slots, sender, number = payer(stack, open_kinds)
    slots, _ = start_form(domain, slots, sender)
    if not slots.get("pay_dues"):
        slots["pay_dues"] = slots["pay_open"]["open"][0]["due_id"]
    return dict(slots, pay_consent=True), sender, number


def press(url: str) -> str:
    """What a phone does on the sandbox's payment page: open the link, press 确认付款."""
    base, _, query = url.partition("?")
    return requests.post(base, data={"t": dict(p.split("=", 1) for p in query.split("&"))["t"], "via": "qr"},
                         timeout=10).text


def test_the_dues_are_read_and_consent_asked_with_amount_and_payee(domain, portal_for_actions):
    slots, sender, number = payer(portal_for_actions, open_kinds=2)
    slots, messages = start_form(domain, slots, sender)
    stored = Raw(portal_for_actions).sql("SELECT due_id, amount_cents FROM contribution_dues WHERE id_number=? "
                                         "AND paid_on=''", number)
    assert {item["due_id"] for item in slots["pay_open"]["open"]} == {row[0] for row in stored}
    assert slots.get("pay_dues") is None  # two open: the resident chooses
    _events, messages = run(ActionAskPayDues(), tracker(slots, sender=sender), domain)
    assert "要交" in said(messages) and messages[0]["buttons"][-1]["title"].startswith("都交")
    events, _ = run(ValidatePaySelfForm(), tracker(slots, form=SELF_FORM, requested="pay_dues",
                                                   candidates={"pay_dues": "都交"}, sender=sender), domain)
    slots.update(slots_of(events))
    assert set(slots["pay_dues"].split(",")) == {row[0] for row in stored}
    _events, messages = run(ActionAskPayConsent(), tracker(slots, sender=sender), domain)
    total = sum(row[1] for row in stored) / 100
    assert f"{total:,.2f}" in said(messages) and "国家税务总局赣州市税务局" in said(messages)
    assert "同意付款" in [b["title"] for b in messages[0]["buttons"]]


def test_no_order_without_consent(domain, portal_for_actions):
    slots, sender, number = consented(domain, portal_for_actions)
    _events, messages = run(ActionCreatePaymentOrder(), tracker(dict(slots, pay_consent=False), sender=sender), domain)
    assert "没有扣钱" in said(messages)
    assert Raw(portal_for_actions).sql("SELECT COUNT(*) FROM payment_orders WHERE id_number=?", number)[0][0] == 0


def test_the_qr_order_is_followed_until_paid_once(domain, portal_for_actions):
    slots, sender, number = consented(domain, portal_for_actions)
    events, messages = run(ActionCreatePaymentOrder(), tracker(slots, sender=sender), domain)
    shown = messages[0]["custom"]["kiosk"]["payment"]
    assert "扫这个码" in said(messages) and shown["pay_url"].startswith("http") and "元" in shown["amount"]
    following = dict(slots, **slots_of(events))
    assert following["pay_order_id"] == shown["order_id"] and following["pay_dues"] is None
    _events, messages = run(ActionPaymentUpdate(), tracker(following, sender=sender), domain)
    assert "还没有收到付款" in said(messages)
    assert "付款成功" in press(shown["pay_url"])
    events, messages = run(ActionPaymentUpdate(), tracker(following, sender=sender), domain)
    assert "交好了" in said(messages) and messages[0]["custom"]["kiosk"]["printable"] is True
    assert messages[0]["custom"]["kiosk"]["finished"] == "pay_self"
    assert slots_of(events)["pay_order_id"] is None
    assert "不会重复扣钱" in press(shown["pay_url"])
    raw = Raw(portal_for_actions)
    assert raw.sql("SELECT COUNT(*) FROM payments WHERE order_id=?", shown["order_id"])[0][0] == 1
    assert raw.sql("SELECT status FROM payment_orders WHERE order_id=?", shown["order_id"])[0][0] == "paid"


def test_an_expired_code_says_so_and_a_new_one_replaces_it(domain, portal_for_actions):
    slots, sender, number = consented(domain, portal_for_actions)
    events, messages = run(ActionCreatePaymentOrder(), tracker(slots, sender=sender), domain)
    following = dict(slots, **slots_of(events))
    old = following["pay_order_id"]
    portal_for_actions.portal().sandbox_expire_order(old)
    _events, messages = run(ActionPaymentUpdate(), tracker(following, sender=sender), domain)
    assert "过期" in said(messages) and "/payment_new_order" in [b["payload"] for b in messages[0]["buttons"]]
    events, messages = run(ActionPaymentNewOrder(), tracker(following, text="/payment_new_order",
                                                            intent="payment_new_order", sender=sender), domain)
    new = slots_of(events)["pay_order_id"]
    assert new != old and messages[0]["custom"]["kiosk"]["payment"]["order_id"] == new
    assert "没有这个订单" not in press(messages[0]["custom"]["kiosk"]["payment"]["pay_url"])
    raw = Raw(portal_for_actions)
    assert raw.sql("SELECT COUNT(*) FROM payments WHERE order_id=?", old)[0][0] == 0
    assert raw.sql("SELECT COUNT(*) FROM payments WHERE order_id=?", new)[0][0] == 1


def test_the_payer_can_stop_and_the_order_is_cancelled(domain, portal_for_actions):
    slots, sender, _number = consented(domain, portal_for_actions)
    events, _ = run(ActionCreatePaymentOrder(), tracker(slots, sender=sender), domain)
    following = dict(slots, **slots_of(events))
    _events, messages = run(ActionPaymentCancel(), tracker(following, sender=sender), domain)
    assert "不交了" in said(messages)
    status = Raw(portal_for_actions).sql("SELECT status FROM payment_orders WHERE order_id=?",
                                         following["pay_order_id"])[0][0]
    assert status == "cancelled"


def test_nothing_open_ends_the_form_with_what_was_paid(domain, portal_for_actions):
    raw = Raw(portal_for_actions)
    slots, sender, number = payer(portal_for_actions)
    raw.sql("UPDATE contribution_dues SET paid_on='2026-01-05' WHERE id_number=?", number)
    slots, messages = start_form(domain, slots, sender)
    assert slots["pay_dues_read"] == "nothing" and "没有要交的" in said(messages)
    assert slots.get("requested_slot") is None
    _events, messages = run(ActionCreatePaymentOrder(), tracker(slots, sender=sender), domain)
    assert messages and raw.sql("SELECT COUNT(*) FROM payment_orders WHERE id_number=?", number)[0][0] == 0


def test_a_household_members_dues_by_relationship(domain, portal_for_actions):
    raw = Raw(portal_for_actions)
    slots = {"resident_token": raw.token(DEMO_ID), "resident_token_expires": time.time() + 600,
             "person_name": "张*英", "errand": "pay_family"}
    sender = "kiosk-family-pay-1"
    events, messages = run(ValidatePayFamilyForm(), tracker(slots, form="pay_family_form", requested="pay_member",
                                                            candidates={"pay_member": "给我外孙交"}, sender=sender),
                           domain)
    found = slots_of(events)
    assert found["pay_for"] == "member" and found["pay_open"]["name"].startswith("陈")
    assert "浩" not in found["pay_open"]["name"]  # masked
    grandson = raw.sql("SELECT id_number FROM residents WHERE name='陈浩'")[0][0]
    stored = {row[0] for row in raw.sql("SELECT due_id FROM contribution_dues WHERE id_number=? AND paid_on=''",
                                        grandson)}
    assert {item["due_id"] for item in found["pay_open"]["open"]} == stored
    if not stored:  # the seed's random households: this one has paid this year's already
        assert found["pay_dues_read"] == "nothing" and "没有要交的" in said(messages)
        return
    chosen = {**slots, **found, "pay_dues": sorted(stored)[0], "pay_consent": True}
    events, messages = run(ActionCreatePaymentOrder(), tracker(chosen, sender=sender), domain)
    order = slots_of(events)["pay_order_id"]
    assert raw.sql("SELECT id_number, payer FROM payment_orders WHERE order_id=?", order)[0] == (grandson, "member")
    run(ActionPaymentCancel(), tracker(dict(chosen, **slots_of(events)), sender=sender), domain)


def test_the_link_goes_by_sms_to_a_relative_masked_everywhere(domain, portal_for_actions):
    from nlu.actions.payment_link import ActionAskPayLinkConfirmed, ActionSendPayLink, ValidatePayLinkForm

    slots, sender, _number = consented(domain, portal_for_actions)
    events, _ = run(ActionCreatePaymentOrder(), tracker(slots, sender=sender), domain)
    following = dict(slots, **slots_of(events))
    phone = "13907975566"
    events, _ = run(ValidatePayLinkForm(), tracker(following, form="pay_link_form", requested="pay_link_phone",
                                                   candidates={"pay_link_phone": phone, "phone_number": phone},
                                                   sender=sender), domain)
    found = slots_of(events)
    assert found["pay_link_phone"] != phone and found["pay_link_phone"].endswith("5566")
    assert found["phone_number"] is None  # the hotline's slot does not keep it in full
    asked = dict(following, pay_link_phone=found["pay_link_phone"])
    _events, messages = run(ActionAskPayLinkConfirmed(), tracker(asked, sender=sender), domain)
    assert phone not in said(messages) and "对吗" in said(messages)
    _events, messages = run(ActionSendPayLink(), tracker(dict(asked, pay_link_confirmed=True), sender=sender), domain)
    assert "短信发好了" in said(messages) and phone not in said(messages)
    sms = portal_for_actions.portal().sandbox_sms(phone=phone)
    assert sms and following["pay_order_id"] in sms[0].text and "元" in sms[0].text


def test_a_guided_lesson_pays_for_the_learner_and_a_real_visit_never_does(domain, portal_for_actions):
    from nlu.actions.payments import ActionPracticePay

    slots, sender, _number = consented(domain, portal_for_actions)
    events, _ = run(ActionCreatePaymentOrder(), tracker(slots, sender=sender), domain)
    following = dict(slots, **slots_of(events))
    _events, messages = run(ActionPracticePay(), tracker(following, sender=sender), domain)
    raw = Raw(portal_for_actions)
    assert "扫码" in said(messages)
    assert raw.sql("SELECT status FROM payment_orders WHERE order_id=?", following["pay_order_id"])[0][0] == "waiting"
    lesson = "practice-" + sender  # the same kiosk, in a lesson (served by the practice portal: the sandbox)
    events, _ = run(ActionCreatePaymentOrder(), tracker(slots, sender=lesson), domain)
    practising = dict(slots, **slots_of(events))
    _events, messages = run(ActionPracticePay(), tracker(practising, sender=lesson), domain)
    assert "交好了" in said(messages)
    assert raw.sql("SELECT status FROM payment_orders WHERE order_id=?", practising["pay_order_id"])[0][0] == "paid"


def test_no_household_on_record_is_said_and_nothing_is_asked(domain, portal_for_actions):
    slots, sender, number = payer(portal_for_actions)
    assert not Raw(portal_for_actions).sql("SELECT 1 FROM family_members WHERE id_number=?", number)
    slots, messages = start_form(domain, dict(slots, errand="pay_family"), sender, form="pay_family_form",
                                 validator=ValidatePayFamilyForm)
    assert slots["pay_member"] == "nothing" and "没有登记" in said(messages)
    assert slots.get("requested_slot") is None
    _events, messages = run(ActionCreatePaymentOrder(), tracker(slots, sender=sender), domain)
    assert messages and Raw(portal_for_actions).sql("SELECT COUNT(*) FROM payment_orders WHERE id_number=?",
                                                    number)[0][0] == 0


def test_a_form_cancelled_half_way_leaves_nothing_stale_for_the_next(domain, portal_for_actions):
    slots, sender, _number = payer(portal_for_actions, open_kinds=2)
    stale = dict(slots, pay_dues_read="旧的", pay_dues="D-OLD", pay_consent=None,
                 pay_open={"for": "self", "name": "", "payee": "", "open": []})
    again, _ = start_form(domain, stale, sender)
    assert again["pay_dues_read"] != "旧的" and again["pay_dues"] is None and len(again["pay_open"]["open"]) >= 2
