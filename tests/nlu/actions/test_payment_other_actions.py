"""给别人缴费 and 代办 payments through the actions against the real sandbox (issue 18): anyone's
dues by number after the masked name is confirmed (the order's payer kind 'other'), a wrong or
unknown number, 不是这个人; a relative acting for an elder pays the elder's dues with the proxy
token (payer 'proxy', in the elder's proxy log once paid), and without the "payment" scope is
refused plainly. The sandbox's database is checked, and no slot or message holds a full number."""

from __future__ import annotations

import re

import pytest

from common import idnumber
from nlu.actions.payment_forms import ActionAskPayConsent, ValidatePaySelfForm
from nlu.actions.payment_other import ActionAskPayOtherConfirmed, ValidatePayOtherForm
from nlu.actions.payments import ActionCreatePaymentOrder, ActionPaymentUpdate
from tests.nlu.actions.conftest import run, said, slots_of, tracker
from tests.nlu.actions.test_family_actions import acting_slots, grant
from tests.nlu.actions.test_payment_actions import payer, press, start_form
from tests.portal.conftest import Raw

pytestmark = pytest.mark.usefixtures("portal_for_actions")
FORM = "pay_other_form"
FULL_NUMBER = re.compile(r"\d{17}[\dX]")
_kiosks = iter(range(1, 1000))


def other_step(domain, slots, sender, **candidates):
    answer = next(iter(candidates))
    events, messages = run(ValidatePayOtherForm(), tracker(slots, form=FORM, requested=answer,
                                                           candidates=candidates, sender=sender), domain)
    return dict(slots, **slots_of(events)), said(messages)


def typed(domain, number, sender):
    """The number typed on the keypad (it fills id_number too, as the entity does every turn)."""
    return other_step(domain, {}, sender, pay_other_number=number, id_number=number)


def unknown_number(stack) -> str:
    known = {row[0] for row in Raw(stack).sql("SELECT id_number FROM residents")}
    first17 = next(f"36070219500101{n:03d}" for n in range(999) if f"36070219500101{n:03d}" not in known)
    return first17 + idnumber.check_char(first17)


def test_anyone_is_paid_for_by_number_after_the_masked_name(domain, portal_for_actions):
    _slots, _sender, number = payer(portal_for_actions)
    sender = f"kiosk-other{next(_kiosks)}-a1"  # the payer is not verified
    slots, words = typed(domain, number, sender)
    assert slots["pay_other_number"].endswith(number[-4:]) and slots["pay_other_number"] != number
    assert slots["id_number"] is None and slots["pay_lookup"]["lookup_id"]
    name = slots["pay_lookup"]["masked_name"]
    assert "*" in name and words == ""
    _events, messages = run(ActionAskPayOtherConfirmed(), tracker(slots, sender=sender), domain)
    assert f"是给{name}交吗" in said(messages)
    slots, words = other_step(domain, slots, sender, pay_other_confirmed=True)
    assert slots["pay_for"] == "other" and slots["pay_open"]["open"] and words == ""
    slots.update(pay_dues=slots["pay_dues"] or slots["pay_open"]["open"][0]["due_id"], pay_consent=True)
    _events, messages = run(ActionAskPayConsent(), tracker(slots, sender=sender), domain)
    assert f"给{name}交" in said(messages) and "同意付款" in said(messages)
    events, messages = run(ActionCreatePaymentOrder(), tracker(slots, sender=sender), domain)
    shown = messages[0]["custom"]["kiosk"]["payment"]
    following = dict(slots, **slots_of(events))
    assert following["pay_for"] == f"other:{slots['pay_lookup']['lookup_id']}" and following["pay_lookup"] is None
    [(whose, kind, payer_number)] = Raw(portal_for_actions).sql(
        "SELECT id_number, payer, payer_id_number FROM payment_orders WHERE order_id=?", shown["order_id"])
    assert (whose, kind, payer_number) == (number, "other", None)
    assert "付款成功" in press(shown["pay_url"])
    _events, messages = run(ActionPaymentUpdate(), tracker(following, sender=sender), domain)
    assert "交好了" in said(messages) and messages[0]["custom"]["kiosk"]["finished"] == "pay_other"
    assert not FULL_NUMBER.search(str(following)) and number not in str(messages)


def test_a_wrong_or_unknown_number_is_asked_again(domain, portal_for_actions):
    sender = f"kiosk-other{next(_kiosks)}-b2"
    wrong = unknown_number(portal_for_actions)[:-1] + ("0" if unknown_number(portal_for_actions)[-1] != "0" else "1")
    slots, words = typed(domain, wrong, sender)
    assert slots["pay_other_number"] is None and "号码好像不对" in words
    slots, words = typed(domain, unknown_number(portal_for_actions), sender)
    assert slots["pay_other_number"] is None and "没有查到" in words and not slots.get("pay_lookup")


