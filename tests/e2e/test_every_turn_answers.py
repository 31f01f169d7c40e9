"""Whatever a resident says, at whatever step, the kiosk answers with something to see and
hear, and not with the safety net: a property of the dialogue, checked with generated odd
inputs (hypothesis) at every step of every errand, through the real Rasa, actions and sandbox.

The safety net (nlu/reply_guard.py: "对不起，刚才没有办成…") guarantees a non-empty reply
even when an action fails; here nothing is failing, so a turn that needs it is a bug in the
dialogue (an action that raised, a rule that goes silent) and fails the test too.
"""

from __future__ import annotations

from typing import Iterator, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common import errands
from common.text import NOTHING_DONE
from kiosk.dialogue_client import DialogueClient, Reply
from tests.e2e.conftest import demo_card, place_card

pytestmark = pytest.mark.services

CARD = "<the ID card on the reader>"
REPORT = [errands.HOTLINE_REPORT.payload, "路灯坏了，晚上看不见路", "文明大道18号", '/inform{"district": "章贡区"}',
          '/inform{"phone_number": "13912345678"}']
APPOINTMENT = [errands.APPOINTMENT.payload, CARD, '/inform{"district": "章贡区"}',
               '/inform{"hall_service": "社保业务"}']
# step -> what brings a fresh visit there
STEPS: List[Tuple[str, List[str]]] = [
    ("home", []),
    ("identity: number", [errands.PENSION.payload]),
    ("identity: the way", [errands.PENSION.payload, '/inform{"id_number": "360702195003121226"}']),
    ("verified, no errand", [CARD]),
    ("12345: problem", REPORT[:1]),
    ("12345: place", REPORT[:2]),
    ("12345: district", REPORT[:3]),
    ("12345: phone", REPORT[:4]),
    ("12345: read-back", REPORT[:5]),
    ("follow: case number", [errands.HOTLINE_TRACK.payload, CARD]),
    ("rate: score", [errands.HOTLINE_RATE.payload, CARD, '/inform{"case_number": "5820461392703516"}']),
    ("appointment: district", APPOINTMENT[:2]),
    ("appointment: service", APPOINTMENT[:3]),
    ("appointment: day", APPOINTMENT[:4]),
    ("hall: district", [errands.HALL_INFO.payload]),
]

# What residents (and recognisers) come out with: numbers in every shape, days, places, names,
# other errands' words, payloads of other steps, noise, nothing much, far too much.
SAID = st.sampled_from([
    "明天上午", "后天", "下个礼拜三", "章贡区", "于都", "13912345678", "139 1234 5678", "+86 139-1234-5678",
    "2026 0926 0000 0001", "5820461392703516", "360702195003121226", "3607 0219 5003 1212 26", "张桂英",
    "我叫张桂英", "今天天气怎么样", "啊啊啊", "嗯", "。。。", "😀", "hello", "不办了", "返回", "再说一遍",
    "说慢一点", "是的", "不对", "很不满意", "办得太慢了我要给差评", "我要取消预约", "帮我约后天去南康区办医保",
    "幸福小区门口的路灯坏了", "/affirm", "/deny", '/inform{"district": "章贡区"}', '/inform{"rating": 4}',
    '/inform{"track_by": "mine"}', "/help_volunteer", "一二三四五六", "十二月五号", "初八", "查养老金", "医保",
    "路" * 300,
])
TEXT = st.text(alphabet=st.characters(codec="utf-8", categories=("Lo", "Nd", "Zs", "Po")), min_size=1, max_size=40)


@pytest.fixture(scope="module")
def visits(stack) -> Iterator[DialogueClient]:
    dialogue = DialogueClient(stack.settings.dialogue.base_url, "odd-inputs", 60, stack.rasa_token)
    yield dialogue
    dialogue.end_session()
    dialogue.close()


def something_to_see_and_hear(reply: Reply) -> bool:
    return bool(reply.text.strip() or reply.result)


def walk(stack, dialogue: DialogueClient, path: List[str]) -> None:
    dialogue.end_session()  # a fresh visit
    for message in path:
        reply = place_card(stack, dialogue, demo_card(0)) if message == CARD else dialogue.send(message)
        assert something_to_see_and_hear(reply) and NOTHING_DONE not in reply.text, (path, message, reply)


@pytest.mark.parametrize("step, path", STEPS, ids=[step for step, _path in STEPS])
def test_any_answer_at_any_step_gets_a_real_reply(stack, visits, step, path):
    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(said=st.one_of(SAID, TEXT))
    def answered(said: str) -> None:
        walk(stack, visits, path)
        reply = visits.send(said)
        assert something_to_see_and_hear(reply), f"{step}: {said!r} got nothing: {reply}"
        assert NOTHING_DONE not in reply.text, f"{step}: {said!r} needed the safety net: {reply}"

    answered()
