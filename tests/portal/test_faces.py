"""The sandbox's face comparison with dlib's real model on real photos.

"Same person" here means the same photo after what a kiosk camera does to it (smaller in the
frame, mirrored, darker, JPEG-compressed, shaken, the head turned): only one photo of each
person ships in a package, so this proves the pipeline keeps one face together under capture
changes, not that two different photos years apart would match. "Different person" is two
different real people (skimage's astronaut, matplotlib's Grace Hopper).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.devices.camera import decode_image, encode_jpeg, mirrored
from portal.sandbox import faces
from portal.sandbox.faces import FaceComparer, FaceVerdict, Verdict
from tests.kiosk.face import blank, head_turn_sequence, held_photo, photo, place, place_on


def demo_id(index: int) -> str:
    """The identity number of one of the sandbox's fixed demo residents."""
    from common import idnumber
    from portal.sandbox.seed import DEMO_RESIDENTS

    _name, area, born, sequence, *_rest = DEMO_RESIDENTS[index]
    return idnumber.make(area, born, sequence)


@pytest.fixture(scope="module")
def comparer() -> FaceComparer:
    made = FaceComparer()
    assert made.available, made.problem
    return made


def kiosk_frames(name: str):
    """Three frames as the kiosk would send them: JPEG over the wire, decoded by the portal."""
    shaken = held_photo(place(name), seconds=0.2, seed=11)
    return [decode_image(encode_jpeg(image, quality=85)) for image in shaken[:3]]


def test_same_person_matches(comparer):
    verdict = comparer.compare(photo("astronaut"), kiosk_frames("astronaut"))
    assert verdict.verdict is Verdict.MATCH, verdict
    assert verdict.distance <= faces.MATCH_DISTANCE and verdict.frames_used == 3


@pytest.mark.parametrize("change", ["mirrored", "darker", "jpeg-40", "turned-head"])
def test_same_person_matches_through_capture_changes(comparer, change):
    base = place("astronaut")
    if change == "mirrored":
        frame = np.ascontiguousarray(mirrored(base))
    elif change == "darker":
        frame = (base * 0.6).astype(np.uint8)
    elif change == "jpeg-40":
        frame = decode_image(encode_jpeg(base, quality=40))
    else:
        frame = head_turn_sequence()[-10]  # well into the turn
    verdict = comparer.compare(photo("astronaut"), [frame])
    assert verdict.verdict is Verdict.MATCH, verdict


@pytest.mark.parametrize(("enrolled", "seen"), [("hopper", "astronaut"), ("astronaut", "hopper")])
def test_a_different_real_face_does_not_match(comparer, enrolled, seen):
    verdict = comparer.compare(photo(enrolled), kiosk_frames(seen))
    assert verdict.verdict is Verdict.NO_MATCH, verdict
    assert verdict.distance > faces.NO_MATCH_DISTANCE


def test_the_model_missing_means_staff_review(tmp_path: Path):
    verdict = FaceComparer(models=tmp_path).compare(photo("astronaut"), kiosk_frames("astronaut"))
    assert verdict.verdict is Verdict.NEEDS_STAFF_REVIEW and verdict.reason == "model_unavailable"
    assert verdict.distance is None


@pytest.mark.parametrize(("frames", "reason"), [
    (lambda: [photo("coffee")], "no_face"),
    (lambda: [place("astronaut", face_width=0.08)], "poor_quality"),  # too small to compare
    (lambda: [(place("astronaut") * 0.12).astype(np.uint8)], "poor_quality"),  # far too dark
    (lambda: [place_on(place_on(blank(), "astronaut", 0.22, (0.28, 0.45), context=1.8), "hopper", 0.22,
                       (0.72, 0.45), context=1.8)], "several_faces"),
    (lambda: [place("astronaut"), place("hopper")], "inconsistent_frames"),  # the person changed
    (lambda: [], "no_usable_frame"),
], ids=["no-face", "tiny", "dark", "two-people", "swapped", "nothing"])
def test_what_cannot_be_judged_goes_to_staff(comparer, frames, reason):
    verdict = comparer.compare(photo("astronaut"), frames())
    assert verdict.verdict is Verdict.NEEDS_STAFF_REVIEW, verdict
    assert verdict.reason == reason


def test_blurred_frame_goes_to_staff(comparer):
    cv2 = pytest.importorskip("cv2")
    blurred = cv2.GaussianBlur(place("astronaut"), (0, 0), 4)
    descriptor, why = comparer.descriptor(blurred)
    assert descriptor is None and why in ("poor_quality", "no_face")
    assert comparer.compare(photo("astronaut"), [blurred]).verdict is Verdict.NEEDS_STAFF_REVIEW


def test_no_enrolled_photo_or_no_face_in_it(comparer):
    assert comparer.compare(None, kiosk_frames("astronaut")).reason == "no_enrolled_photo"
    assert comparer.compare(photo("coffee"), kiosk_frames("astronaut")).reason == "no_face_in_enrolled_photo"


def test_demo_residents_enrolled_photos():
    zhang = demo_id(0)  # 张桂英: Grace Hopper's portrait
    li = demo_id(1)  # 李德明: no photo on file
    liu = demo_id(2)  # 刘秀兰: the astronaut
    assert faces.enrolled_photo(zhang).shape == photo("hopper").shape
    assert faces.enrolled_photo(li) is None
    assert faces.verify_resident(liu, kiosk_frames("astronaut")).verdict is Verdict.MATCH
    assert faces.verify_resident(zhang, kiosk_frames("astronaut")).verdict is Verdict.NO_MATCH
    assert faces.verify_resident(zhang, kiosk_frames("hopper")).verdict is Verdict.MATCH
    review = faces.verify_resident(li, kiosk_frames("astronaut"))
    assert review.verdict is Verdict.NEEDS_STAFF_REVIEW and review.reason == "no_enrolled_photo"


def test_verdict_json_for_the_endpoint():
    body = FaceVerdict(Verdict.MATCH, "distance", 0.31234, 3, 3, faces.MODEL_NAME).to_json()
    assert body == {"verdict": "match", "reason": "distance", "distance": 0.312, "frames_used": 3,
                    "frames_received": 3, "model": "dlib_resnet_v1",
                    "thresholds": {"match": 0.45, "no_match": 0.6}}