def test_not_this_person_asks_for_the_number_again(domain, portal_for_actions):
    _slots, _sender, number = payer(portal_for_actions)
    sender = f"kiosk-other{next(_kiosks)}-c3"
    slots, _words = typed(domain, number, sender)
    slots, words = other_step(domain, slots, sender, pay_other_confirmed=False)
    assert slots["pay_other_number"] is None and slots["pay_lookup"] is None and "再输一遍" in words
    assert not slots.get("pay_open")  # nothing read for a person not confirmed


def elder_and_relative(stack, domain, stranger, scopes):
    elder_verified, elder_sender, number = payer(stack)
    elder = {"id_number": number, "sender": elder_sender}
    made = grant(stack, elder_verified, elder, stranger, scopes)
    acting, words = acting_slots(stack, domain, stranger)
    return dict(acting, errand="pay_self"), words, made, number


def test_a_relative_pays_the_elders_dues_with_the_payment_scope(domain, portal_for_actions, stranger):
    acting, words, made, number = elder_and_relative(portal_for_actions, domain, stranger, ["payment"])
    assert "缴费" in words
    sender, name = stranger["sender"], acting["proxy_name"]
    slots, _messages = start_form(domain, acting, sender)
    assert slots["pay_for"] == "proxy" and slots["pay_open"]["name"] == name
    slots.update(pay_dues=slots["pay_dues"] or slots["pay_open"]["open"][0]["due_id"], pay_consent=True)
    _events, messages = run(ActionAskPayConsent(), tracker(slots, sender=sender), domain)
    assert f"给{name}交" in said(messages) and "您自己" not in said(messages)
    events, messages = run(ActionCreatePaymentOrder(), tracker(slots, sender=sender), domain)
    shown = messages[0]["custom"]["kiosk"]["payment"]
    [(whose, kind, by)] = Raw(portal_for_actions).sql(
        "SELECT id_number, payer, authorisation_id FROM payment_orders WHERE order_id=?", shown["order_id"])
    assert (whose, kind, by) == (number, "proxy", made.authorisation_id)
    assert "付款成功" in press(shown["pay_url"])
    following = dict(slots, **slots_of(events))
    _events, messages = run(ActionPaymentUpdate(), tracker(following, sender=sender), domain)
    assert "交好了" in said(messages)
    log = Raw(portal_for_actions).sql("SELECT action, detail FROM proxy_log WHERE authorisation_id=?",
                                      made.authorisation_id)
    assert [action for action, _detail in log].count("payment") == 1


def test_a_proxy_token_that_ran_out_during_the_payment_is_taken_again(domain, portal_for_actions, stranger):
    """The relative took longer over the dues than the proxy token lives: the order is still
    the elder's, made with a new token, and the new token is kept for what follows."""
    acting, _words, made, number = elder_and_relative(portal_for_actions, domain, stranger, ["payment"])
    sender, old = stranger["sender"], acting["proxy_token"]
    slots, _messages = start_form(domain, acting, sender)
    Raw(portal_for_actions).sql("UPDATE proxy_tokens SET expires_at=0 WHERE token=?", old)
    slots.update(pay_dues=slots["pay_dues"] or slots["pay_open"]["open"][0]["due_id"], pay_consent=True,
                 proxy_expires=0)
    events, messages = run(ActionCreatePaymentOrder(), tracker(slots, sender=sender), domain)
    renewed = slots_of(events)
    assert renewed["proxy_token"] and renewed["proxy_token"] != old and renewed["proxy_expires"] > 0
    shown = messages[0]["custom"]["kiosk"]["payment"]
    [(whose, kind, by)] = Raw(portal_for_actions).sql(
        "SELECT id_number, payer, authorisation_id FROM payment_orders WHERE order_id=?", shown["order_id"])
    assert (whose, kind, by) == (number, "proxy", made.authorisation_id)


def test_without_the_payment_scope_the_relative_is_told_plainly(domain, portal_for_actions, stranger):
    acting, _words, made, number = elder_and_relative(portal_for_actions, domain, stranger, ["query"])
    sender, name = stranger["sender"], acting["proxy_name"]
    events, messages = run(ValidatePaySelfForm(), tracker(acting, text="/pay_for_self", intent="pay_for_self",
                                                          form="pay_self_form", sender=sender), domain)
    assert f"{name}没有授权您办这件事" in said(messages) and slots_of(events)["pay_dues_read"] == "unavailable"
    # Should the order be asked for anyway, the portal refuses it (403 proxy_not_allowed), said plainly.
    due = Raw(portal_for_actions).sql("SELECT due_id FROM contribution_dues WHERE id_number=? AND paid_on=''",
                                      number)[0][0]
    forced = dict(acting, pay_for="proxy", pay_dues=due, pay_consent=True, pay_dues_read="read")
    _events, messages = run(ActionCreatePaymentOrder(), tracker(forced, sender=sender), domain)
    assert f"{name}没有授权您办这件事" in said(messages)
    assert Raw(portal_for_actions).sql("SELECT COUNT(*) FROM payment_orders WHERE id_number=?", number)[0][0] == 0
