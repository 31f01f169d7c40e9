"""The kiosk controller without a window: which screen each reply brings, the keypad, the
idle warning, the staff panel, voice words, the console's events and lessons.

Fast (no Rasa, no Xvfb): the controller is built with its real parts and a real session;
only the screens, the clock, the voice and the dialogue service are stand-ins that record
what happened. The window tests (tests/kiosk/test_*_walk.py) drive the same code for real.
"""

from __future__ import annotations

from typing import List

import pytest

from common.kiosk_protocol import END_VISIT, directive
from kiosk.dialogue_client import Button, Reply
from kiosk.idle import IDLE_WARNING
from kiosk.session import EMPTY_REPLY_TEXT
from tests.kiosk.controller_fakes import Kiosk

ID = "360702195003121226"


@pytest.fixture
def kiosk(tmp_path):
    made: List[Kiosk] = []

    def make(**kwargs) -> Kiosk:
        made.append(Kiosk(tmp_path, **kwargs))
        return made[-1]

    yield make
    for each in made:
        each.close()


ASK_ID = Reply(texts=("请输入您的身份证号码。点下面的数字，也可以一个字一个字地说。",),
               directives=directive(input="id_number")["kiosk"])
RESULT = Reply(texts=("您11月的养老金 3,215.60 元。",), directives=directive(
    result={"title": "11月养老金", "value": "3,215.60 元", "note": "已发放"}, printable=True)["kiosk"])
CONFIRM = Reply(texts=("我帮您记下了。", "对吗？"), buttons=(Button("是的", "/affirm"), Button("不对", "/deny")),
                directives=directive(input="yes_no")["kiosk"])


def test_a_question_for_a_number_opens_the_keypad_and_the_number_goes_masked(kiosk):
    k = kiosk(answers={"/query_pension": ASK_ID})
    k.after(lambda: k.controller.tile("/query_pension", "查养老金"))
    assert k.screens.current == "keypad"
    assert k.state.entry_prompt == "请输入您的身份证号码。" and "数字" in k.state.entry_hint_how
    for digit in ID[:-1]:
        k.controller.keypad.key(digit)
    assert not k.state.entry_ok and k.state.entry_hint == "还差 1 位。"
    k.controller.keypad.key("6")
    assert k.state.entry_display == "360702 19500312 1226" and k.state.entry_ok
    k.after(k.controller.keypad.confirm)
    assert k.dialogue.sent[-1] == f'/inform{{"id_number": "{ID}"}}'
    assert k.state.resident_text == "3607 ********** 1226"
    assert ID not in " ".join(line for _who, line in k.session.transcript.lines)


def test_a_reply_with_nothing_in_it_is_still_answered(kiosk):
    k = kiosk(answers={"后天": Reply(buttons=(Button("首页", "/home"),))})
    k.after(lambda: k.controller.say_text("后天"))
    assert k.voice.said[-1] == EMPTY_REPLY_TEXT and k.state.assistant_text == EMPTY_REPLY_TEXT
    assert k.state.choices == [("首页", "/home")]  # what the reply offered is kept


def test_a_result_is_shown_big_and_can_be_printed(kiosk):
    printed: List[dict] = []
    k = kiosk(answers={"/query_pension": RESULT}, printer=printed.append)
    k.after(lambda: k.controller.tile("/query_pension", "查养老金"))
    assert k.screens.current == "result" and k.state.result_value == "3,215.60 元" and k.state.can_print
    k.controller.print_receipt()
    assert "正在打印凭条，请在出纸口取。" in k.voice.said


def test_a_question_before_submitting_gets_the_confirm_screen(kiosk):
    k = kiosk(answers={"路灯坏了": CONFIRM})
    k.after(lambda: k.controller.say_text("路灯坏了"))
    assert k.screens.current == "confirm"
    assert k.state.assistant_text == "对吗？" and k.state.earlier_text == "我帮您记下了。"
    assert k.state.resident_text == "路灯坏了"


