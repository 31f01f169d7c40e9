"""Waiting at the kiosk for staff to certify the pension in person: the help request carries the
portal's request, the console's decision for this visit (and only this one) brings
/staff_certified, and the configured patience running out brings /staff_wait_over.

Fast (no Rasa, no Xvfb): the real controller and session of tests/kiosk/test_controller.py, with
its recording dialogue and scheduler.
"""

from __future__ import annotations

from typing import List

import pytest

from common.kiosk_protocol import STAFF_CERTIFIED, STAFF_WAIT_OVER, directive, staff_task
from kiosk.dialogue_client import Button, Reply
from tests.kiosk.controller_fakes import Kiosk

ASK = '/pension_certification{"certification_way": "staff"}'
REQUEST = "req-abcdefgh12345678"
DONE = Button("工作人员认证好了", STAFF_CERTIFIED)
COMING = Reply(texts=("好的，工作人员马上过来，当面帮您认证。请您带好身份证，在这里稍等。",), buttons=(DONE,),
               directives=directive(identity_check=staff_task("certification", REQUEST),
                                    step="staff_certification")["kiosk"])
STILL = Reply(texts=("工作人员还在路上，请您再等一下。",), buttons=(DONE,))
OTHER_WAYS = Reply(texts=("对不起，工作人员现在走不开。您可以预约去大厅认证。",),
                   buttons=(Button("预约去大厅", "/book_appointment"),))


@pytest.fixture
def kiosk(tmp_path):
    made: List[Kiosk] = []

    def make() -> Kiosk:
        made.append(Kiosk(tmp_path, answers={ASK: COMING, STAFF_CERTIFIED: STILL, STAFF_WAIT_OVER: OTHER_WAYS}))
        return made[-1]

    yield make
    for each in made:
        each.close()


def _timer(k: Kiosk):
    [(seconds, call)] = [(s, c) for s, c in k.scheduled.calls if s == k.controller.console.staff_wait.seconds]
    return seconds, call


def test_the_consoles_decision_for_this_visit_asks_the_dialogue(kiosk):
    k = kiosk()
    k.after(lambda: k.controller.choose(ASK, "请工作人员认证"))
    [request] = k.session.help_queue.open_requests()
    assert request.identity_check == f"certification:{REQUEST}"  # the console shows staff the request
    assert _timer(k)[0] == 300  # the default patience (config: kiosk.staff_wait_seconds)
    k.controller.console.handle({"type": "certification_decided", "request_id": "req-of-another-visit"})
    assert k.dialogue.sent[-1] == ASK  # another visit's decision is not this resident's
    k.after(lambda: k.controller.console.handle({"type": "certification_decided", "request_id": REQUEST}))
    assert k.dialogue.sent[-1] == STAFF_CERTIFIED
    _seconds, call = _timer(k)
    call()  # the patience runs out after the decision: nothing more is said
    assert k.dialogue.sent[-1] == STAFF_CERTIFIED and k.session.identity_check == ""


def test_nobody_came_in_time_brings_the_other_ways(kiosk):
    k = kiosk()
    k.after(lambda: k.controller.choose(ASK, "请工作人员认证"))
    k.after(lambda: k.controller.choose(STAFF_CERTIFIED, "工作人员认证好了"))  # tapped too early: still waiting
    assert k.controller.console.staff_wait.waiting
    _seconds, call = _timer(k)
    k.after(call)
    assert k.dialogue.sent[-1] == STAFF_WAIT_OVER and k.state.assistant_text.startswith("对不起")
    k.controller.console.handle({"type": "certification_decided", "request_id": REQUEST})
    assert k.dialogue.sent[-1] == STAFF_WAIT_OVER  # the wait is over: a late decision is not said again


def test_going_on_to_something_else_or_home_ends_the_wait(kiosk):
    k = kiosk()
    k.after(lambda: k.controller.choose(ASK, "请工作人员认证"))
    k.after(lambda: k.controller.say_text("查养老金"))  # a reply without "工作人员认证好了"
    assert not k.controller.console.staff_wait.waiting
    _seconds, call = _timer(k)
    call()
    assert k.dialogue.sent[-1] == "查养老金"
    k.after(lambda: k.controller.choose(ASK, "请工作人员认证"))
    k.controller.home()
    assert not k.controller.console.staff_wait.waiting and k.session.identity_check == ""


@pytest.mark.parametrize("seconds, accepted", [(30, False), (120, True), (840, True), (900, False)])
def test_the_patience_is_validated_and_ends_before_the_portal_gives_up(tmp_path, seconds, accepted):
    from config import ConfigError, load_settings
    from portal.sandbox.certification_staff import WAIT_SECONDS

    centre = tmp_path / "centre.yaml"
    centre.write_text(f"kiosk:\n  staff_wait_seconds: {seconds}\n", encoding="utf-8")
    if accepted:
        assert load_settings(str(centre)).kiosk.staff_wait_seconds == seconds < WAIT_SECONDS
    else:
        with pytest.raises(ConfigError, match="staff_wait_seconds"):
            load_settings(str(centre))
