"""Where the face check's frames come from: the kiosk's camera, or a file for tests and demos.

Every source yields the same thing, so the guidance and the liveness check cannot tell them
apart (as the recogniser cannot tell a WAV file from the microphone): ``Frame`` objects holding
an H x W x 3 uint8 RGB array exactly as the camera sees the resident (not mirrored; the preview
mirrors it for display), a timestamp in seconds from the start, and an index.

Privacy: frames live only in memory. Nothing here writes a frame to disk; ``encode_jpeg`` makes
the bytes sent to the portal in memory too, and the caller drops them after the call.

OpenCV (``opencv-python-headless``, 4.x or 5.x) does the capture and the decoding; it is imported
only when a source is opened, so the rest of the kiosk starts without it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, List, Optional, Protocol, Sequence, Union

import numpy as np

DEFAULT_FPS = 15.0  # enough for a blink (100-400 ms) to show in 2-6 frames; detection keeps up on one core


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture: RGB uint8, as captured (not mirrored). Never stored on disk."""

    image: np.ndarray = field(repr=False)
    timestamp: float  # seconds since the source started
    index: int

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


class FrameSource(Protocol):
    def frames(self) -> Iterator[Frame]: ...

    def close(self) -> None: ...


class CameraUnavailable(RuntimeError):
    """No camera, or it cannot be opened: the kiosk does not offer the face check."""


def _cv2():
    try:
        import cv2
    except ImportError as error:  # the kiosk runs without a camera stack; say why plainly
        raise CameraUnavailable(f"OpenCV is not installed: {error}") from error
    return cv2


def mirrored(image: np.ndarray) -> np.ndarray:
    """The picture as a mirror shows it (for the resident's preview only)."""
    return image[:, ::-1]


def encode_jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    """RGB frame -> JPEG bytes in memory, for the portal's face-verification call."""
    cv2 = _cv2()
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2BGR),
                            [int(cv2.IMWRITE_JPEG_QUALITY), int(quality)])
    if not ok:
        raise ValueError("could not encode the frame as JPEG")
    return data.tobytes()


def decode_image(data: bytes) -> Optional[np.ndarray]:
    """JPEG/PNG bytes -> RGB array, in memory; None when the bytes are not an image."""
    cv2 = _cv2()
    raw = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    return None if raw is None else cv2.cvtColor(raw, cv2.COLOR_BGR2RGB)


def read_image(path: Union[str, Path]) -> np.ndarray:
    """An image file -> RGB array (tests, demos, the sandbox's enrolled photos)."""
    cv2 = _cv2()
    raw = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if raw is None:
        raise ValueError(f"{path}: not an image OpenCV can read")
    return cv2.cvtColor(raw, cv2.COLOR_BGR2RGB)