def test_idle_warns_then_wipes_the_visit(kiosk):
    k = kiosk(answers={"/query_pension": ASK_ID})
    k.after(lambda: k.controller.tile("/query_pension", "查养老金"))
    k.clock.now += 89
    k.controller.tick()
    assert IDLE_WARNING not in k.voice.said
    k.clock.now += 2
    k.controller.tick()
    assert k.voice.said[-1] == IDLE_WARNING and 0 < k.state.idle_seconds_left <= 30
    k.clock.now += 30
    k.controller.tick()
    assert k.screens.current == "home" and k.state.assistant_text == "" and k.controller.keypad.entry is None
    k.session.close()
    assert END_VISIT in k.dialogue.sent and k.dialogue.ended == 1  # the dialogue forgot the visit too


def test_a_touch_during_the_countdown_keeps_the_visit(kiosk):
    k = kiosk(answers={"/query_pension": ASK_ID})
    k.after(lambda: k.controller.tile("/query_pension", "查养老金"))
    k.clock.now += 100
    k.controller.tick()
    k.controller.still_here()
    k.clock.now += 25
    k.controller.tick()
    assert k.screens.current == "keypad" and k.state.idle_seconds_left == 0


def test_five_title_taps_and_the_pin_open_the_staff_settings(kiosk):
    k = kiosk()
    for _ in range(5):
        k.controller.staff.title_tapped()
    assert k.screens.current == "keypad" and "密码" in k.state.entry_prompt
    for digit in "1111":
        k.controller.keypad.key(digit)
    k.controller.keypad.confirm()
    assert k.state.entry_problem == "密码不对。" and k.screens.current == "keypad"
    for digit in "2468":
        k.controller.keypad.key(digit)
    k.controller.keypad.confirm()
    assert k.screens.current == "settings" and k.state.staff_rows
    k.controller.staff.adjust("rate", "-1")
    k.controller.staff.adjust("text", "1")
    k.controller.staff.save()
    assert k.voice.default_rate == k.voice.rate_cpm == 175
    assert k.controller.text_scale_default == 1 and k.state.font_scale == 1.25
    assert (k.settings.data_dir / "staff-settings.yaml").exists()
    assert "版本：" in k.state.staff_info


def test_staff_leave_for_maintenance_and_the_window_stays_closed_once(kiosk):
    k = kiosk()
    closed = []
    k.controller.quit_app = lambda: closed.append(True)
    for _ in range(5):
        k.controller.staff.title_tapped()
    for digit in "2468":
        k.controller.keypad.key(digit)
    k.controller.keypad.confirm()
    k.controller.staff.leave_for_maintenance()
    assert closed == [True] and (k.settings.data_dir / "stay-out").exists()


def test_words_from_the_bar_work_by_voice(kiosk):
    k = kiosk(answers={"/query_pension": ASK_ID})
    k.after(lambda: k.controller.tile("/query_pension", "查养老金"))
    k.controller.voice.heard("说慢一点")
    assert k.voice.rate_cpm == 175 and k.voice.said[-1] == "好的，我说慢一点。"
    k.controller.voice.heard("幺三八零七九七幺二三四")  # not a command: digits on the keypad
    assert k.controller.keypad.entry.value == "13807971234"
    k.controller.voice.heard("首页")
    assert k.screens.current == "home"


def test_speech_elsewhere_goes_to_the_dialogue(kiosk):
    k = kiosk()
    k.after(lambda: k.controller.voice.heard("我想查养老金"))
    assert k.dialogue.sent == ["我想查养老金"] and k.state.resident_text == "我想查养老金"


def test_volunteer_words_need_the_residents_consent(kiosk):
    k = kiosk()
    k.controller.console.handle({"type": "volunteer_text", "text": "查养老金"})
    assert k.dialogue.sent == []
    k.controller.console.handle({"type": "ask_consent"})
    assert k.screens.current == "conversation" and [c[1] for c in k.state.choices] == ["#consent:yes", "#consent:no"]
    k.controller.choose("#consent:yes", "可以")
    k.after(lambda: k.controller.console.handle({"type": "volunteer_text", "text": "查养老金"}))
    assert k.dialogue.sent == ["查养老金"] and k.state.resident_text == "（志愿者）查养老金"
    k.controller.home()
    k.controller.console.handle({"type": "volunteer_text", "text": "查医保"})
    assert "查医保" not in k.dialogue.sent  # consent ended with the visit


