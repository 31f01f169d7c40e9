"""The face check in the real window, against the real services: the kiosk reports its camera to
the action server (and only then does the dialogue offer 刷脸认证), the face screen shows the
frames with the detector's guidance, the liveness step runs, the frames go to the action
server's face route and the sandbox's dlib comparison, and the dialogue says how it went.

The camera is a frame source of real photos (tests/kiosk/face: scikit-image's astronaut, who
is 刘秀兰's enrolled photo in the sandbox), paced like a camera at 15 frames a second.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Callable, Iterator, List, Sequence

import numpy as np
import pytest

from kiosk import theme
from kiosk.devices.camera import SequenceSource
from kiosk.face.liveness import Challenge, random_challenge
from kiosk.face.runner import RunConfig
from portal.sandbox.cards import demo_card
from tests.kiosk.test_pension_walk import measure
from tests.kiosk.ui import find_one
from tests.portal.conftest import demo_resident

face_data = pytest.importorskip("tests.kiosk.face")  # skips without OpenCV, dlib or the models

pytestmark = [pytest.mark.ui, pytest.mark.services]

LIU = 2  # 刘秀兰 in seed.DEMO_RESIDENTS: enrolled with the astronaut photo


def camera_of(images: Sequence[np.ndarray]) -> Callable[[], SequenceSource]:
    """A fresh camera-paced source of these frames each time the desk opens the camera."""
    return lambda: SequenceSource(list(images), realtime=True)


def said(ui) -> List[str]:
    ui.app.speaker.wait_idle()
    return list(ui.app.speaker.spoken)


@pytest.fixture
def face(ui) -> Iterator:
    """The face desk with a camera attached for one test (and detached after: no face way)."""
    desk = ui.app.controller.face
    shown: List[str] = []
    uid = desk.view.fbind("guidance", lambda _view, text: shown.append(text))
    desk.shown = shown
    ui.app.speaker.wait_idle()
    ui.app.speaker.spoken.clear()  # what this test's visit says, from here on
    yield desk
    desk.view.unbind_uid("guidance", uid)
    attached = desk.reported is not None
    desk.detach()
    desk.config = RunConfig()
    desk.choose_challenge = random_challenge
    assert desk.reported is (False if attached else None)  # the next test's kiosk has no face way


def attach(ui, desk, images: Sequence[np.ndarray]) -> None:
    desk.reported = None
    desk.attach(camera_of(images), ui.app.settings.kiosk.kiosk_id, ui.app.controller.card.checker)
    ui.wait_until(lambda: desk.reported is not None, timeout=60, what="the camera reported")
    assert desk.reported is True


@pytest.fixture
def liu(stack) -> Iterator[str]:
    """刘秀兰 due in 10 days (so the kiosk offers to certify); her due date put back after."""
    client = stack.portal()
    number = demo_resident(LIU)[0]
    before = client.sandbox_certification(number).due_date
    client.sandbox_certification_due(number, 10)
    yield number
    client.sandbox_certification_due(number, (before - date.today()).days)


def certify_with_card(ui, card_reader) -> None:
    """The certification errand (what its tile sends), then her card on the reader."""
    ui.app.controller.tile("/pension_certification", "养老资格认证")
    ui.wait_until(lambda: ui.current() == "keypad", timeout=60, what="asked who she is")
    card_reader.place(demo_card(LIU))
    ui.wait_until(lambda: "请工作人员认证" in [title for title, _ in ui.app.state.choices], timeout=60,
                  what="the ways to certify")


def tap_choice(ui, title: str) -> None:
    from kiosk.widgets.buttons import ChoiceButton

    ui.tap(find_one(ui.screen, ChoiceButton, title))


def titles(ui) -> List[str]:
    return [title for title, _ in ui.app.state.choices]


def test_without_a_reported_camera_only_the_staff_way(ui, stack, card_reader, liu, face):
    assert face.reported in (None, False)
    certify_with_card(ui, card_reader)
    assert titles(ui) == ["请工作人员认证"]
    assert not any("刷脸" in words for words in said(ui))


def test_face_photo_turning_its_head_is_certified(ui, stack, card_reader, liu, face, output_dir):
    turn = face_data.head_turn_sequence("astronaut", 25.0)
    attach(ui, face, [face_data.place("astronaut")] * 90 + list(turn) + [turn[-1]] * 30)
    face.choose_challenge = lambda: Challenge.TURN_LEFT
    certify_with_card(ui, card_reader)
    assert titles(ui) == ["刷脸认证", "请工作人员认证"]
    tap_choice(ui, "刷脸认证")
    ui.wait_until(lambda: ui.current() == "face" and face.view.preview is not None, timeout=60, what="the camera")
    shot = ui.screenshot(output_dir / "1-face-guidance.png")
    assert not measure(ui, shot, [("guidance", theme.FLOOR_TITLE)])
    ui.wait_until(lambda: face.view.step == "challenge", timeout=60, what="the liveness step")
    ui.screenshot(output_dir / "2-face-turn.png")
    ui.wait_until(lambda: ui.current() == "result", timeout=90, what="the certification result")
    shot = ui.screenshot(output_dir / "3-certified.png")
    assert ui.screen.ids.title.text.startswith("养老资格认证好了")
    words = " ".join(said(ui))
    assert "很好，就这样。请慢慢把头转向左边" in words and "刷脸认证好了" in words
    assert "请慢慢把头转向左边" in face.shown and "正在核对，请稍等" in face.shown
    record = stack.portal().sandbox_certification(liu)
    latest = max(record.records, key=lambda r: r.at)
    assert latest.way == "kiosk_face" and latest.kiosk_id == ui.app.settings.kiosk.kiosk_id
    assert latest.staff_account is None and record.due_date > date.today() + timedelta(days=300)


@pytest.mark.parametrize(("picture", "sentence", "step"), [
    (lambda: face_data.photo("coffee"), "请看着屏幕", 0),
    (lambda: face_data.place("astronaut", face_width=0.10), "请靠近一点", 1),
    (lambda: face_data.place("astronaut", centre=(0.22, 0.45)), "请往左一点", 2),
], ids=["no-face", "too-small", "off-centre"])
def test_each_picture_gets_its_spoken_guidance(ui, stack, face, picture, sentence, step, output_dir):
    """Each at one text step (standard, larger, largest): the screen measured at all three."""
    from rasa_sdk.executor import CollectingDispatcher

    from common.kiosk_protocol import FACE_CHECK, STEP, directive
    from kiosk.dialogue_client import parse_reply
    from nlu.actions.certification import STAFF_BUTTON
    from nlu.actions.certification_face import START

    ui.app.state.scale_index = step
    ui.app.state.font_scale = ui.app.settings.kiosk.text_scales[step]
    image = picture()
    attach(ui, face, [image] * 150)
    face.config = RunConfig(place_seconds=6.0)
    dispatcher = CollectingDispatcher()  # what start_face_check sends
    dispatcher.utter_message(text=START, buttons=[STAFF_BUTTON],
                             json_message=directive(**{FACE_CHECK: "start", STEP: "face_check"}))
    ui.app.controller.on_reply(parse_reply(dispatcher.messages))
    ui.wait_until(lambda: ui.current() == "face" and face.view.guidance == sentence, timeout=30,
                  what=f"{sentence} shown")
    shot = ui.screenshot(output_dir / "guidance.png")
    assert not measure(ui, shot, [("guidance", theme.FLOOR_TITLE)])
    ui.wait_until(lambda: ui.current() != "face", timeout=60, what="the check ended")
    assert sentence in said(ui)
    assert "很好，就这样。请慢慢把头转向左边" not in said(ui)  # never in place: no liveness step


def test_a_still_photo_fails_twice_then_the_staff_way(ui, stack, card_reader, liu, face, output_dir):
    attach(ui, face, face_data.held_photo(face_data.place("astronaut"), seconds=16))
    certify_with_card(ui, card_reader)
    tap_choice(ui, "刷脸认证")
    ui.wait_until(lambda: ui.current() == "face", timeout=60, what="the camera")
    ui.wait_until(lambda: "再试一次" in titles(ui), timeout=90, what="the first failure")
    assert "没有看到您转头" in ui.app.state.earlier_text + ui.app.state.assistant_text
    tap_choice(ui, "再试一次")
    ui.wait_until(lambda: ui.current() == "face", timeout=60, what="the camera again")
    ui.wait_until(lambda: ui.current() != "face" and titles(ui) == ["请工作人员认证"], timeout=90,
                  what="the second failure")
    ui.screenshot(output_dir / "twice.png")
    words = " ".join(said(ui))
    assert "两次都没有认出是您" in words
    record = stack.portal().sandbox_certification(liu)
    assert record.due_date <= date.today() + timedelta(days=10)  # nothing certified: still due