def _as_rgb(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        raise ValueError("frames must be uint8")
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    return np.ascontiguousarray(image[..., :3])


class _Paced:
    """Shared stop flag and pacing: file sources can run as fast as possible or like a camera."""

    def __init__(self, fps: float, realtime: bool) -> None:
        if fps <= 0:
            raise ValueError("fps must be positive")
        self.fps = float(fps)
        self.realtime = realtime
        self._closed = threading.Event()
        self._start = 0.0

    def _begin(self) -> None:
        self._start = time.monotonic()

    def _wait_for(self, index: int) -> bool:
        """In realtime mode, wait until frame `index` is due. False when closed meanwhile."""
        if self.realtime:
            due = self._start + index / self.fps
            delay = due - time.monotonic()
            if delay > 0:
                self._closed.wait(delay)
        return not self._closed.is_set()

    def close(self) -> None:
        self._closed.set()


class SequenceSource(_Paced):
    """Frames already in memory (synthesised in tests and demos), timestamped at `fps`."""

    def __init__(self, images: Sequence[np.ndarray], fps: float = DEFAULT_FPS, realtime: bool = False) -> None:
        super().__init__(fps, realtime)
        self._images: List[np.ndarray] = [_as_rgb(image) for image in images]

    def frames(self) -> Iterator[Frame]:
        self._begin()
        for index, image in enumerate(self._images):
            if not self._wait_for(index):
                return
            yield Frame(image, index / self.fps, index)


class StillImageSource(SequenceSource):
    """One picture repeated for `seconds`: a photo held in front of the camera, as tests need."""

    def __init__(self, image: Union[np.ndarray, str, Path], fps: float = DEFAULT_FPS, seconds: float = 3.0,
                 realtime: bool = False) -> None:
        picture = read_image(image) if isinstance(image, (str, Path)) else _as_rgb(image)
        super().__init__([picture] * max(1, round(seconds * fps)), fps, realtime)


class VideoFileSource(_Paced):
    """A video file decoded by OpenCV (its FFmpeg backend), at the file's own frame rate."""

    def __init__(self, path: Union[str, Path], realtime: bool = False, loop: bool = False,
                 fps: Optional[float] = None) -> None:
        cv2 = _cv2()
        self.path = Path(path)
        probe = cv2.VideoCapture(str(self.path))
        if not probe.isOpened():
            raise ValueError(f"{self.path}: not a video OpenCV can open")
        file_fps = probe.get(cv2.CAP_PROP_FPS) or DEFAULT_FPS
        probe.release()
        super().__init__(fps or file_fps, realtime)
        self.loop = loop

    def frames(self) -> Iterator[Frame]:
        cv2 = _cv2()
        self._begin()
        index = 0
        while not self._closed.is_set():
            capture = cv2.VideoCapture(str(self.path))
            try:
                while self._wait_for(index):
                    ok, raw = capture.read()
                    if not ok:
                        break
                    yield Frame(cv2.cvtColor(raw, cv2.COLOR_BGR2RGB), index / self.fps, index)
                    index += 1
            finally:
                capture.release()
            if not self.loop or index == 0:
                return


class CameraSource:
    """The kiosk's camera through OpenCV's VideoCapture: an index (0) or a device path (/dev/video0).

    Opened at construction so a missing camera is known before the resident is offered the
    face check. The driver keeps one buffered frame, so what is analysed is what is in front of
    the camera now, not a queue of old frames. Frames are read on the caller's thread (run the
    loop off the UI thread); close() from any thread stops it.
    """

    def __init__(self, device: Union[int, str] = 0, width: int = 640, height: int = 480,
                 fps: float = DEFAULT_FPS, max_failed_reads: int = 30) -> None:
        cv2 = _cv2()
        target = int(device) if isinstance(device, str) and device.isdigit() else device
        self._capture = cv2.VideoCapture(target)
        if not self._capture.isOpened():
            self._capture.release()
            raise CameraUnavailable(f"no camera at {device!r}")
        self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self._capture.set(cv2.CAP_PROP_FPS, fps)
        self._capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self.device = device
        self.max_failed_reads = max_failed_reads
        self._closed = threading.Event()
        self._lock = threading.Lock()

    def frames(self) -> Iterator[Frame]:
        cv2 = _cv2()
        start = time.monotonic()
        index = 0
        failures = 0
        while not self._closed.is_set():
            with self._lock:
                if self._capture is None:
                    return
                ok, raw = self._capture.read()
            if not ok or raw is None:
                failures += 1
                if failures >= self.max_failed_reads:  # unplugged or taken by another program
                    raise CameraUnavailable(f"camera {self.device!r} stopped delivering frames")
                self._closed.wait(0.05)
                continue
            failures = 0
            yield Frame(cv2.cvtColor(raw, cv2.COLOR_BGR2RGB), time.monotonic() - start, index)
            index += 1

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            if self._capture is not None:
                self._capture.release()
                self._capture = None


def open_source(spec: str, fps: float = DEFAULT_FPS, realtime: bool = True) -> FrameSource:
    """A source from a config string: "camera:0", "camera:/dev/video0", "video:demo.mp4",
    "image:face.png", or a bare path (a video or an image, told apart by its suffix)."""
    kind, _, rest = spec.partition(":")
    if kind == "camera":
        return CameraSource(rest or 0, fps=fps)
    if kind == "video":
        return VideoFileSource(rest, realtime=realtime)
    if kind == "image":
        return StillImageSource(rest, fps=fps, realtime=realtime)
    path = Path(spec)
    if path.suffix.lower() in {".png", ".jpg", ".jpeg", ".bmp", ".webp"}:
        return StillImageSource(path, fps=fps, realtime=realtime)
    return VideoFileSource(path, realtime=realtime)