def test_a_staff_check_raises_help_with_it_and_staffs_decision_asks_the_dialogue(kiosk):
    wait = Reply(texts=("好的，工作人员马上过来，看一下您的身份证。请您在这里稍等。",),
                 directives=directive(identity_check="check-abc12345", step="staff_check")["kiosk"])
    k = kiosk(answers={'/inform{"identity_way": "staff"}': wait})
    k.after(lambda: k.controller.choose('/inform{"identity_way": "staff"}', "请工作人员核验"))
    [request] = k.session.help_queue.open_requests()
    assert request.identity_check == "check-abc12345"  # the console will show staff the check
    k.controller.console.handle({"type": "identity_checked", "check_id": "check-of-another-visit"})
    assert k.dialogue.sent[-1] == '/inform{"identity_way": "staff"}'  # not this visit's check
    k.after(lambda: k.controller.console.handle({"type": "identity_checked", "check_id": "check-abc12345"}))
    assert k.dialogue.sent[-1] == '/inform{"staff_check": "check-abc12345"}'
    k.controller.home()
    assert k.session.identity_check == ""


def test_a_lesson_waits_gives_hints_and_moves_on(kiosk):
    k = kiosk(answers={"/query_pension": ASK_ID})
    lessons = k.controller.lessons
    lessons.start("pension")
    assert k.dialogue.practice and k.state.practice and k.state.highlight == "查养老金"
    seconds, hint = k.scheduled.calls[-1]
    hint()
    assert "左上角" in k.voice.said[-1] and lessons.hints == 1
    k.clock.now += 10_000
    k.controller.tick()  # no idle timeout in a lesson
    assert k.state.idle_seconds_left == 0
    k.after(lambda: k.controller.tile("/query_pension", "查养老金"))
    assert k.dialogue.sender_id.startswith("practice-")  # a fresh practice conversation
    assert lessons.step_index == 1 and k.state.highlight == "确认"
    # Said after the reply's own question, not over it; the practice resident is the lesson files'.
    assert k.voice.said[-1].startswith("请输入您的身份证号码") and "360781 19560630 4086" in k.voice.said[-1]


def test_text_size_steps_and_the_next_visit_starts_standard(kiosk):
    k = kiosk()
    k.controller.bigger_text()
    k.controller.bigger_text()
    assert k.state.font_scale == 1.5 and k.voice.said[-1] == "好的，现在是特大字。"
    k.controller.bigger_text()
    assert k.state.font_scale == 1.0
    k.controller.bigger_text()
    k.controller.home()
    assert k.state.font_scale == 1.0 and k.state.scale_index == 0


def test_a_reply_that_comes_back_after_the_visit_ended_is_never_shown(kiosk):
    """The resident taps 查养老金 and goes home before the answer comes: the next resident must
    not see or hear the previous one's pension, and what was still waiting to be sent is not sent."""
    import threading
    import time

    k = kiosk(answers={"/query_pension": RESULT})
    answer, asked = threading.Event(), threading.Event()
    send = k.dialogue.send

    def slow(message: str) -> Reply:
        if message == "/query_pension":
            asked.set()
            answer.wait(10)
        return send(message)

    k.dialogue.send = slow
    k.session.say("/query_pension")
    assert asked.wait(5)
    k.session.say("/affirm")  # still queued when the visit ends
    k.session.end()
    answer.set()
    deadline = time.monotonic() + 10
    while END_VISIT not in k.dialogue.sent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert k.dialogue.sent == ["/query_pension", END_VISIT]
    assert not k.replied.is_set() and not any("养老金" in said for said in k.voice.said)
