"""Face models for the pension certification's face check: a detector and face landmarks.

Everything here comes from packages that carry their model files, so nothing is downloaded at
run time (the kiosk has no internet, and a model hub would be a privacy leak anyway):

- the detector is dlib's HOG + linear-SVM frontal face detector, compiled into ``dlib`` itself
  (the ``dlib-bin`` wheel, no file). Measured here on a 640x480 frame: 32-43 ms, about the
  speed of OpenCV's Haar cascade (31-56 ms) with fewer false faces, and its boxes are the ones
  dlib's shape predictors were trained on, so the landmarks land where they should. OpenCV's
  Haar cascade stays as a fallback (``HaarDetector``): OpenCV 4.x ships it, OpenCV 5 dropped it.
- landmarks are dlib's shape predictors from ``face-recognition-models``: the 5-point model
  (eye corners and the base of the nose, trained on dlib's own CC0 annotations; 0.6 ms a face)
  serves the head-turn challenge and the alignment for face comparison; the 68-point model
  (eyelids, for the blink challenge; 0.9 ms a face, about 1 s to load) was trained on iBUG 300-W,
  whose licence excludes commercial use: it is loaded only when the blink challenge is asked for.

Frames are H x W x 3 uint8 RGB arrays exactly as the camera sees the resident (not mirrored);
boxes are in that frame's pixels. When the packages are missing, ``available()`` says so and the
kiosk offers no face check (the staff way is always there).
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Protocol, Tuple

import numpy as np

# The detector works on frames at most this wide: a 640-px frame keeps a face at arm's length
# (50-60 cm) well over the detector's 80-px minimum, and bigger frames only cost time.
DETECTION_WIDTH = 640


class FaceModelsUnavailable(RuntimeError):
    """dlib or its model files are not installed: the kiosk hides the face check."""


@dataclass(frozen=True)
class FaceBox:
    """A face's bounding box in frame pixels, with the detector's confidence (higher is surer)."""

    left: int
    top: int
    width: int
    height: int
    score: float = 0.0

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def centre(self) -> Tuple[float, float]:
        return self.left + self.width / 2.0, self.top + self.height / 2.0

    def mirrored(self, frame_width: int) -> FaceBox:
        """The same box in the mirrored preview the resident sees (for drawing only)."""
        return FaceBox(frame_width - self.right, self.top, self.width, self.height, self.score)

    def scaled(self, factor: float) -> FaceBox:
        return FaceBox(round(self.left * factor), round(self.top * factor), round(self.width * factor),
                       round(self.height * factor), self.score)


class FaceDetector(Protocol):
    name: str

    def detect(self, image: np.ndarray) -> List[FaceBox]:
        """Faces in an RGB (or grey) frame, largest first."""
        ...


def to_gray(image: np.ndarray) -> np.ndarray:
    """Grey uint8 for the detectors and predictors (they run faster on one channel)."""
    if image.ndim == 2:
        return np.ascontiguousarray(image, dtype=np.uint8)
    try:
        import cv2
    except ImportError:
        cv2 = None
    if cv2 is not None and image.dtype == np.uint8:
        return cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2GRAY)
    rgb = image[..., :3].astype(np.float32)
    gray = rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
    return np.ascontiguousarray(np.clip(gray + 0.5, 0, 255).astype(np.uint8))


def _shrink(gray: np.ndarray, max_width: int) -> Tuple[np.ndarray, float]:
    """The frame at most max_width wide, and the factor from the small frame back to the big one."""
    width = gray.shape[1]
    if width <= max_width:
        return gray, 1.0
    import cv2

    factor = width / float(max_width)
    height = round(gray.shape[0] / factor)
    return cv2.resize(gray, (max_width, height), interpolation=cv2.INTER_AREA), factor


def dlib_available() -> bool:
    return importlib.util.find_spec("dlib") is not None


def models_dir() -> Optional[Path]:
    """The folder holding face-recognition-models' .dat files, or None when not installed.

    Found without importing the package: its __init__ imports pkg_resources, which current
    setuptools no longer ship (and a Python 3.11 venv has no setuptools at all).
    """
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "models"
    return folder if folder.is_dir() else None


SHAPE_MODELS = {5: "shape_predictor_5_face_landmarks.dat", 68: "shape_predictor_68_face_landmarks.dat"}
DESCRIPTOR_MODEL = "dlib_face_recognition_resnet_model_v1.dat"


def model_path(name: str, folder: Optional[Path] = None) -> Path:
    """A model file's path; FaceModelsUnavailable when the package or the file is missing."""
    folder = folder if folder is not None else models_dir()
    if folder is None or not (folder / name).is_file():
        raise FaceModelsUnavailable(f"face model {name} not installed (pip install face-recognition-models)")
    return folder / name


