"""Who the resident is without a card: the number typed, then a one-time code sent to the
resident's registered phone, or a staff member's check; against the real sandbox."""

from __future__ import annotations

import pytest

from nlu.actions.identity import ActionAskSmsCode, ValidateIdentityForm
from nlu.actions.vault import vault
from tests.nlu.actions.conftest import SENDER, code_sent_to, run, said, slots_of, tracker

pytestmark = pytest.mark.usefixtures("portal_for_actions")
FORM = "identity_form"
DEMO = "360702195003121226"


def validate(slot, value, domain, slots=None, text="x", sender=SENDER):
    return run(ValidateIdentityForm(), tracker(slots, text=text, form=FORM, requested=slot,
                                               candidates={slot: value}, sender=sender), domain)


def typed(resident, domain):
    """The resident's number typed, then 收短信验证码 tapped: the slots after both."""
    events, _ = validate("id_number", resident["id_number"], domain, sender=resident["sender"])
    slots = slots_of(events)
    events, _ = validate("identity_way", "sms", domain, slots=slots, sender=resident["sender"])
    return {**slots, **slots_of(events)}


def test_a_mistyped_number_is_caught_before_the_portal(domain):
    events, messages = validate("id_number", "360702195003121225", domain)
    assert slots_of(events)["id_number"] is None and "好像不对" in said(messages)


def test_a_valid_number_is_kept_out_of_the_record(domain):
    events, messages = validate("id_number", "3607 0219 5003 1212 26", domain)
    assert slots_of(events)["id_number"] == "3607 ********** 1226"
    assert vault().get(SENDER, "id_number") == DEMO and DEMO not in said(messages)


def test_the_code_from_the_residents_phone_verifies(portal_for_actions, resident, domain):
    slots = typed(resident, domain)
    assert slots["identity_way"] == "sms"
    code = code_sent_to(portal_for_actions, resident["id_number"])
    events, messages = validate("sms_code", code, domain, slots=slots, sender=resident["sender"])
    verified = slots_of(events)
    assert verified["resident_token"] and verified["verified_by"] == "sms"
    assert verified["person_name"].count("*") >= 1 and resident["name"] not in said(messages)
    assert code not in str(verified.values())  # the code itself is not kept either


def test_a_wrong_code_says_how_many_tries_are_left(portal_for_actions, resident, domain):
    slots = typed(resident, domain)
    right = code_sent_to(portal_for_actions, resident["id_number"])
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    events, messages = validate("sms_code", wrong, domain, slots=slots, sender=resident["sender"])
    assert slots_of(events)["sms_code"] is None and "还可以再试2次" in said(messages)
    assert not messages[0]["buttons"]  # the question that follows offers 再发一次 (once)


def test_three_wrong_codes_lock_the_number_even_the_right_one_after(portal_for_actions, resident, domain):
    slots = typed(resident, domain)
    right = code_sent_to(portal_for_actions, resident["id_number"])
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(3):
        events, messages = validate("sms_code", wrong, domain, slots=slots, sender=resident["sender"])
    assert slots_of(events)["identity_stop"] == "locked" and "暂停" in said(messages)
    events, messages = validate("sms_code", right, domain, slots=slots, sender=resident["sender"])
    assert not slots_of(events).get("resident_token")


def test_a_number_that_is_nobodys_is_answered_like_any_other(domain):
    nobody = "360702199001011232"  # a valid number the sandbox has no resident for
    events, _ = validate("id_number", nobody, domain, sender="kiosk-nobody-1")
    events, messages = validate("identity_way", "sms", domain, slots=slots_of(events), sender="kiosk-nobody-1")
    assert slots_of(events)["identity_way"] == "sms" and messages == []


def test_the_code_is_asked_for_with_a_keypad_and_a_way_out(domain):
    _events, messages = run(ActionAskSmsCode(), tracker({"id_number": "3607 ********** 1226"}), domain)
    assert messages[0]["custom"]["kiosk"]["input"] == "sms_code"
    assert {button["payload"] for button in messages[0]["buttons"]} >= {"/resend_code"}
    assert "练习用的验证码" not in said(messages)  # a real visit never shows the code


