"""One face check from frames to outcome (kiosk/face/runner.py) with the real detector and
landmark model on real photos: what is said, what is shown, and what would be sent.

Frames come from in-memory sources with virtual timestamps, so nothing waits in real time."""

from __future__ import annotations

from typing import List, Sequence, Tuple

import numpy as np
import pytest

from kiosk.devices.camera import CameraUnavailable, SequenceSource
from kiosk.face import DlibHogDetector, Landmarker
from kiosk.face.liveness import PROMPTS, Challenge
from kiosk.face.runner import READY, STOPPED, FaceRun, RunConfig, RunResult
from tests.kiosk.face import blank, head_turn_sequence, held_photo, photo, place


class Recorded:
    def __init__(self) -> None:
        self.said: List[str] = []
        self.shown: List[Tuple[str, str]] = []

    def show(self, image: np.ndarray, sentence: str, step: str, box) -> None:
        assert image.ndim == 3 and image.dtype == np.uint8
        if not self.shown or self.shown[-1] != (sentence, step):
            self.shown.append((sentence, step))


def check(images: Sequence[np.ndarray], challenge: Challenge = Challenge.TURN_LEFT,
          config: RunConfig = RunConfig(), mirrored: bool = False) -> Tuple[RunResult, Recorded]:
    seen = Recorded()
    run = FaceRun(lambda: SequenceSource(images), seen.show, seen.said.append, challenge, DlibHogDetector(),
                  Landmarker(5), mirrored=mirrored, config=config)
    return run.run(), seen


def test_a_face_in_place_that_turns_as_asked_gives_frames_to_send():
    turn = head_turn_sequence("astronaut", 25.0)
    result, seen = check([place("astronaut")] * 90 + list(turn))
    assert result.outcome == "checked" and result.reason == "turned"
    assert 1 <= len(result.frames) <= 3 and all(frame.shape == (480, 640, 3) for frame in result.frames)
    assert seen.said == [READY + PROMPTS[Challenge.TURN_LEFT]]
    assert seen.shown[-1] == (PROMPTS[Challenge.TURN_LEFT], "challenge")


def test_the_same_turn_asked_the_other_way_is_not_live():
    turn = head_turn_sequence("astronaut", 25.0)
    result, _seen = check([place("astronaut")] * 90 + list(turn) + [turn[0]] * 150, Challenge.TURN_RIGHT)
    assert result.outcome == "not_live" and result.frames == ()


def test_a_still_photo_held_up_is_not_live_and_nothing_is_kept():
    result, seen = check(held_photo(place("astronaut"), seconds=14))
    assert result.outcome == "not_live" and result.reason == "no_turn" and result.frames == ()
    assert seen.said == [READY + PROMPTS[Challenge.TURN_LEFT]]


@pytest.mark.parametrize(("image", "sentence"), [
    (lambda: photo("coffee")[:480, :640], "请看着屏幕"),
    (lambda: blank(), "请看着屏幕"),
    (lambda: place("astronaut", face_width=0.10), "请靠近一点"),
    (lambda: place("astronaut", centre=(0.22, 0.45)), "请往左一点"),
    (lambda: place("astronaut", centre=(0.78, 0.45)), "请往右一点"),
], ids=["coffee", "empty", "too-small", "left", "right"])
def test_never_in_place_says_what_to_do_then_ends(image, sentence):
    result, seen = check([image()] * 120, config=RunConfig(place_seconds=6.0))
    assert result.outcome == "not_in_place"
    assert seen.said == [sentence], "said once, after the quiet lead-in, and not repeated within 5 s"
    assert (sentence, "guide") in seen.shown


def test_the_lead_in_is_quiet_then_each_new_instruction_is_said_once():
    """The first 3 s the dialogue is still speaking; then too small, then in place and turning."""
    small = place("astronaut", face_width=0.10)
    result, seen = check([small] * 75 + [place("astronaut")] * 45 + list(head_turn_sequence()))
    assert seen.said == ["请靠近一点", READY + PROMPTS[Challenge.TURN_LEFT]]
    assert seen.shown[0] == ("请看着屏幕", "guide") and ("请靠近一点", "guide") in seen.shown
    assert result.outcome == "checked"


def test_nothing_is_said_during_the_lead_in():
    result, seen = check([place("astronaut", face_width=0.10)] * 40, config=RunConfig(place_seconds=60))
    assert result.outcome == "not_in_place" and seen.said == []  # the source ended after 2.7 s


def test_a_missing_camera_is_camera_unavailable():
    def no_camera():
        raise CameraUnavailable("no camera at 7")

    run = FaceRun(no_camera, lambda *_a: None, lambda _s: None, Challenge.TURN_LEFT, DlibHogDetector(), Landmarker(5))
    assert run.run().outcome == "camera_unavailable"


def test_stopped_from_another_thread_ends_quietly():
    seen = Recorded()
    run = FaceRun(lambda: SequenceSource([place("astronaut")] * 300), seen.show, seen.said.append,
                  Challenge.TURN_LEFT, DlibHogDetector(), Landmarker(5))
    original = seen.show

    def show_then_stop(*args) -> None:
        original(*args)
        run.stop()  # as the face screen's on_leave does

    seen.show = show_then_stop
    run.show = show_then_stop
    assert run.run().outcome == STOPPED
    assert seen.said == []
