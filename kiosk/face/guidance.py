"""Spoken, shown guidance that brings the resident's face into place for the face check.

From each frame the detector's boxes give one state: no face (请看着屏幕), too small (请靠近一点),
too large (请往后一点), off-centre (请往左一点 / 请往右一点 / 请往上一点 / 请往下一点), several
faces (请只留一个人在镜头前), moving (请保持不动), or ready. Out comes plain data (``Guidance``):
the key, the Chinese sentence, the face box and whether to speak now; the screens draw it and the
speaker says it, nothing here knows about either.

Left and right are the resident's own. The camera faces the resident, so in the raw frame their
left hand is on the image's right: a face in the left part of the raw frame belongs to someone
standing too far to their own right, who is told 请往左一点. In the mirrored preview they see
themselves on the right of the screen and moving to their left brings them to the middle, which
is what a mirror teaches. A camera whose driver already mirrors frames sets ``frames_are_mirrored``.

No flicker: a new state counts once it is most of what was seen over the last ``settle_seconds``;
a state that counts is left only when the face is clearly past the threshold the other way (each
threshold has a margin); no two sentences are spoken less than ``min_gap_seconds`` apart; the same
sentence is repeated only after ``repeat_seconds``; and 请保持不动 is said only to a face that
keeps moving, not to one that has just arrived in place.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from enum import Enum
from typing import Deque, List, Optional, Sequence, Tuple

from kiosk.devices.camera import Frame
from kiosk.face import FaceBox, FaceDetector, default_detector


class GuidanceKey(str, Enum):
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    MOVE_LEFT = "move_left"
    MOVE_RIGHT = "move_right"
    MOVE_UP = "move_up"
    MOVE_DOWN = "move_down"
    HOLD_STILL = "hold_still"
    READY = "ready"


SENTENCES = {
    GuidanceKey.NO_FACE: "请看着屏幕",
    GuidanceKey.SEVERAL_FACES: "请只留一个人在镜头前",
    GuidanceKey.TOO_SMALL: "请靠近一点",
    GuidanceKey.TOO_LARGE: "请往后一点",
    GuidanceKey.MOVE_LEFT: "请往左一点",
    GuidanceKey.MOVE_RIGHT: "请往右一点",
    GuidanceKey.MOVE_UP: "请往上一点",
    GuidanceKey.MOVE_DOWN: "请往下一点",
    GuidanceKey.HOLD_STILL: "请保持不动",
    GuidanceKey.READY: "很好，就这样",
}


@dataclass(frozen=True)
class GuidanceConfig:
    """Thresholds, as fractions of the frame so they hold for any camera resolution.

    min_face_width 0.20: 128 px of a 640-px frame. dlib's comparison model works on 150-px aligned
    faces and the detector loses faces under 80 px; 128 px leaves room for the face to shrink
    while the head turns during the liveness step.
    max_face_width 0.55: closer than that, a head turn or a nod takes the chin or an ear out of
    the picture and the detector loses the face.
    centre_x_tolerance 0.12 (77 px of 640): the face stays well inside the preview's guide oval and
    a 25-degree head turn (which moves the box by about 0.05) keeps it there.
    centre_y / centre_y_tolerance 0.45 +- 0.15: eyes sit a little above the middle of a portrait;
    vertical guidance is looser because residents differ in height and the camera may tilt.
    companion_fraction 0.6: a second face counts only if at least 0.6 of the main face's width,
    i.e. someone standing beside the resident; people walking past farther back are ignored.
    steady_*: ready when over 0.8 s the face centre moved under 0.04 of the frame and its size
    under 10% (a resident holding still shakes about 1-2%).
    margin 0.15: a state that counts is left only 15% past its threshold, so a face sitting on a
    threshold does not flip between two sentences.
    settle_seconds 0.6: a new state counts when it was most of the last 0.6 s of frames, so a
    detector's one-frame miss or a brief lean never reaches the speaker.
    min_gap_seconds 2.0, repeat_seconds 5.0: sentences of 4-10 characters take 1.5-3 s at the
    kiosk's 200 characters a minute, so two are never said on top of each other; older residents
    need time to act on a sentence before hearing it again (ACCESSIBILITY.md: enough time to act).
    hold_still_after_seconds 1.5: stepping into place always moves the face for a moment; only a
    face still moving 1.5 s after that is asked to hold still.
    """

    min_face_width: float = 0.20
    max_face_width: float = 0.55
    centre_x_tolerance: float = 0.12
    centre_y: float = 0.45
    centre_y_tolerance: float = 0.15
    companion_fraction: float = 0.6
    steady_seconds: float = 0.8
    steady_motion: float = 0.04
    steady_scale: float = 0.10
    margin: float = 0.15
    settle_seconds: float = 0.6
    min_gap_seconds: float = 2.0
    repeat_seconds: float = 5.0
    hold_still_after_seconds: float = 1.5


@dataclass(frozen=True)
class Guidance:
    """What to show and say now. box is in raw frame pixels (use box.mirrored() to draw it)."""

    key: GuidanceKey
    sentence: str
    box: Optional[FaceBox]
    speak: bool  # say the sentence now (a new state that settled, or the repeat interval passed)
    timestamp: float
    faces: int  # faces that count (see companion_fraction)

    @property
    def ready(self) -> bool:
        return self.key is GuidanceKey.READY


class GuidanceTracker:
    """Turns a stream of frames (or of detector boxes) into debounced guidance."""

    def __init__(self, detector: Optional[FaceDetector] = None, config: GuidanceConfig = GuidanceConfig(),
                 frames_are_mirrored: bool = False) -> None:
        self._detector = detector
        self.config = config
        self.frames_are_mirrored = frames_are_mirrored
        self._current: Optional[GuidanceKey] = None  # the state that counts
        self._current_since = 0.0
        self._first_seen: Optional[float] = None
        self._recent: Deque[Tuple[float, GuidanceKey]] = deque()  # raw observations, settle window
        self._last_spoken_key: Optional[GuidanceKey] = None
        self._last_spoken_at: Optional[float] = None
        self._history: Deque[Tuple[float, FaceBox]] = deque()
        self._moving = False  # HOLD_STILL because the face moves (said), not because it just arrived (quiet)

    @property
    def detector(self) -> FaceDetector:
        if self._detector is None:
            self._detector = default_detector()
        return self._detector

    def reset(self) -> None:
        """Forget everything (a new resident, or the check starts again)."""
        self.__init__(self._detector, self.config, self.frames_are_mirrored)

    def update(self, frame: Frame) -> Guidance:
        return self.update_boxes(self.detector.detect(frame.image), frame.width, frame.height, frame.timestamp)

    def update_boxes(self, boxes: Sequence[FaceBox], frame_width: int, frame_height: int,
                     timestamp: float) -> Guidance:
        """The guidance logic without a detector (the boxes may come from any detector)."""
        counted = self._counted(boxes)
        box = counted[0] if counted else None
        if len(counted) == 1 and box is not None:
            self._remember(timestamp, box)
        else:
            self._history.clear()
        observed = self._classify(counted, frame_width, frame_height, timestamp)
        key = self._settle(observed, timestamp)
        speak = self._should_speak(key, timestamp)
        if speak:
            self._last_spoken_key, self._last_spoken_at = key, timestamp
        return Guidance(key, SENTENCES[key], box, speak, timestamp, len(counted))

    # -- classification -------------------------------------------------------------------

    def _counted(self, boxes: Sequence[FaceBox]) -> List[FaceBox]:
        ordered = sorted(boxes, key=lambda b: b.width * b.height, reverse=True)
        if not ordered:
            return []
        main = ordered[0]
        return [b for b in ordered if b is main or b.width >= self.config.companion_fraction * main.width]

    def _sticky(self, key: GuidanceKey) -> float:
        """1 + margin when `key` is the state that counts (harder to leave), else 1."""
        return 1.0 + self.config.margin if self._current is key else 1.0

    def _classify(self, faces: List[FaceBox], width: int, height: int, timestamp: float) -> GuidanceKey:
        c = self.config
        if not faces:
            return GuidanceKey.NO_FACE
        if len(faces) > 1:
            return GuidanceKey.SEVERAL_FACES
        box = faces[0]
        size = box.width / float(width)
        if size < c.min_face_width * self._sticky(GuidanceKey.TOO_SMALL):
            return GuidanceKey.TOO_SMALL
        if size > c.max_face_width / self._sticky(GuidanceKey.TOO_LARGE):
            return GuidanceKey.TOO_LARGE
        cx, cy = box.centre
        dx = cx / width - 0.5
        if self.frames_are_mirrored:
            dx = -dx
        # Raw frame: face on the image's left = resident too far to their own right -> 往左.
        if dx < -c.centre_x_tolerance / self._sticky(GuidanceKey.MOVE_LEFT):
            return GuidanceKey.MOVE_LEFT
        if dx > c.centre_x_tolerance / self._sticky(GuidanceKey.MOVE_RIGHT):
            return GuidanceKey.MOVE_RIGHT
        dy = cy / height - c.centre_y
        if dy < -c.centre_y_tolerance / self._sticky(GuidanceKey.MOVE_DOWN):
            return GuidanceKey.MOVE_DOWN  # face high in the picture: lower it a little
        if dy > c.centre_y_tolerance / self._sticky(GuidanceKey.MOVE_UP):
            return GuidanceKey.MOVE_UP
        steady = self._steady(width, timestamp)
        self._moving = steady is False
        return GuidanceKey.READY if steady else GuidanceKey.HOLD_STILL

    def _remember(self, timestamp: float, box: FaceBox) -> None:
        self._history.append((timestamp, box))
        keep = self.config.steady_seconds * 2
        while self._history and timestamp - self._history[0][0] > keep:
            self._history.popleft()

    def _steady(self, width: int, timestamp: float) -> Optional[bool]:
        """True: held still for steady_seconds; False: moving; None: not watched that long yet."""
        c = self.config
        window = [box for t, box in self._history if timestamp - t <= c.steady_seconds + 1e-9]
        if not self._history or timestamp - self._history[0][0] < c.steady_seconds - 1e-9:
            return None
        xs = [b.centre[0] for b in window]
        ys = [b.centre[1] for b in window]
        sizes = [b.width for b in window]
        moved = max(max(xs) - min(xs), max(ys) - min(ys)) / float(width)
        resized = (max(sizes) - min(sizes)) / float(max(sizes))
        return moved <= c.steady_motion and resized <= c.steady_scale

    # -- debouncing and speech ------------------------------------------------------------

    def _settle(self, observed: GuidanceKey, timestamp: float) -> GuidanceKey:
        """The state that counts: the leader of the last settle_seconds of observations.

        The first state counts once the window is full, by plurality; later a new state must
        win a strict majority, so a tie never flips the state back and forth, unless the state
        that counts was not seen at all in the window (then the plurality takes over).
        """
        c = self.config
        if self._first_seen is None:
            self._first_seen = timestamp
        self._recent.append((timestamp, observed))
        while timestamp - self._recent[0][0] > c.settle_seconds + 1e-9:
            self._recent.popleft()
        counts = Counter(key for _, key in self._recent)
        leader, votes = counts.most_common(1)[0]
        watched = timestamp - self._first_seen >= c.settle_seconds - 1e-9
        stale = self._current not in counts  # nothing seen lately backs it: take the plurality
        wins = self._current is None or stale or votes * 2 > len(self._recent)
        if watched and leader is not self._current and wins:
            self._current, self._current_since = leader, timestamp
        return self._current if self._current is not None else leader

    def _should_speak(self, key: GuidanceKey, timestamp: float) -> bool:
        c = self.config
        if self._current is not key:
            return False  # not settled yet
        if key is GuidanceKey.HOLD_STILL and (
                not self._moving or timestamp - self._current_since < c.hold_still_after_seconds):
            return False  # the face has only just arrived: wait quietly for READY
        if self._last_spoken_at is None:
            return True
        since = timestamp - self._last_spoken_at
        if since < c.min_gap_seconds:
            return False
        if key is not self._last_spoken_key:
            return True
        return key is not GuidanceKey.READY and since >= c.repeat_seconds
