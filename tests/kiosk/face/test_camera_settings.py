"""devices.camera: off by default, validated, and turned into the face desk's frame source; the
desk calls a camera working only when it gives a frame (a real image file, through OpenCV)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from config import load_settings
from config.kiosk_settings import CameraSettings

pytest.importorskip("tests.kiosk.face")  # OpenCV, dlib and the models

HOPPER = Path(pytest.importorskip("matplotlib").get_data_path()) / "sample_data" / "grace_hopper.jpg"


def test_off_by_default_so_no_kiosk_offers_the_face_check_unasked():
    camera = load_settings().devices.camera
    assert camera.enabled is False and camera.source == "camera:0" and camera.mirrored is False


@pytest.mark.parametrize("source", ["camera:0", "camera:/dev/video2", "video:demo/face.mp4", "image:a.png"])
def test_sources_that_are_accepted(source):
    assert CameraSettings(enabled=True, source=source).source == source


@pytest.mark.parametrize("source", ["0", "camera:", "webcam:0", "face.png", "image: "])
def test_sources_that_are_refused(source):
    with pytest.raises(ValidationError):
        CameraSettings(source=source)


def settings_with(source: str):
    settings = load_settings()
    camera = settings.devices.camera.copy(update={"enabled": True, "source": source})
    return settings.copy(update={"devices": settings.devices.copy(update={"camera": camera})})


def desk_with(source: str):
    from kiosk.face_desk import FaceDesk, camera_from_settings

    desk = FaceDesk(kiosk=None, session=None, checker=None, deliver=lambda call: call())
    desk._factory = camera_from_settings(settings_with(source))  # what attach() keeps
    return desk


def test_an_image_file_source_gives_frames_and_counts_as_working():
    from kiosk.face_desk import camera_from_settings

    source = camera_from_settings(settings_with(f"image:{HOPPER}"))()
    try:
        frame = next(iter(source.frames()))
    finally:
        source.close()
    assert frame.image.ndim == 3 and frame.image.shape[2] == 3
    assert desk_with(f"image:{HOPPER}").camera_works() is True


def test_no_camera_at_that_index_and_a_missing_file_do_not_count_as_working():
    assert desk_with("camera:57").camera_works() is False
    assert desk_with("image:no/such/picture.png").camera_works() is False


def test_a_desk_without_a_camera_is_not_working():
    from kiosk.face_desk import FaceDesk

    assert FaceDesk(kiosk=None, session=None, checker=None, deliver=lambda call: call()).camera_works() is False
