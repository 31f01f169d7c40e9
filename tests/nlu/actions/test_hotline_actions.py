"""12345 reports: the form's validation (what it accepts, what it says when it cannot, the
explanation after repeated failures) and submission through the outbox."""

from __future__ import annotations

import sqlite3

import pytest

from nlu.actions.hotline import ActionSubmitHotlineReport, ValidateHotlineReportForm
from nlu.actions.vault import vault
from portal.sandbox.server import database_path
from tests.nlu.actions.conftest import SENDER, run, said, slots_of, tracker

pytestmark = pytest.mark.usefixtures("portal_for_actions")
REPORT = "hotline_report_form"


def validate(form_action, form, requested, candidates, domain, slots=None, text="x"):
    return run(form_action, tracker(slots, text=text, form=form, requested=requested, candidates=candidates), domain)


@pytest.mark.parametrize("written", ["13912345678", "139 1234 5678", "139-1234-5678", "+86 139 1234 5678",
                                     "幺三九幺二三四五六七八", "１３９１２３４５６７８"])
def test_a_phone_number_however_written_is_kept_masked(domain, written):
    events, messages = validate(ValidateHotlineReportForm(), REPORT, "phone_number", {"phone_number": written}, domain)
    assert slots_of(events)["phone_number"] == "139 **** 5678"
    assert vault().get(SENDER, "phone_number") == "13912345678"  # the full number waits outside the record
    assert messages == []


def test_a_wrong_phone_number_is_explained_the_second_time(domain):
    events, messages = validate(ValidateHotlineReportForm(), REPORT, "phone_number", {"phone_number": "12345"}, domain)
    assert slots_of(events)["phone_number"] is None and "11位" in said(messages)
    counts = slots_of(events)["failed_answers"]
    events, messages = validate(ValidateHotlineReportForm(), REPORT, "phone_number", {"phone_number": "12345"}, domain,
                                slots={"failed_answers": counts})
    assert "以1开头" in said(messages) and messages[0]["buttons"][-1]["payload"] == "/help_volunteer"


def test_a_description_needs_words_to_act_on(domain):
    events, messages = validate(ValidateHotlineReportForm(), REPORT, "problem_description",
                                {"problem_description": "嗯"}, domain)
    assert slots_of(events)["problem_description"] is None and "再说一遍" in said(messages)
    events, _messages = validate(ValidateHotlineReportForm(), REPORT, "problem_description",
                                 {"problem_description": "楼道的灯坏了"}, domain)
    assert slots_of(events)["problem_description"] == "楼道的灯坏了"
    assert slots_of(events)["problem_category"] == "供水供电"


def test_a_tapped_description_or_place_is_the_words_on_the_button(domain):
    """A tap's text is its payload; what is kept (and read back, and sent) is the button's words."""
    for slot, words in [("problem_description", "路灯不亮，晚上看不见路"), ("place", "小区门口")]:
        payload = f'/inform{{"{slot}": "{words}"}}'
        events, _messages = run(ValidateHotlineReportForm(), tracker(
            text=payload, form=REPORT, requested=slot, candidates={slot: payload},
            entities=[{"entity": slot, "value": words}]), domain)
        assert slots_of(events)[slot] == words


def test_a_said_description_is_kept_whole_not_cut_to_the_tagged_words(domain):
    spoken = "楼道的灯坏了三天了，老人晚上下楼看不见"
    events, _messages = run(ValidateHotlineReportForm(), tracker(
        text=spoken, form=REPORT, requested="problem_description", candidates={"problem_description": spoken},
        entities=[{"entity": "problem_description", "value": "楼道的灯坏了"}]), domain)
    assert slots_of(events)["problem_description"] == spoken


def test_a_district_said_short_is_its_full_name(domain):
    events, _ = validate(ValidateHotlineReportForm(), REPORT, "district", {"district": "我在于都"}, domain)
    assert slots_of(events)["district"] == "于都县"


def test_more_districts_is_paging_not_a_wrong_answer(domain):
    more = [{"entity": "district_page", "value": 1}]
    events, messages = run(ValidateHotlineReportForm(), tracker(
        text='/inform{"district_page": 1}', entities=more, form=REPORT, requested="district",
        candidates={"district": '/inform{"district_page": 1}', "district_page": 1}), domain)
    assert messages == [] and "failed_answers" not in slots_of(events)


def report_slots(place="文明大道18号"):
    return {"problem_description": "路灯不亮，晚上看不见路", "problem_category": "供水供电", "place": place,
            "district": "章贡区", "phone_number": "139 **** 5678", "report_confirmed": True}


def test_a_confirmed_report_becomes_one_case(portal_for_actions, domain):
    vault().put(SENDER, "phone_number", "13912345678")
    events, messages = run(ActionSubmitHotlineReport(), tracker(report_slots("和谐路99号")), domain)
    number = messages[0]["custom"]["kiosk"]["result"]["value"].replace(" ", "")
    assert len(number) == 16 and "12345" in said(messages)
    assert all(value is None for value in slots_of(events).values())  # the report's details are cleared
    with sqlite3.connect(database_path(portal_for_actions.settings)) as db:
        rows = db.execute("SELECT place, contact_phone FROM hotline_cases WHERE case_number=?", (number,)).fetchall()
    assert rows == [("和谐路99号", "13912345678")]


def test_a_report_made_while_the_portal_is_down_gets_a_receipt(domain, faults):
    faults(down=True)
    vault().put(SENDER, "phone_number", "13912345678")
    _events, messages = run(ActionSubmitHotlineReport(), tracker(report_slots("人民路7号")), domain)
    assert "已经记下了" in said(messages) and messages[0]["custom"]["kiosk"]["result"]["title"] == "登记号"


def test_a_forgotten_phone_number_is_asked_again_not_guessed(domain):
    vault().forget(SENDER)
    _events, messages = run(ActionSubmitHotlineReport(), tracker(report_slots()), domain)
    assert "手机号要再输一次" in said(messages)
