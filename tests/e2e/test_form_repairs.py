"""Repairs found while trying the kiosk as a new user would, through the real dialogue:
something out of scope said inside a form is one short refusal and the same question again
(the form kept, the kiosk not sent home); a detail said with no errand under way is answered
with a question, never with silence."""

from __future__ import annotations

import pytest

from tests.e2e.first_sentence_driver import step_of

pytestmark = pytest.mark.services


def test_out_of_scope_at_the_phone_step_keeps_the_form(dialogue):
    reply = dialogue.send("/hotline_report")
    reply = dialogue.send("路灯坏了，晚上看不见路")
    reply = dialogue.send("文明大道18号")
    reply = dialogue.send('/inform{"district": "章贡区"}')
    assert step_of(reply) == "phone_number"
    reply = dialogue.send("今天天气怎么样")
    assert "这个我帮不上忙" in reply.text and not reply.goes_home
    assert step_of(reply) == "phone_number" and reply.input_kind == "phone"
    assert "手机号码" in reply.text  # the same question again
    reply = dialogue.send('/inform{"phone_number": "13912345678"}')
    assert step_of(reply) == "report_confirmed"
    assert "路灯坏了" in reply.text and "文明大道18号" in reply.text  # nothing said before was lost


@pytest.mark.parametrize("said", ["明天上午", "章贡区", "后天", "13912345678", "很满意"])
def test_a_detail_with_no_errand_is_answered_with_a_question(dialogue, said):
    reply = dialogue.send(said)
    assert reply.text.strip(), f"silence after {said}"
    assert reply.buttons or reply.input_kind, reply  # a way on: something to tap or to give
    assert "？" in reply.text or reply.input_kind, reply
