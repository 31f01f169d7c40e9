"""Real pictures for the face-check tests, and what a camera would make of them.

The faces are photos that ship inside packages, so the tests need no download and no real
resident's picture: scikit-image's ``data.astronaut()`` (Eileen Collins, NASA, public domain),
matplotlib's ``sample_data/grace_hopper.jpg`` (US Navy portrait, public domain) and, for a
picture with no face, ``data.coffee()`` (CC0). Everything is made in memory; nothing is saved.

What the helpers make, and what each can prove:
- ``place``: a photo scaled and shifted on a 640 x 480 grey canvas, so the real detector sees a
  face of a chosen size at a chosen place (too small, off-centre, ...).
- ``held_photo``: the same picture over and over with a hand's small shake (rotation, scale,
  shift) and sensor noise, i.e. a printed photo held up to the camera.
- ``flat_turn``: the photo turned in the hand about a vertical axis (a true perspective warp of
  a flat picture), which is what a photo can do; it must not pass a head-turn check.
- ``head_turn``: the face's pixels moved as a 3-D head would move them: a generic head (an
  ellipsoid with a nose in front of it) under the detected face, rotated about the vertical
  axis and projected back, so the nose slides across the face further than the cheeks do. The
  landmark model then genuinely finds the nose nearer one eye. This proves the detector,
  landmarks and decision respond to depth the way the check expects, and that the same code
  rejects the flat turn; it does not prove that every real resident's turn crosses the
  threshold (only real camera footage can).
- ``blink``: the upper eyelid skin drawn down over each eye (the pixels above the eye slide
  over it, located by the 68-point landmarks), which the landmark model reads as closed eyes.
  Same caveat: a synthetic eyelid, real texture, real landmark model.
"""

from __future__ import annotations

import functools
from typing import List, Optional, Sequence, Tuple

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")
pytest.importorskip("dlib")

from kiosk import face as face_models  # noqa: E402

if not face_models.available(5):
    pytest.skip("face-recognition-models not installed", allow_module_level=True)

from kiosk.devices.camera import Frame  # noqa: E402
from kiosk.face import DlibHogDetector, FaceBox, Landmarker  # noqa: E402

WIDTH, HEIGHT = 640, 480
FPS = 15.0
BACKGROUND = (118, 118, 118)


