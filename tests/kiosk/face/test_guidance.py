"""Guidance from the real detector on real photos: each picture gets the right key and sentence.

Frames go through the same frame sources the kiosk uses (a still image repeated, a video file,
frames in memory), at 15 fps on a virtual clock, so no test waits in real time.
"""

from __future__ import annotations

from typing import Iterable, List, Optional, Sequence

import numpy as np
import pytest

from kiosk.devices.camera import (
    CameraSource,
    CameraUnavailable,
    Frame,
    SequenceSource,
    StillImageSource,
    VideoFileSource,
    decode_image,
    encode_jpeg,
    mirrored,
    open_source,
)
from kiosk.face import DlibHogDetector, FaceBox, FaceModelsUnavailable, HaarDetector
from kiosk.face.guidance import SENTENCES, Guidance, GuidanceConfig, GuidanceKey, GuidanceTracker
from tests.kiosk.face import HEIGHT, WIDTH, blank, frames, held_photo, photo, place, place_on


def run(source_frames: Iterable[Frame], tracker: Optional[GuidanceTracker] = None) -> List[Guidance]:
    tracker = tracker or GuidanceTracker()
    return [tracker.update(frame) for frame in source_frames]


def spoken(results: Sequence[Guidance]) -> List[str]:
    return [g.sentence for g in results if g.speak]


def settled(results: Sequence[Guidance]) -> Guidance:
    """The last result: after 1.5 s every still picture has settled."""
    return results[-1]


# -- one picture, one instruction ---------------------------------------------------------

@pytest.mark.parametrize(("picture", "key", "sentence"), [
    (lambda: place("astronaut"), GuidanceKey.READY, "很好，就这样"),
    (lambda: photo("coffee"), GuidanceKey.NO_FACE, "请看着屏幕"),
    (lambda: place("astronaut", face_width=0.10), GuidanceKey.TOO_SMALL, "请靠近一点"),
    (lambda: place("astronaut", face_width=0.66), GuidanceKey.TOO_LARGE, "请往后一点"),
    # Raw frame: face on the image's left = the resident stands too far to their own right.
    (lambda: place("astronaut", centre=(0.22, 0.45)), GuidanceKey.MOVE_LEFT, "请往左一点"),
    (lambda: place("astronaut", centre=(0.78, 0.45)), GuidanceKey.MOVE_RIGHT, "请往右一点"),
    (lambda: place("astronaut", centre=(0.5, 0.18)), GuidanceKey.MOVE_DOWN, "请往下一点"),
    (lambda: place("astronaut", centre=(0.5, 0.75)), GuidanceKey.MOVE_UP, "请往上一点"),
    (lambda: place_on(place_on(blank(), "astronaut", 0.22, (0.28, 0.45), context=1.8), "hopper", 0.22,
                      (0.72, 0.45), context=1.8),
     GuidanceKey.SEVERAL_FACES, "请只留一个人在镜头前"),
], ids=["centred", "no-face", "too-small", "too-large", "left", "right", "too-high", "too-low", "two-faces"])
def test_still_picture_gets_its_instruction(picture, key, sentence):
    image = picture()
    results = run(StillImageSource(image, seconds=1.5).frames())
    final = settled(results)
    assert final.key is key
    assert final.sentence == sentence == SENTENCES[key]
    assert spoken(results) == [sentence], "said once when it settled, not per frame"
    if key in (GuidanceKey.NO_FACE,):
        assert final.box is None
    else:
        assert final.box is not None


def test_box_is_where_the_face_was_put():
    image = place("astronaut", face_width=0.28, centre=(0.40, 0.45))
    final = settled(run(StillImageSource(image, seconds=0.4).frames()))
    cx, cy = final.box.centre
    assert abs(cx / WIDTH - 0.40) < 0.03 and abs(cy / HEIGHT - 0.45) < 0.05
    assert abs(final.box.width / WIDTH - 0.28) < 0.04
    drawn = final.box.mirrored(WIDTH)  # what the mirrored preview draws
    assert abs((drawn.centre[0] / WIDTH) - 0.60) < 0.03


def test_mirrored_camera_swaps_left_and_right():
    image = mirrored(place("astronaut", centre=(0.22, 0.45)))  # a driver that mirrors already
    final = settled(run(StillImageSource(image, seconds=1.5).frames(), GuidanceTracker(frames_are_mirrored=True)))
    assert final.key is GuidanceKey.MOVE_LEFT


def test_people_far_behind_do_not_count():
    image = place_on(place("astronaut", 0.28, (0.5, 0.45)), "hopper", 0.12, (0.88, 0.25), context=1.6)
    final = settled(run(StillImageSource(image, seconds=1.5).frames()))
    assert final.faces == 1 and final.key is GuidanceKey.READY


def test_photo_held_up_still_guides_like_a_face():
    """Guidance only places the face; telling a photo from a person is the liveness step's job."""
    results = run(frames(held_photo(place("astronaut"), seconds=1.5)))
    assert settled(results).key in (GuidanceKey.READY, GuidanceKey.HOLD_STILL)


def test_resident_walks_into_place():
    """Far and off to one side, then closer, then centred: each instruction in turn, then ready."""
    steps = [place("astronaut", 0.10, (0.5, 0.45))] * 30 + [place("astronaut", 0.28, (0.22, 0.45))] * 45 \
        + [place("astronaut", 0.28, (0.5, 0.45))] * 30
    results = run(frames(steps))
    assert spoken(results) == ["请靠近一点", "请往左一点", "很好，就这样"]
    assert settled(results).ready