def test_a_lesson_shows_the_practice_code(portal_for_actions, domain):
    sender = "practice-kiosk-lesson-1"
    events, _ = validate("id_number", "360781195606304086", domain, sender=sender)
    events, _ = validate("identity_way", "sms", domain, slots=slots_of(events), sender=sender)
    _events, messages = run(ActionAskSmsCode(), tracker(slots_of(events), sender=sender), domain)
    assert code_sent_to(portal_for_actions, "360781195606304086") in said(messages)


def test_a_staff_check_waits_until_staff_confirm(portal_for_actions, resident, domain):

    events, _ = validate("id_number", resident["id_number"], domain, sender=resident["sender"])
    slots = slots_of(events)
    events, _ = validate("identity_way", "staff", domain, slots=slots, sender=resident["sender"])
    slots.update(slots_of(events))
    check = slots["staff_check_id"]
    events, messages = validate("staff_check", check, domain, slots=slots, sender=resident["sender"])
    assert slots_of(events)["staff_check"] is None and "再等一下" in said(messages)
    portal_for_actions.portal().decide_staff_check(check, "staff-wang", True)
    events, messages = validate("staff_check", check, domain, slots=slots, sender=resident["sender"])
    assert slots_of(events)["verified_by"] == "staff" and slots_of(events)["resident_token"]


def test_the_portal_down_ends_the_identity_step_with_a_sentence(domain, faults):
    events, _ = validate("id_number", DEMO, domain, sender="kiosk-down-1")
    faults(down=True)
    events, messages = validate("identity_way", "sms", domain, slots=slots_of(events), sender="kiosk-down-1")
    assert slots_of(events)["identity_stop"] == "unavailable" and "连不上" in said(messages)


@pytest.mark.parametrize("said, way", [("发短信吧", "sms"), ("我要收验证码", "sms"), ("我没有手机", "staff"),
                                       ("叫工作人员来", "staff"), ("sms", "sms"), ("随便", "")])
def test_the_way_can_be_said(said, way):
    from nlu.actions.identity import way_said

    assert way_said(said) == way


def test_a_code_said_in_words_is_read(portal_for_actions, resident, domain):
    slots = typed(resident, domain)
    code = code_sent_to(portal_for_actions, resident["id_number"])
    spoken = "验证码是" + "".join("零幺二三四五六七八九"[int(digit)] for digit in code)
    events, _ = validate("sms_code", spoken, domain, slots=slots, sender=resident["sender"])
    assert slots_of(events)["resident_token"]


def test_a_code_not_received_gets_the_ways_on(resident, domain):
    slots = typed(resident, domain)
    events, messages = validate("sms_code", "我没收到短信", domain, slots=slots, sender=resident["sender"])
    assert slots_of(events)["sms_code"] is None and "再发一次" in said(messages)


def test_a_card_placed_while_the_form_asks_ends_the_step_in_the_forms_own_run(domain):
    """/card_placed during the identity step: a verified card is taken by the form's own
    validation (greeting, verified slots, nothing more to ask), so the errand follows in the
    same turn; a card that did not verify is left to the rule that says why."""
    from nlu.actions.card import check_card
    from portal.sandbox.cards import EXPIRED_CARD_RESIDENT, demo_card

    for index, sender, verifies in ((0, "kiosk-card-1", True), (EXPIRED_CARD_RESIDENT, "kiosk-card-2", False)):
        card = demo_card(index)
        assert check_card(sender, card.id_number, card.name, card.valid_until)["verified"] is verifies
        events, messages = run(ValidateIdentityForm(), tracker(text="/card_placed", intent="card_placed", form=FORM,
                                                               requested="id_number", sender=sender), domain)
        slots = slots_of(events)
        if verifies:
            assert slots["verified_by"] == "card" and slots["resident_token"] and slots["requested_slot"] is None
            assert said(messages).endswith("您好。") and card.name not in said(messages)
            assert card.id_number not in str(slots.values())
        else:
            assert not slots.get("resident_token") and messages == []
    # Any other turn of the step is validated as before, whatever card was read earlier.
    events, messages = run(ValidateIdentityForm(), tracker(text="x", form=FORM, requested="id_number",
                                                           candidates={"id_number": "360702195003121225"},
                                                           sender="kiosk-card-1"), domain)
    assert slots_of(events)["id_number"] is None and "好像不对" in said(messages)
