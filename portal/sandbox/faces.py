"""The sandbox's face verification: the kiosk's frames against the resident's enrolled photo.

What the comparison does, exactly: in the enrolled photo and in each frame, dlib's HOG detector
finds the face, dlib's 5-point model aligns it to a 150 x 150 chip, and dlib's ResNet face model
(``dlib_face_recognition_resnet_model_v1``, from the face-recognition-models package, CC0) turns
it into a 128-number descriptor. Two descriptors of one person lie close together; the verdict
comes from the Euclidean distance between the enrolled descriptor and the frames'.

Thresholds. dlib's own figure is 99.38% right on the LFW benchmark at a distance of 0.6, but
that benchmark is mostly adults of European origin, and users report far closer distances
between different East Asian faces (down to 0.42: dlib issue 2816, face_recognition issue 612).
So the sandbox says "match" only at 0.45 or closer, "no match" past 0.60, and sends the band in
between to a staff member. Measured here: the same photo after capture-like changes (placed in
a kiosk frame, mirrored, darker, JPEG at quality 40, slightly blurred) stays within 0.20, and
within 0.30 with the head synthetically turned 25 degrees; the two different real faces that
ship in packages (skimage's astronaut, Eileen Collins; matplotlib's Grace Hopper) are 0.68-0.76
apart under the same changes.

Anything that cannot be judged is "needs_staff_review", never a guess: dlib or the model missing,
no enrolled photo, no face or several faces, a face too small, too dark, too bright or too
blurred, or frames that disagree with each other (the person changed mid-check). Frames are
compared in memory and dropped; nothing is written to disk.

This is a practice portal's check on fictional residents, not a security control: the real
portal decides with its own models.

Enrolled photos (test and demo only; no real resident's photo is in the repository):
- 张桂英: Grace Hopper's US Navy portrait, shipped as ``sample_data/grace_hopper.jpg`` by
  matplotlib (in the kiosk environment for the console's charts); a work of the US government,
  public domain.
- 刘秀兰: the astronaut Eileen Collins, ``skimage.data.astronaut()`` from scikit-image (a test
  dependency), NASA, public domain ("no known copyright restrictions" says scikit-image).
- everyone else: no enrolled photo, so the face check goes to staff.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from kiosk.face import (
    DESCRIPTOR_MODEL,
    SHAPE_MODELS,
    DlibHogDetector,
    FaceBox,
    FaceModelsUnavailable,
    dlib_available,
    model_path,
    to_gray,
)

MATCH_DISTANCE = 0.45
NO_MATCH_DISTANCE = 0.60
# Frames of one sitting are one person: further apart than this, someone changed mid-check.
CONSISTENT_DISTANCE = 0.60
# Quality floors. 80 px: the detector's own minimum and about half the 150-px chip the model was
# trained on; below it the descriptor is made of upsampled blur. Brightness 40-220 (mean grey of
# the face): outside it the face is under- or over-exposed and the descriptor drifts. Sharpness
# 20 (variance of the Laplacian of the face at 150 px): the faces here score 250-930 sharp, 50-160
# slightly soft, 17-24 at a heavy blur (sigma 2.3) where detail is gone.
MIN_FACE_PIXELS = 80
BRIGHTNESS_RANGE = (40.0, 220.0)
MIN_SHARPNESS = 20.0
MODEL_NAME = "dlib_resnet_v1"


class Verdict(str, Enum):
    MATCH = "match"
    NO_MATCH = "no_match"
    NEEDS_STAFF_REVIEW = "needs_staff_review"


@dataclass(frozen=True)
class FaceVerdict:
    """The answer for the portal contract. distance is the median over the usable frames."""

    verdict: Verdict
    reason: str  # "distance", "model_unavailable", "no_enrolled_photo", "no_face_in_enrolled_photo",
    #              "no_usable_frame", "no_face", "several_faces", "poor_quality", "inconsistent_frames"
    distance: Optional[float] = None
    frames_used: int = 0
    frames_received: int = 0
    model: str = ""

    def to_json(self) -> dict:
        return {"verdict": self.verdict.value, "reason": self.reason,
                "distance": None if self.distance is None else round(self.distance, 3),
                "frames_used": self.frames_used, "frames_received": self.frames_received,
                "model": self.model, "thresholds": {"match": MATCH_DISTANCE, "no_match": NO_MATCH_DISTANCE}}


def review(reason: str, frames: int = 0, model: str = "") -> FaceVerdict:
    return FaceVerdict(Verdict.NEEDS_STAFF_REVIEW, reason, frames_received=frames, model=model)


def sharpness(gray_face: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian: low when the face is blurred (motion, a smeared lens)."""
    g = gray_face.astype(np.float64)
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4.0 * g[1:-1, 1:-1]
    return float(lap.var())