def available(points: int = 5) -> bool:
    """True when the face check can run: dlib and the landmark model for `points` are installed."""
    if not dlib_available():
        return False
    try:
        model_path(SHAPE_MODELS[points])
    except FaceModelsUnavailable:
        return False
    return True


@functools.cache
def _load_shape_predictor(path: str):
    import dlib

    return dlib.shape_predictor(path)


@functools.cache
def _load_hog_detector():
    import dlib

    return dlib.get_frontal_face_detector()


class DlibHogDetector:
    """dlib's frontal face detector (HOG features, linear SVM, image pyramid).

    upsample=0 finds faces of 80 px and up in the (at most 640-px) detection frame, which the
    guidance asks for anyway; each upsampling doubles that reach at four times the cost.
    min_score drops weak detections (textures that look a little like a face).
    """

    name = "dlib_hog"

    def __init__(self, upsample: int = 0, min_score: float = 0.0, max_width: int = DETECTION_WIDTH) -> None:
        if not dlib_available():
            raise FaceModelsUnavailable("dlib is not installed (pip install dlib-bin)")
        self.upsample = upsample
        self.min_score = min_score
        self.max_width = max_width
        self._detector = _load_hog_detector()

    def detect(self, image: np.ndarray) -> List[FaceBox]:
        small, factor = _shrink(to_gray(image), self.max_width)
        rects, scores, _kinds = self._detector.run(small, self.upsample, self.min_score)
        boxes = [FaceBox(rect.left(), rect.top(), rect.width(), rect.height(), float(score)).scaled(factor)
                 for rect, score in zip(rects, scores, strict=True)]
        return sorted(boxes, key=lambda box: box.width * box.height, reverse=True)


class HaarDetector:
    """OpenCV's Haar cascade (haarcascade_frontalface_default.xml), shipped by OpenCV 4.x only.

    A fallback for guidance where dlib is missing; it gives no landmarks, so no liveness check.
    scale 1.1 and 5 neighbours are OpenCV's own defaults, the usual balance of recall and false faces.
    """

    name = "opencv_haar"

    def __init__(self, min_size: int = 80, max_width: int = DETECTION_WIDTH) -> None:
        import cv2

        folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
        path = Path(folder or "") / "haarcascade_frontalface_default.xml"
        if not hasattr(cv2, "CascadeClassifier") or not path.is_file():
            raise FaceModelsUnavailable(f"OpenCV {cv2.__version__} ships no Haar cascade (OpenCV 5 dropped them)")
        self._cascade = cv2.CascadeClassifier(str(path))
        self.min_size = min_size
        self.max_width = max_width

    def detect(self, image: np.ndarray) -> List[FaceBox]:
        small, factor = _shrink(to_gray(image), self.max_width)
        found = self._cascade.detectMultiScale(small, scaleFactor=1.1, minNeighbors=5,
                                               minSize=(self.min_size, self.min_size))
        boxes = [FaceBox(int(x), int(y), int(w), int(h), 1.0).scaled(factor) for x, y, w, h in found]
        return sorted(boxes, key=lambda box: box.width * box.height, reverse=True)


def default_detector() -> FaceDetector:
    """dlib's detector where installed, else OpenCV's Haar cascade; FaceModelsUnavailable if neither."""
    if dlib_available():
        return DlibHogDetector()
    return HaarDetector()


class Landmarker:
    """dlib's shape predictor: 5 points (eye corners, nose base) or 68 points (eyelids too).

    points=5 returns, in dlib's order, two corners of one eye, two of the other, then the base of
    the nose; points=68 follows the iBUG 300-W layout (eyes are 36-41 and 42-47).
    """

    def __init__(self, points: int = 5, folder: Optional[Path] = None) -> None:
        if points not in SHAPE_MODELS:
            raise ValueError("points must be 5 or 68")
        if not dlib_available():
            raise FaceModelsUnavailable("dlib is not installed (pip install dlib-bin)")
        self.points = points
        self._predictor = _load_shape_predictor(str(model_path(SHAPE_MODELS[points], folder)))

    def landmarks(self, image: np.ndarray, box: FaceBox) -> np.ndarray:
        """The points as a (N, 2) float array of x, y in frame pixels."""
        import dlib

        rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
        shape = self._predictor(to_gray(image), rect)
        return np.array([(part.x, part.y) for part in shape.parts()], dtype=np.float64)


def warm_up(points: Tuple[int, ...] = (5,)) -> None:
    """Load the detector (0.6 s here) and landmark models (5-point 0.1 s, 68-point 1 s) ahead of
    time, e.g. on a worker thread at kiosk start, so the first face check starts at once."""
    DlibHogDetector()
    for count in points:
        Landmarker(count)