# -- no flicker ---------------------------------------------------------------------------

def boxes_at(width_fraction: float, centre_x: float = 0.5) -> List[FaceBox]:
    w = round(width_fraction * WIDTH)
    return [FaceBox(round(centre_x * WIDTH - w / 2), round(0.45 * HEIGHT - w / 2), w, w, 1.0)]


def test_size_hovering_on_the_threshold_does_not_flicker():
    tracker = GuidanceTracker()
    results = [tracker.update_boxes(boxes_at(0.19 if i % 2 else 0.21), WIDTH, HEIGHT, i / 15) for i in range(150)]
    keys = {g.key for g in results[30:]}
    assert len(keys) == 1, f"one state after 2 s, not a flip per frame: {keys}"
    # 10 s: said when settled and then once every 5 s at most.
    assert len(spoken(results)) <= 3


def test_repeat_only_after_the_interval():
    config = GuidanceConfig()
    tracker = GuidanceTracker(config=config)
    results = [tracker.update_boxes(boxes_at(0.10), WIDTH, HEIGHT, i / 15) for i in range(int(12 * 15))]
    times = [g.timestamp for g in results if g.speak]
    assert len(times) == 3
    gaps = np.diff(times)
    assert all(gap >= config.repeat_seconds - 1e-6 for gap in gaps)


def test_ready_is_said_once_and_quick_changes_wait_for_the_gap():
    tracker = GuidanceTracker()
    results = [tracker.update_boxes(boxes_at(0.28), WIDTH, HEIGHT, i / 15) for i in range(15 * 10)]
    assert spoken(results) == ["很好，就这样"]
    # Then a brief step out of place (0.27 s) is not announced at all, nor is coming back.
    later = [tracker.update_boxes(boxes_at(0.28, 0.2), WIDTH, HEIGHT, 10 + i / 15) for i in range(4)]
    later += [tracker.update_boxes(boxes_at(0.28), WIDTH, HEIGHT, 10.3 + i / 15) for i in range(30)]
    assert {g.key for g in later} <= {GuidanceKey.READY, GuidanceKey.HOLD_STILL}
    assert spoken(later) == [] and later[-1].ready


def test_moving_face_is_asked_to_hold_still():
    tracker = GuidanceTracker()
    results = [tracker.update_boxes(boxes_at(0.28, 0.5 + 0.08 * np.sin(i / 3)), WIDTH, HEIGHT, i / 15)
               for i in range(45)]
    assert GuidanceKey.HOLD_STILL in {g.key for g in results}
    assert "请保持不动" in spoken(results)
    assert not any(g.ready for g in results)


# -- frame sources --------------------------------------------------------------------------

def test_still_image_source_repeats_at_its_fps():
    got = list(StillImageSource(photo("astronaut"), fps=10, seconds=2).frames())
    assert len(got) == 20 and got[-1].timestamp == pytest.approx(1.9)
    assert got[0].image.shape == (512, 512, 3) and got[0].image.dtype == np.uint8


def test_video_file_source_drives_guidance(tmp_path):
    """A demo video (made here from the photo; test data, not a resident's frames)."""
    cv2 = pytest.importorskip("cv2")
    path = tmp_path / "resident.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15.0, (WIDTH, HEIGHT))
    assert writer.isOpened()
    for image in [place("astronaut", 0.10)] * 15 + [place("astronaut")] * 30:
        writer.write(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    writer.release()
    source = open_source(str(path), realtime=False)
    assert isinstance(source, VideoFileSource)
    results = run(source.frames())
    assert len(results) == 45 and results[-1].timestamp == pytest.approx(44 / 15, abs=1e-3)
    assert spoken(results) == ["请靠近一点", "很好，就这样"]


def test_sequence_source_can_be_closed_midway():
    source = SequenceSource([blank()] * 100)
    seen = 0
    for _frame in source.frames():
        seen += 1
        if seen == 5:
            source.close()
    assert seen == 5


def test_missing_camera_is_reported():
    with pytest.raises(CameraUnavailable):
        CameraSource("/dev/video-none")


def test_jpeg_round_trip_stays_in_memory():
    image = place("astronaut")
    data = encode_jpeg(image)
    assert data[:2] == b"\xff\xd8"
    back = decode_image(data)
    assert back.shape == image.shape
    assert decode_image(b"not an image") is None


# -- the Haar fallback (OpenCV 4.x only) ---------------------------------------------------

def test_haar_fallback_guides_too():
    try:
        detector = HaarDetector()
    except FaceModelsUnavailable:
        pytest.skip("this OpenCV ships no Haar cascades (OpenCV 5)")
    assert detector.detect(photo("coffee")) == []
    results = run(StillImageSource(place("astronaut", centre=(0.22, 0.45)), seconds=1.5).frames(),
                  GuidanceTracker(detector=detector))
    assert settled(results).key is GuidanceKey.MOVE_LEFT


def test_detector_reports_the_face_in_the_original_photo():
    boxes = DlibHogDetector().detect(photo("astronaut"))
    assert len(boxes) == 1
    box = boxes[0]
    assert 150 < box.centre[0] < 300 and 80 < box.centre[1] < 200  # her face, upper left of centre
    assert isinstance(Frame(photo("astronaut"), 0.0, 0).image, np.ndarray)
