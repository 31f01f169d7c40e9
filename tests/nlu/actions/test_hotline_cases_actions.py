"""12345 cases a resident reported: only a verified reporter sees or rates one; anyone else
is told it was not found, exactly as for a number that does not exist."""

from __future__ import annotations

import time

import pytest
import requests

from common.numbers import case_number_check
from nlu.actions.hotline_cases import (
    ActionShowCase,
    ActionSubmitRating,
    ValidateHotlineRateForm,
    ValidateHotlineTrackForm,
)
from nlu.actions.resident import kiosk_id
from portal.models import CaseRequest
from tests.nlu.actions.conftest import run, said, slots_of, tracker, verified

pytestmark = pytest.mark.usefixtures("portal_for_actions")
# A verification as the slots hold it, for validation steps that never call the portal.
SIGNED_IN = {"resident_token": "t" * 20, "resident_token_expires": time.time() + 3600}


def reported(stack, resident, steps=0):
    """A case the verified resident reported at the kiosk, moved `steps` along its timeline."""
    slots = verified(stack, resident)
    request = CaseRequest(category="市容环境", description="小区门口的垃圾三天没人收了", place="红旗大道12号",
                          district="章贡区", contact_phone="13900001111")
    case = stack.portal().submit_case(
        request, f"test-{resident['id_number']}", kiosk_id(resident["sender"]), slots["resident_token"])
    for _ in range(steps):
        requests.post(f"{stack.settings.portal.url}/v1/_sandbox/cases/{case.case_number}/advance",
                      headers={"Authorization": f"Bearer {stack.portal_key}"}, timeout=10).raise_for_status()
    return slots, case.case_number


@pytest.mark.parametrize("check_digit_right", [True, False])
def test_a_case_number_with_spaces_is_read_and_its_check_digit_checked(domain, check_digit_right):
    body = "202609260000000"
    right = body + case_number_check(body)
    written = right if check_digit_right else body + str((int(right[-1]) + 1) % 10)
    spaced = " ".join(written[i:i + 4] for i in range(0, 16, 4))
    events, messages = run(ValidateHotlineTrackForm(), tracker(
        SIGNED_IN, text=spaced, form="hotline_track_form", requested="case_number",
        candidates={"case_number": spaced}), domain)
    assert slots_of(events)["case_number"] == (right if check_digit_right else None)
    assert bool(messages) is not check_digit_right  # a wrong one is explained


def test_the_reporter_sees_their_case_masked(portal_for_actions, resident, domain):
    slots, number = reported(portal_for_actions, resident)
    events, messages = run(ActionShowCase(), tracker({**slots, "case_number": number}, sender=resident["sender"]),
                           domain)
    assert "已受理" in said(messages) and number[-4:] in said(messages)
    assert "13900001111" not in said(messages)


def test_someone_elses_case_is_not_found(portal_for_actions, resident, stranger, domain):
    _slots, number = reported(portal_for_actions, resident)
    stranger_slots = verified(portal_for_actions, stranger)
    events, messages = run(ActionShowCase(), tracker({**stranger_slots, "case_number": number},
                                                     sender=stranger["sender"]), domain)
    assert "没有查到您反映过的这件事" in said(messages) and "垃圾" not in said(messages)


def test_my_cases_lists_the_residents_own(portal_for_actions, resident, domain):
    slots, number = reported(portal_for_actions, resident)
    _events, messages = run(ActionShowCase(), tracker({**slots, "track_by": "mine"}, sender=resident["sender"]),
                            domain)
    assert number[-4:] in said(messages) and "垃圾" in said(messages)


def test_without_a_verified_resident_nothing_is_shown(portal_for_actions, resident, domain):
    _slots, number = reported(portal_for_actions, resident)
    _events, messages = run(ActionShowCase(), tracker({"case_number": number}), domain)
    assert "垃圾" not in said(messages) and messages[0]["custom"]["kiosk"]["screen"] == "home"


def test_ratings_said_in_words(domain):
    for words, score in (("很不满意", 1), ("不满意", 2), ("还行", 3), ("满意", 4), ("五星", 5)):
        events, _ = run(ValidateHotlineRateForm(), tracker(SIGNED_IN, text="x", form="hotline_rate_form",
                                                           requested="rating", candidates={"rating": words}), domain)
        assert slots_of(events)["rating"] == float(score), words


def test_a_rating_for_an_open_case_is_refused_kindly(portal_for_actions, resident, domain):
    slots, number = reported(portal_for_actions, resident, steps=1)
    _events, messages = run(ActionSubmitRating(), tracker({**slots, "case_number": number, "rating": 4.0},
                                                          sender=resident["sender"]), domain)
    assert "还没有办完" in said(messages)


def test_a_closed_case_is_rated_with_the_residents_words(portal_for_actions, resident, domain):
    slots, number = reported(portal_for_actions, resident, steps=3)
    _events, messages = run(ActionSubmitRating(), tracker(
        {**slots, "case_number": number, "rating": 2.0, "rating_comment": "办得太慢了"},
        sender=resident["sender"]), domain)
    assert messages[0]["response"] == "utter_rating_thanks"
    case = portal_for_actions.portal().follow_case(
        number, slots["resident_token"], kiosk_id(resident["sender"]))
    assert case.rating is not None and case.rating.score == 2
