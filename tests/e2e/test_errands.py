"""Every errand through the real dialogue (Rasa + actions + sandbox), as the kiosk drives it:
taps send payloads, speech sends text. Answers are checked against the sandbox database."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from common.numbers import is_valid_case_number
from portal.sandbox.server import database_path
from tests.e2e.conftest import DEMO_ID, DEMO_MASKED_NAME, DEMO_PHONE, verify

pytestmark = pytest.mark.services


def db(stack):
    return sqlite3.connect(database_path(stack.settings))


def yuan(cents: int) -> str:
    return f"{Decimal(cents) / 100:,.2f}\u00a0元"


def test_medical_balance_is_the_database_balance(stack, dialogue):
    reply = verify(stack, dialogue, "/query_medical_insurance")
    with db(stack) as conn:
        cents = conn.execute("SELECT balance_cents FROM medical_accounts WHERE id_number=?", (DEMO_ID,)).fetchone()[0]
    assert reply.result["value"] == yuan(cents)
    assert yuan(cents) in reply.text


def test_certification_due_soon_offers_only_the_ways_this_kiosk_has(stack, dialogue):
    reply = verify(stack, dialogue, "/pension_certification")
    assert "快到期" in reply.result["title"]
    # No camera reported by this kiosk: no face check, a staff member in person.
    assert "刷脸" not in reply.text and [b.title for b in reply.buttons] == ["请工作人员认证"]


def report_until_read_back(dialogue, description="楼道的灯坏了晚上看不见路", place="文明大道18号",
                           phone="13912345678"):
    reply = dialogue.send("/hotline_report")
    assert reply.input_kind == "free_speech"
    reply = dialogue.send(description)
    assert "在哪里" in reply.text
    reply = dialogue.send(place)
    assert reply.input_kind == "choice" and reply.buttons[0].title == "章贡区"
    reply = dialogue.send(reply.buttons[0].payload)
    assert reply.input_kind == "phone"
    return dialogue.send(f'/inform{{"phone_number": "{phone}"}}')


def test_hotline_report_reads_back_then_submits_once(stack, dialogue):
    reply = report_until_read_back(dialogue)
    assert "尾号5678" in reply.text and "13912345678" not in reply.text
    assert reply.input_kind == "yes_no" and [b.title for b in reply.buttons] == ["是的", "不对，我要改"]
    reply = dialogue.send("/affirm")
    number = reply.result["value"].replace(" ", "")
    with db(stack) as conn:
        row = conn.execute("SELECT description, place, district, category FROM hotline_cases WHERE case_number=?",
                           (number,)).fetchone()
    assert row == ("楼道的灯坏了晚上看不见路", "文明大道18号", "章贡区", "供水供电")


def test_wrong_detail_is_corrected_before_submitting(stack, dialogue):
    report_until_read_back(dialogue, place="幸福小区")
    reply = dialogue.send("/deny")
    assert [b.title for b in reply.buttons][:2] == ["改问题", "改地点"]
    reply = dialogue.send('/inform{"change_field": "place"}')
    assert "在哪里" in reply.text
    reply = dialogue.send("和谐路12号")
    assert "和谐路12号" in reply.text and "幸福小区" not in reply.text and reply.input_kind == "yes_no"
    reply = dialogue.send("是的")
    assert reply.result and len(reply.result["value"].replace(" ", "")) == 16


def demo_cases(stack):
    """The demo resident's own cases (reported by her, or with her phone): [(case number,
    status now, rating)], oldest first."""
    with db(stack) as conn:
        return conn.execute(
            "SELECT c.case_number, (SELECT status FROM case_events e WHERE e.case_number=c.case_number "
            "ORDER BY step DESC LIMIT 1), c.rating_score FROM hotline_cases c "
            "WHERE c.reporter_id_number=? OR c.contact_phone=? ORDER BY c.created_at", (DEMO_ID, DEMO_PHONE)).fetchall()


def rating_of(stack, case_number: str):
    with db(stack) as conn:
        return conn.execute("SELECT rating_score FROM hotline_cases WHERE case_number=?", (case_number,)).fetchone()[0]


def test_follow_own_case_by_number_then_rate_it(stack, dialogue):
    closed = next(number for number, status, rating in demo_cases(stack) if status == "已办结" and rating is None)
    reply = verify(stack, dialogue, "/hotline_track")
    assert reply.text.startswith(f"{DEMO_MASKED_NAME}，您好。") and reply.input_kind == "case_number"
    assert any(b.title == "查我反映过的事" for b in reply.buttons)
    reply = dialogue.send(f'/inform{{"case_number": "{closed}"}}')
    assert reply.result["value"] == "已办结" and f"尾号{closed[-4:]}" in reply.text
    assert any(b.title == "去评价" for b in reply.buttons)
    reply = dialogue.send("/hotline_rate")  # already verified: straight to the rating
    assert reply.input_kind == "choice" and len(reply.buttons) == 5
    reply = dialogue.send('/inform{"rating": 4}')
    assert "您的评价是“满意”。对吗？" in reply.text and reply.input_kind == "yes_no"
    assert rating_of(stack, closed) is None  # read back, not yet sent
    reply = dialogue.send("/affirm")
    assert "谢谢您的评价" in reply.text
    assert rating_of(stack, closed) == 4


def test_my_cases_lists_the_residents_own(stack, dialogue):
    reply = verify(stack, dialogue, "/hotline_track")
    mine = next(b for b in reply.buttons if b.title == "查我反映过的事")
    assert mine.payload == '/inform{"track_by": "mine"}'
    reply = dialogue.send(mine.payload)
    assert reply.result and reply.result["title"] == "办理进度"
    own = demo_cases(stack)
    assert len(own) >= 2
    for number, _status, _rating in own[-3:]:  # newest first, up to three are told
        assert f"尾号{number[-4:]}" in reply.text


def test_a_case_reported_by_someone_else_is_not_shown(stack, dialogue):
    with db(stack) as conn:
        number, description = conn.execute(
            "SELECT case_number, description FROM hotline_cases WHERE reporter_id_number IS NOT NULL "
            "AND reporter_id_number<>? AND contact_phone<>? LIMIT 1", (DEMO_ID, DEMO_PHONE)).fetchone()
    verify(stack, dialogue, "/hotline_track")
    reply = dialogue.send(f'/inform{{"case_number": "{number}"}}')
    assert "没有查到您反映过的这件事" in reply.text
    assert not reply.result and description not in reply.text and number[-4:] not in reply.text


def unused_case_number(stack) -> str:
    """A case number with a right check digit that no case has."""
    with db(stack) as conn:
        taken = {row[0] for row in conn.execute("SELECT case_number FROM hotline_cases")}
    return next(number for number in (f"{prefix}{digit}" for prefix in range(123456789012345, 123456789012400)
                                      for digit in range(10))
                if is_valid_case_number(number) and number not in taken)


def test_my_cases_after_a_case_not_found(stack, dialogue):
    verify(stack, dialogue, "/hotline_track")
    reply = dialogue.send(f'/inform{{"case_number": "{unused_case_number(stack)}"}}')
    assert "没有查到您反映过的这件事" in reply.text
    mine = next(b for b in reply.buttons if b.title == "查我反映过的事")
    reply = dialogue.send(mine.payload)
    assert reply.result and reply.result["title"] == "办理进度"


def test_following_a_case_needs_identity_first(dialogue):
    reply = dialogue.send("/hotline_track")
    assert reply.input_kind == "id_number"  # before any case number is asked for


def test_appointment_booked_after_an_explicit_yes(stack, dialogue):
    reply = verify(stack, dialogue, "/book_appointment")
    assert reply.buttons[0].title == "章贡区"
    reply = dialogue.send(reply.buttons[0].payload)
    reply = dialogue.send(next(b.payload for b in reply.buttons if b.title == "社保业务"))
    assert len(reply.buttons) == 5  # working days
    reply = dialogue.send(reply.buttons[0].payload)
    assert 1 <= len(reply.buttons) <= 6  # times
    reply = dialogue.send(reply.buttons[0].payload)
    assert "对吗" in reply.text and reply.input_kind == "yes_no"
    reply = dialogue.send("/affirm")
    assert reply.result["title"] == "预约成功" and "身份证" in reply.text
    with db(stack) as conn:
        assert conn.execute("SELECT COUNT(*) FROM appointments WHERE id_number=? AND status='booked'",
                            (DEMO_ID,)).fetchone()[0] >= 1


def test_hall_info_by_district(dialogue):
    reply = dialogue.send("于都的办事大厅在哪")
    if reply.input_kind == "choice":  # the district was not caught from the sentence: tap it
        reply = dialogue.send('/inform{"district": "于都县"}')
    assert "于都县政务服务中心" in reply.text and "办公时间" in reply.text


@pytest.mark.parametrize("question, words", [("高龄补贴怎么领", "80周岁"), ("老人坐车免费吗", "公交")])
def test_policy_answers_are_plain(dialogue, question, words):
    reply = dialogue.send(question)
    assert words in reply.text


def test_out_of_scope_is_declined_kindly(dialogue):
    reply = dialogue.send("今天天气怎么样")
    assert "帮不上忙" in reply.text and reply.goes_home


@pytest.mark.parametrize("sounds", ["啊啊啊呀", "哈哈哈哈", "呜呜啦啦"])
def test_gibberish_is_not_understood(dialogue, sounds):
    reply = dialogue.send(sounds)
    assert "没听明白" in reply.text and reply.buttons


def test_two_misunderstandings_offer_buttons_then_a_person(dialogue):
    first = dialogue.send("/nlu_fallback")
    assert first.buttons and all(b.title != "找人帮忙" for b in first.buttons)
    second = dialogue.send("/nlu_fallback")
    assert any(b.title == "找人帮忙" for b in second.buttons)


def test_detours_inside_an_errand_resume_it(dialogue):
    reply = dialogue.send("/hotline_report")
    question = reply.text
    reply = dialogue.send("说慢一点")
    assert reply.directives.get("speech") == "slower" and question in reply.text
    reply = dialogue.send("再说一遍")
    assert question in reply.text
    reply = dialogue.send("路灯坏了好几天")
    reply = dialogue.send("返回")
    assert question in reply.text  # back at the first question
    reply = dialogue.send("不办了")
    assert reply.goes_home
