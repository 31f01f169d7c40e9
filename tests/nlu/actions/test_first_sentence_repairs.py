"""Repairs found while trying the kiosk as a new user would (issue 18): a report said with no
errand under way starts the report, a wrong case number inside the rating offers no button the
rating cannot take, and a second sentence out of place is one apology, not two."""

from __future__ import annotations

import time

from nlu.actions.conversation import ActionFallback
from nlu.actions.details import ActionAnswerDetail
from nlu.actions.hotline_cases import ValidateHotlineRateForm, ValidateHotlineTrackForm
from tests.nlu.actions.conftest import run, said, slots_of, tracker, user_event

SIGNED_IN = {"resident_token": "t" * 20, "resident_token_expires": time.time() + 3600}
WRONG_CASE = "2026111800000237"  # its last digit is not its check digit


def test_a_problem_said_with_no_errand_starts_a_report_and_keeps_it(domain):
    entities = [{"entity": "place", "value": "幸福小区门口"}, {"entity": "problem_description", "value": "路灯坏了"},
                {"entity": "district", "value": "章贡区"}]
    said_first = tracker(text="章贡区幸福小区门口的路灯坏了", entities=entities)
    events, messages = run(ActionAnswerDetail(), said_first, domain)
    assert "12345" in said(messages)
    assert {"event": "followup", "name": "hotline_report_form", "timestamp": None} in events
    assert not {"place", "problem_description", "district"} & set(slots_of(events))  # nothing said is cleared


def test_a_wrong_case_number_in_the_rating_offers_no_button_it_cannot_take(domain):
    events, messages = run(ValidateHotlineRateForm(), tracker(
        SIGNED_IN, text=WRONG_CASE, form="hotline_rate_form", requested="case_number",
        candidates={"case_number": WRONG_CASE}), domain)
    assert slots_of(events)["case_number"] is None and "不对" in said(messages)
    assert not any(message.get("buttons") for message in messages)
    _events, following = run(ValidateHotlineTrackForm(), tracker(
        SIGNED_IN, text=WRONG_CASE, form="hotline_track_form", requested="case_number",
        candidates={"case_number": WRONG_CASE}), domain)
    assert [b["title"] for m in following for b in m.get("buttons") or []] == ["查我反映过的事"]


def test_out_of_place_twice_is_one_apology_and_the_question(domain):
    question = {"event": "bot", "text": "请输入要评价的办件编号。",
                "data": {"custom": {"kiosk": {"input": "case_number"}}}}
    first_apology = {"event": "bot", "text": "对不起，这一步我不明白。", "data": {}}
    history = [user_event("/hotline_rate", "hotline_rate"), question, user_event("是的", "affirm"),
               first_apology, question]
    _events, messages = run(ActionFallback(), tracker(events=history, text="是的", intent="affirm"), domain)
    assert said(messages) == "对不起，这一步我不明白。请输入要评价的办件编号。"