@functools.cache
def photo(name: str) -> np.ndarray:
    """'astronaut', 'coffee' (scikit-image) or 'hopper' (matplotlib), as RGB uint8."""
    if name == "hopper":
        matplotlib = pytest.importorskip("matplotlib")
        from pathlib import Path

        from kiosk.devices.camera import read_image

        image = read_image(Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg")
    else:
        data = pytest.importorskip("skimage.data")
        image = getattr(data, name)()
    image = np.ascontiguousarray(image[..., :3])
    image.setflags(write=False)
    return image


@functools.cache
def source_box(name: str) -> FaceBox:
    boxes = DlibHogDetector(upsample=1).detect(photo(name))
    assert boxes, f"{name}: the detector should find the face"
    return boxes[0]


def place_on(canvas: np.ndarray, name: str, face_width: float, centre: Tuple[float, float],
             flip: bool = False, context: Optional[float] = None) -> np.ndarray:
    """Paste photo `name` so its face is face_width of the canvas wide, centred at `centre`.

    context: paste only the head and shoulders (`context` face-widths around the face) instead
    of the whole photo, so a second face can be put beside the first without covering it.
    """
    height, width = canvas.shape[:2]
    image, box = photo(name), source_box(name)
    if context is not None:
        cx, cy = box.centre
        half = context * box.width / 2
        left, top = max(0, round(cx - half)), max(0, round(cy - half * 1.2))
        image = image[top:round(cy + half * 1.2), left:round(cx + half)]
        box = FaceBox(box.left - left, box.top - top, box.width, box.height, box.score)
    scale = face_width * width / box.width
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    resized = cv2.resize(image, None, fx=scale, fy=scale, interpolation=interpolation)
    fx, fy = box.centre[0] * scale, box.centre[1] * scale
    if flip:
        resized, fx = resized[:, ::-1], resized.shape[1] - fx
    ox, oy = round(centre[0] * width - fx), round(centre[1] * height - fy)
    x0, y0 = max(0, ox), max(0, oy)
    x1, y1 = min(width, ox + resized.shape[1]), min(height, oy + resized.shape[0])
    if x1 > x0 and y1 > y0:
        canvas[y0:y1, x0:x1] = resized[y0 - oy:y1 - oy, x0 - ox:x1 - ox]
    return canvas


def blank() -> np.ndarray:
    return np.full((HEIGHT, WIDTH, 3), BACKGROUND, dtype=np.uint8)


def place(name: str, face_width: float = 0.28, centre: Tuple[float, float] = (0.5, 0.45),
          flip: bool = False) -> np.ndarray:
    """One 640 x 480 frame with the photo's face at the given size (fraction of width) and place."""
    return place_on(blank(), name, face_width, centre, flip)


def frames(images: Sequence[np.ndarray], fps: float = FPS, start: float = 0.0) -> List[Frame]:
    return [Frame(image, start + index / fps, index) for index, image in enumerate(images)]


def shake(image: np.ndarray, rng: np.random.Generator, rotation: float = 1.0, scale: float = 0.01,
          shift: float = 2.0, noise: float = 3.0) -> np.ndarray:
    """A hand's small shake (degrees, fraction, pixels; standard deviations) plus sensor noise."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), rng.normal(0, rotation), 1 + rng.normal(0, scale))
    matrix[:, 2] += rng.normal(0, shift, 2)
    moved = cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
    return np.clip(moved.astype(np.int16) + rng.normal(0, noise, moved.shape), 0, 255).astype(np.uint8)


def held_photo(image: np.ndarray, seconds: float, seed: int = 1, fps: float = FPS) -> List[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [shake(image, rng) for _ in range(round(seconds * fps))]


def _face_of(image: np.ndarray) -> Tuple[FaceBox, np.ndarray]:
    boxes = DlibHogDetector().detect(image)
    assert boxes, "the frame should show a face"
    return boxes[0], Landmarker(5).landmarks(image, boxes[0])


def flat_turn(image: np.ndarray, degrees: float, focal: float = 700.0) -> np.ndarray:
    """The picture as a flat print turned `degrees` about the vertical line through the face."""
    box, _points = _face_of(image)
    height, width = image.shape[:2]
    cx, cy = box.centre
    angle = np.radians(degrees)
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    moved = []
    for x, y in corners:
        depth = focal + (x - cx) * np.sin(angle)
        moved.append([cx + focal * (x - cx) * np.cos(angle) / depth, cy + focal * (y - cy) / depth])
    homography = cv2.getPerspectiveTransform(corners, np.float32(moved))
    return cv2.warpPerspective(image, homography, (width, height), borderMode=cv2.BORDER_REPLICATE)


def head_turn(image: np.ndarray, degrees: float) -> np.ndarray:
    """The face turned `degrees` (positive: the person's own left) as a 3-D head would turn.

    Depth: an ellipsoid as wide as 1.24 face boxes and 1.7 tall, 0.75 of its half-width deep,
    plus a nose 0.28 of the box in front, centred a little above the 5-point nose base. Each
    pixel moves to x' = cx + (x - cx) cos(a) + z sin(a); the displacement fades to zero just
    outside the head so the background stays put. The inverse map is found by fixed-point
    iteration (the displacement is smooth and small).
    """
    if degrees == 0:
        return image.copy()
    box, points = _face_of(image)
    height, width = image.shape[:2]
    cx, cy = box.centre
    half_width, half_height = 0.62 * box.width, 0.85 * box.width
    depth = 0.75 * half_width
    nose_x, nose_y = points[4][0], points[4][1] - 0.10 * box.width
    angle = np.radians(degrees)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)

    def displacement(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        u, v = (x - cx) / half_width, (y - cy) / half_height
        q = u * u + v * v
        z = depth * np.sqrt(np.clip(1 - q, 0, None))
        z = z + 0.28 * box.width * np.exp(-(((x - nose_x) / (0.10 * box.width)) ** 2
                                            + ((y - nose_y) / (0.20 * box.width)) ** 2) / 2)
        turned = cx + (x - cx) * np.cos(angle) + z * np.sin(angle)
        fade = np.clip((1.45 - np.sqrt(q)) / 0.45, 0, 1)
        return (turned - x) * fade

    source_x = xs.copy()
    for _ in range(6):
        source_x = xs - displacement(source_x, ys)
    return cv2.remap(image, source_x.astype(np.float32), ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def blink(image: np.ndarray, amount: float, points68: Optional[np.ndarray] = None) -> np.ndarray:
    """Eyes closed by `amount` (0 open .. 1 shut): eyelid skin slides down over each eye."""
    if amount <= 0:
        return image.copy()
    if points68 is None:
        box = DlibHogDetector().detect(image)[0]
        points68 = Landmarker(68).landmarks(image, box)
    height, width = image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    source_y = ys.copy()
    for eye in (points68[36:42], points68[42:48]):
        left, right = eye[:, 0].min(), eye[:, 0].max()
        middle, reach = (left + right) / 2, (right - left) / 2 * 1.25
        top, bottom = eye[1:3, 1].mean(), eye[4:6, 1].mean()
        eye_height = max(bottom - top, 2.0)
        lid = top + amount * (bottom - top) * 1.1
        across = np.clip(1 - np.abs(xs - middle) / reach, 0, 1) ** 0.5
        band_top = top - 1.5 * eye_height
        inside = (ys >= band_top) & (ys <= lid + 0.3 * eye_height)
        pull = np.where(ys <= lid, (ys - band_top) / (lid - band_top + 1e-6) * (lid - top),
                        np.clip((lid + 0.3 * eye_height - ys) / (0.3 * eye_height + 1e-6), 0, 1) * (lid - top))
        source_y = np.where(inside, source_y - across * pull, source_y)
    return cv2.remap(image, xs, source_y.astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


@functools.cache
def flat_turn_sequence(name: str = "astronaut", degrees: int = 30, seed: int = 5) -> Tuple[np.ndarray, ...]:
    """The print held still, turned to +degrees, across to -degrees and back, in 3-degree steps."""
    base = place(name)
    angles = [0] * 10 + list(range(0, degrees + 1, 3)) + list(range(degrees, -degrees - 1, -3)) \
        + list(range(-degrees, 1, 3)) + [0] * 10
    rng = np.random.default_rng(seed)
    turned = {angle: flat_turn(base, angle) for angle in set(angles)}
    return tuple(shake(turned[angle], rng, rotation=0.5, scale=0.005, shift=1.0) for angle in angles)


@functools.cache
def head_turn_sequence(name: str = "astronaut", degrees: float = 25.0, seed: int = 3) -> Tuple[np.ndarray, ...]:
    """0.8 s facing the camera, a 1-s turn to `degrees`, 0.5 s held, then back: a shaky camera."""
    base = place(name)
    angles = [0.0] * 12 + list(np.linspace(0, degrees, 16)[1:]) + [degrees] * 8 + list(np.linspace(degrees, 0, 8))
    rng = np.random.default_rng(seed)
    cache = {}
    sequence = []
    for angle in angles:
        key = round(float(angle), 2)
        if key not in cache:
            cache[key] = head_turn(base, key)
        sequence.append(shake(cache[key], rng, rotation=0.5, scale=0.005, shift=1.0, noise=2.0))
    return tuple(sequence)


@functools.cache
def blink_sequence(name: str = "astronaut", seed: int = 4) -> Tuple[np.ndarray, ...]:
    """0.8 s open, a 0.4-s blink (closing, shut, opening), then open again."""
    base = place(name)
    box = DlibHogDetector().detect(base)[0]
    points = Landmarker(68).landmarks(base, box)
    amounts = [0.0] * 12 + [0.35, 0.7, 1.0, 1.0, 0.7, 0.35] + [0.0] * 10
    rng = np.random.default_rng(seed)
    return tuple(shake(blink(base, amount, points), rng, rotation=0.3, scale=0.003, shift=0.5, noise=2.0)
                 for amount in amounts)