def _face_crop(gray: np.ndarray, box: FaceBox, size: int = 150) -> np.ndarray:
    import cv2

    top, left = max(0, box.top), max(0, box.left)
    crop = gray[top:max(top + 1, box.bottom), left:max(left + 1, box.right)]
    return cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA)


class FaceComparer:
    """Loads the detector and models once; ``compare`` is safe to call from one thread at a time."""

    def __init__(self, models: Optional[Path] = None) -> None:
        self.problem = ""
        try:
            if not dlib_available():
                raise FaceModelsUnavailable("dlib is not installed")
            import dlib

            self._detector = DlibHogDetector()
            self._fine_detector = DlibHogDetector(upsample=1)  # 4x the cost: only when nothing was found
            self._aligner = dlib.shape_predictor(str(model_path(SHAPE_MODELS[5], models)))
            self._model = dlib.face_recognition_model_v1(str(model_path(DESCRIPTOR_MODEL, models)))
        except (FaceModelsUnavailable, ImportError, RuntimeError) as error:
            self.problem = str(error)

    @property
    def available(self) -> bool:
        return not self.problem

    def descriptor(self, image: np.ndarray) -> Tuple[Optional[np.ndarray], str]:
        """(128-d descriptor, "") for the one face in the image, or (None, why not)."""
        import dlib

        rgb = np.ascontiguousarray(image[..., :3]) if image.ndim == 3 else np.stack([image] * 3, axis=-1)
        boxes = self._detector.detect(rgb) or self._fine_detector.detect(rgb)
        if not boxes:
            return None, "no_face"
        if len(boxes) > 1 and boxes[1].width >= 0.6 * boxes[0].width:
            return None, "several_faces"
        box = boxes[0]
        if box.width < MIN_FACE_PIXELS:
            return None, "poor_quality"
        crop = _face_crop(to_gray(rgb), box)
        low, high = BRIGHTNESS_RANGE
        if not low <= float(crop.mean()) <= high or sharpness(crop) < MIN_SHARPNESS:
            return None, "poor_quality"
        shape = self._aligner(rgb, dlib.rectangle(box.left, box.top, box.right, box.bottom))
        return np.array(self._model.compute_face_descriptor(rgb, shape), dtype=np.float64), ""

    def compare(self, enrolled_image: Optional[np.ndarray], frames: Sequence[np.ndarray],
                enrolled_descriptor: Optional[np.ndarray] = None) -> FaceVerdict:
        """Match, no match, or staff review for the kiosk's frames against the enrolled photo."""
        if not self.available:
            return review("model_unavailable", len(frames))
        if enrolled_descriptor is None:
            if enrolled_image is None:
                return review("no_enrolled_photo", len(frames), MODEL_NAME)
            enrolled_descriptor, _why = self.descriptor(enrolled_image)
            if enrolled_descriptor is None:
                return review("no_face_in_enrolled_photo", len(frames), MODEL_NAME)
        found: List[np.ndarray] = []
        problems: List[str] = []
        for frame in frames:
            descriptor, why = self.descriptor(frame)
            if descriptor is None:
                problems.append(why)
            else:
                found.append(descriptor)
        if not found:
            # The commonest problem tells the kiosk what went wrong ("several_faces", "poor_quality"...).
            reason = max(set(problems), key=problems.count) if problems else "no_usable_frame"
            return review(reason, len(frames), MODEL_NAME)
        if len(found) > 1:
            spread = max(float(np.linalg.norm(a - b)) for i, a in enumerate(found) for b in found[i + 1:])
            if spread > CONSISTENT_DISTANCE:
                return FaceVerdict(Verdict.NEEDS_STAFF_REVIEW, "inconsistent_frames", None, len(found),
                                   len(frames), MODEL_NAME)
        distances = [float(np.linalg.norm(d - enrolled_descriptor)) for d in found]
        median = float(np.median(distances))
        if median <= MATCH_DISTANCE and max(distances) <= NO_MATCH_DISTANCE:
            verdict = Verdict.MATCH
        elif median > NO_MATCH_DISTANCE:
            verdict = Verdict.NO_MATCH
        else:
            verdict = Verdict.NEEDS_STAFF_REVIEW
        return FaceVerdict(verdict, "distance", median, len(found), len(frames), MODEL_NAME)


