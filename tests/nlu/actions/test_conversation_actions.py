"""What every errand shares: say it again, go back a step, not understood, a detail said with
no errand under way, and the end of a visit."""

from __future__ import annotations

import pytest

from nlu.actions.conversation import ActionFallback, ActionForgetVisit, ActionGoBack, ActionRepeatLast
from nlu.actions.details import ActionAnswerDetail
from nlu.actions.vault import vault
from tests.nlu.actions.conftest import SENDER, run, said, slots_of, tracker, user_event

QUESTION = {"event": "bot", "text": "请输入您的手机号码。", "data": {"custom": {"kiosk": {"input": "phone"}}}}


def test_repeat_says_the_last_turn_again_with_its_buttons(domain):
    events = [user_event("/hotline_report", "hotline_report"), QUESTION]
    _events, messages = run(ActionRepeatLast(), tracker(events=events, text="再说一遍", intent="repeat"), domain)
    assert said(messages) == "请输入您的手机号码。" and messages[0]["custom"] == {"kiosk": {"input": "phone"}}


def test_going_back_clears_this_question_and_the_one_before(domain):
    events, messages = run(ActionGoBack(), tracker(form="hotline_report_form", requested="district",
                                                   text="返回", intent="go_back"), domain)
    assert set(slots_of(events)) == {"place", "district"} and "上一步" in said(messages)


def test_going_back_from_the_first_question_says_so(domain):
    events, messages = run(ActionGoBack(), tracker(form="hotline_report_form", requested="problem_description",
                                                   text="返回", intent="go_back"), domain)
    assert events == [] and "第一步" in said(messages)


def test_not_understood_twice_offers_a_person(domain):
    first = [user_event("啊啊", "nlu_fallback")]
    _events, messages = run(ActionFallback(), tracker(events=first, text="呃呃", intent="nlu_fallback"), domain)
    assert "找人帮忙" in [b["title"] for b in messages[0]["buttons"]]
    _events, once = run(ActionFallback(), tracker(text="呃呃", intent="nlu_fallback"), domain)
    assert "找人帮忙" not in [b["title"] for b in once[0]["buttons"]]


def test_understood_but_out_of_place_is_taken_back_and_the_question_asked_again(domain):
    history = [user_event("/hotline_report", "hotline_report"), QUESTION]
    events, messages = run(ActionFallback(), tracker(events=history, text="是的", intent="affirm"), domain)
    assert events == [{"event": "rewind", "timestamp": None}]
    assert said(messages) == "对不起，这一步我不明白。请输入您的手机号码。"


@pytest.mark.parametrize("entities, heard, starts", [
    ([{"entity": "appointment_date", "value": "明天"}], "好的，帮您预约", "identity_form"),
    ([{"entity": "hall_service", "value": "户籍业务"}], "好的，帮您预约", "identity_form"),
    ([{"entity": "case_number", "value": "5820461392703516"}], "办理进度", "identity_form"),
])
def test_a_detail_with_no_errand_starts_the_errand_it_belongs_to(domain, entities, heard, starts):
    events, messages = run(ActionAnswerDetail(), tracker(text="x", entities=entities), domain)
    assert heard in said(messages)
    assert {"event": "followup", "name": starts, "timestamp": None} in events


@pytest.mark.parametrize("entities, heard", [
    ([{"entity": "district", "value": "章贡区"}], "章贡区。您想办什么事"),
    ([{"entity": "phone_number", "value": "13912345678"}], "12345反映过的事"),
    ([{"entity": "person_name", "value": "张桂英"}], "请先点一下您要办的事"),
    ([{"entity": "rating", "value": "2"}], "评价"),
    ([], "您想办什么事"),
])
def test_a_detail_with_no_errand_is_answered_never_silence(domain, entities, heard):
    _events, messages = run(ActionAnswerDetail(), tracker(text="x", entities=entities), domain)
    assert heard in said(messages) and messages[0]["buttons"]


def test_the_end_of_a_visit_forgets_the_full_numbers(domain):
    vault().put(SENDER, "phone_number", "13912345678")
    vault().put(SENDER, "id_number", "360702195003121226")
    run(ActionForgetVisit(), tracker(text="/end_visit", intent="end_visit"), domain)
    assert vault().get(SENDER, "phone_number") is None and vault().get(SENDER, "id_number") is None
