"""A 12345 rating in the resident's own words, through the real dialogue and the sandbox: the
score said in words ("很不满意" is 1, not 2), the reason said with it kept, read back before
anything is sent, and stored with the rating (the contract carries it)."""

from __future__ import annotations

import sqlite3

import pytest

from portal.sandbox.server import database_path
from tests.e2e.conftest import demo_card, place_card, verify
from tests.e2e.first_sentence_driver import closed_case, drive, step_of

pytestmark = pytest.mark.services


def stored_rating(stack, number: str):
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute("SELECT rating_score, rating_comment FROM hotline_cases WHERE case_number=?",
                          (number,)).fetchone()


def test_a_rating_said_with_its_reason_keeps_the_reason(stack, dialogue):
    number = closed_case(stack)
    visit = drive(dialogue, "办得太慢了我要给差评", lambda: place_card(stack, dialogue, demo_card()),
                  answers={"case_number": f'/inform{{"case_number": "{number}"}}'})
    print(visit.transcript)
    assert "rating" not in visit.asked_after_identity  # the score was said
    read_back = visit.last
    assert step_of(read_back) == "rating_confirmed"
    assert "“不满意”" in read_back.text and "您说：办得太慢了。" in read_back.text
    assert stored_rating(stack, number) == (None, None)  # read back, not yet sent
    reply = dialogue.send("/affirm")
    assert "谢谢您的评价" in reply.text
    assert stored_rating(stack, number) == (2, "办得太慢了")


@pytest.mark.parametrize("words, score, heard", [
    ("很不满意", 1, "很不满意"), ("太差了", 1, "很不满意"), ("一颗星", 1, "很不满意"), ("还行", 3, "一般"),
    ("很好", 5, "很满意"), ("五星", 5, "很满意"),
    # words that read as something else without the rating step: 不好 (help?), 不怎么样 (out of
    # scope?), 不错 (不对?), 很差
    ("不好", 2, "不满意"), ("不怎么样", 2, "不满意"), ("不错", 4, "满意"), ("很差", 1, "很不满意"),
])
def test_a_rating_said_in_words_at_the_rating_step(stack, dialogue, words, score, heard):
    number = closed_case(stack)
    reply = verify(stack, dialogue, "/hotline_rate")
    assert step_of(reply) == "case_number"
    reply = dialogue.send(f'/inform{{"case_number": "{number}"}}')
    assert step_of(reply) == "rating"
    reply = dialogue.send(words)
    assert step_of(reply) == "rating_confirmed", reply
    assert f"“{heard}”" in reply.text
    reply = dialogue.send("是的")
    assert "谢谢您的评价" in reply.text
    assert stored_rating(stack, number)[0] == score