@functools.lru_cache(maxsize=1)
def default_comparer() -> FaceComparer:
    return FaceComparer()


def compare(enrolled_image: Optional[np.ndarray], frames: Sequence[np.ndarray]) -> FaceVerdict:
    """The verdict for frames (RGB arrays) against an enrolled photo (RGB array or None)."""
    return default_comparer().compare(enrolled_image, frames)


# -- enrolled photos -------------------------------------------------------------------------

def _package_file(package: str, *parts: str) -> Optional[Path]:
    """A data file inside an installed package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)
    return path if path.is_file() else None


def grace_hopper() -> Optional[np.ndarray]:
    path = _package_file("matplotlib", "mpl-data", "sample_data", "grace_hopper.jpg")
    return None if path is None else _read(path)


def astronaut() -> Optional[np.ndarray]:
    path = _package_file("skimage", "data", "astronaut.png")
    return None if path is None else _read(path)


def _read(path: Path) -> np.ndarray:
    from kiosk.devices.camera import read_image

    return read_image(path)


ENROLLED_PHOTOS: Dict[str, Callable[[], Optional[np.ndarray]]] = {
    "张桂英": grace_hopper,
    "刘秀兰": astronaut,
}


def enrolled_photo(id_number: str) -> Optional[np.ndarray]:
    """The enrolled photo of a fictional demo resident, or None (no photo on file)."""
    from common import idnumber
    from portal.sandbox.seed import DEMO_RESIDENTS

    for name, area, born, sequence, *_rest in DEMO_RESIDENTS:
        if name in ENROLLED_PHOTOS and idnumber.make(area, born, sequence) == id_number:
            return ENROLLED_PHOTOS[name]()
    return None


@functools.lru_cache(maxsize=64)
def _enrolled_descriptor(id_number: str) -> Tuple[Optional[np.ndarray], str]:
    photo = enrolled_photo(id_number)
    if photo is None:
        return None, "no_enrolled_photo"
    comparer = default_comparer()
    if not comparer.available:
        return None, "model_unavailable"
    descriptor, _why = comparer.descriptor(photo)
    return descriptor, "" if descriptor is not None else "no_face_in_enrolled_photo"


def verify_resident(id_number: str, frames: Sequence[np.ndarray]) -> FaceVerdict:
    """What the endpoint calls: the resident's frames against their enrolled photo (cached)."""
    comparer = default_comparer()
    if not comparer.available:
        return review("model_unavailable", len(frames))
    descriptor, why = _enrolled_descriptor(id_number)
    if descriptor is None:
        return review(why, len(frames), MODEL_NAME)
    return comparer.compare(None, frames, enrolled_descriptor=descriptor)
