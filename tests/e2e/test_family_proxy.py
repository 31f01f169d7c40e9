"""代办 through the real dialogue (Rasa with the trained model, the action server, the sandbox),
issue 18: an elder, verified by SMS, authorises a relative in words and taps (nothing recorded
before 是的; active only with the code from the relative's phone); the relative, verified at
another kiosk, chooses 帮家里人办 and asks the elder's pension; the elder, verified again, hears
it once; then withdraws the authorisation. The sandbox's database is checked at each step."""

from __future__ import annotations

import re
import sqlite3

import pytest

from portal.sandbox.server import database_path
from tests.e2e.conftest import latest_code, spare_resident, verify_by_sms

pytestmark = pytest.mark.services
FULL_NUMBER = re.compile(r"\d{17}[\dX]")


def rows(stack, query: str, *args) -> list:
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute(query, args).fetchall()


def tap(dialogue, reply, title: str):
    return dialogue.send(next(b.payload for b in reply.buttons if b.title == title))


def test_authorised_used_told_and_withdrawn(stack, dialogues):
    elder, _elder_name, _ = spare_resident(stack, "proxy_elder")
    relative, _relative_name, _ = spare_resident(stack, "proxy_relative")
    said = []

    dialogue = dialogues("kiosk-e2e-proxy-elder")
    reply = verify_by_sms(stack, dialogue, "我想让我女儿以后帮我办事", elder)
    assert reply.input_kind == "id_number" and "家人的身份证号码" in reply.text, reply
    reply = dialogue.send(f'/inform{{"id_number": "{relative}"}}')
    assert "什么人" in reply.text
    reply = tap(dialogue, reply, "女儿")
    reply = tap(dialogue, reply, "只查询")
    reply = tap(dialogue, reply, "一个月")
    said.append(reply.text)
    assert "对吗" in reply.text and "女儿" in reply.text and "一个月" in reply.text and relative[-4:] in reply.text
    assert rows(stack, "SELECT COUNT(*) FROM authorisations WHERE principal=?", elder) == [(0,)]
    reply = dialogue.send("/affirm")
    said.append(reply.text)
    [(grant, status)] = rows(stack, "SELECT authorisation_id, status FROM authorisations WHERE principal=?", elder)
    assert status == "pending" and "验证码" in reply.text and "*" in reply.text and reply.input_kind == "sms_code"
    reply = dialogue.send(f'/inform{{"sms_code": "{latest_code(stack, relative)}"}}')
    said.append(reply.text)
    assert "授权好了" in reply.text, reply
    assert rows(stack, "SELECT status, scopes, days, relationship FROM authorisations WHERE authorisation_id=?",
                grant) == [("active", "query", 30, "女儿")]
    reply = dialogue.send("我的授权")
    said.append(reply.text)
    assert "1位家人" in reply.text and "女儿" in reply.text

    helper = dialogues("kiosk-e2e-proxy-relative")
    reply = verify_by_sms(stack, helper, "帮家里人办", relative)
    said.append(reply.text)
    assert "现在是帮" in reply.text, reply
    reply = tap(helper, reply, "帮家里人查养老金")
    said.append(reply.text)
    assert "养老金" in reply.text and not reply.text.startswith("您"), reply
    assert rows(stack, "SELECT detail, told_at FROM proxy_log WHERE authorisation_id=?", grant) == [
        ("查了养老金", None)]

    again = dialogues("kiosk-e2e-proxy-elder-2")
    reply = verify_by_sms(stack, again, "查医保", elder)
    said.append(reply.text)
    assert "您女儿" in reply.text and "帮您查了养老金" in reply.text and "医保" in reply.text, reply
    assert rows(stack, "SELECT told_at IS NOT NULL FROM proxy_log WHERE authorisation_id=?", grant) == [(1,)]
    reply = again.send("取消授权")
    assert "要取消这个授权吗" in reply.text, reply
    reply = again.send("/affirm")
    said.append(reply.text)
    assert "已经取消了" in reply.text
    assert rows(stack, "SELECT status FROM authorisations WHERE authorisation_id=?", grant) == [("withdrawn",)]
    for text in said:
        assert not FULL_NUMBER.search(text), text
