"""Who the resident is: the identity form's validation against the real sandbox."""

from __future__ import annotations

import pytest

from nlu.actions.identity import ActionAskPersonName, ValidateIdentityForm
from nlu.actions.vault import vault
from tests.nlu.actions.conftest import SENDER, run, said, slots_of, tracker

pytestmark = pytest.mark.usefixtures("portal_for_actions")
FORM = "identity_form"
DEMO = "360702195003121226"


def validate(slot, value, domain, slots=None, text="x"):
    return run(ValidateIdentityForm(), tracker(slots, text=text, form=FORM, requested=slot,
                                               candidates={slot: value}), domain)


def test_a_mistyped_number_is_caught_before_the_portal(domain):
    events, messages = validate("id_number", "360702195003121225", domain)
    assert slots_of(events)["id_number"] is None and "好像不对" in said(messages)


def test_a_valid_number_is_kept_out_of_the_record(domain):
    events, messages = validate("id_number", "3607 0219 5003 1212 26", domain)
    slots = slots_of(events)
    assert slots["id_number"] == "3607 ********** 1226" and slots["identity_challenge"]["options"]
    assert vault().get(SENDER, "id_number") == DEMO and DEMO not in said(messages)


def test_the_portal_down_ends_the_identity_step_with_a_sentence(domain, faults):
    faults(down=True)
    events, messages = validate("id_number", DEMO, domain)
    assert slots_of(events)["identity_stop"] == "unavailable" and "连不上" in said(messages)


def test_the_full_name_said_verifies(domain):
    events, _ = validate("id_number", DEMO, domain)
    challenge = slots_of(events)["identity_challenge"]
    events, messages = validate("person_name", "张桂英", domain, text="我叫张桂英",
                                slots={"identity_challenge": challenge, "id_number": "3607 ********** 1226"})
    slots = slots_of(events)
    assert slots["person_name"] == "张*英" and slots["resident_token"] and "张*英，您好" in said(messages)


def test_the_name_buttons_are_the_challenge(domain):
    challenge = {"challenge_id": "c1", "options": ["张*英", "李*明", "王*华", "刘*兰"]}
    _events, messages = run(ActionAskPersonName(), tracker({"identity_challenge": challenge}), domain)
    assert [b["title"] for b in messages[0]["buttons"]] == challenge["options"]
