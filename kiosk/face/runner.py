"""One face check from first frame to verdict, run on a worker thread (never the Kivy thread).

Two steps over one stream of frames: the guidance (kiosk/face/guidance.py) brings the face into
place, saying each new instruction once it settles; then the liveness step (liveness.py) asks
for a head turn and watches for it. Out comes a ``RunResult``: one of the kiosk protocol's face
outcomes and, only when the liveness step passed, the few frontal frames for the portal. The
frames stay in memory; the caller sends them and drops them.

The first ``lead_in_seconds`` only show the frames: the dialogue is still saying 请您看着屏幕,
and a guidance sentence would cut it off; the guidance starts after them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional, Tuple

import numpy as np

from kiosk.devices.camera import CameraUnavailable, Frame, FrameSource
from kiosk.face import FaceBox, FaceDetector, FaceModelsUnavailable, Landmarker
from kiosk.face.guidance import GuidanceTracker
from kiosk.face.liveness import PROMPTS, Challenge, LivenessCheck, LivenessVerdict, Outcome

READY = "很好，就这样。"
FIRST = "请看着屏幕"  # shown while the dialogue says 好的，请您看着屏幕，照着提示做
STOPPED = "stopped"  # the visit moved on (a tap, another reply): nothing to tell the dialogue

# What the screen shows: the frame (raw, as captured), the sentence, the step, the face's box.
Show = Callable[[np.ndarray, str, str, Optional[FaceBox]], None]


@dataclass(frozen=True)
class RunConfig:
    """lead_in_seconds 3.0: the dialogue's 好的，请您看着屏幕，照着提示做 takes about 3 s to say.
    place_seconds 40: time to step into place (older residents move slowly; ACCESSIBILITY.md
    asks for enough time to act), after which the check ends as not_in_place."""

    lead_in_seconds: float = 3.0
    place_seconds: float = 40.0


@dataclass(frozen=True)
class RunResult:
    outcome: str  # "checked" (frames to send), "not_live", "not_in_place", "camera_unavailable", STOPPED
    challenge: Challenge
    reason: str = ""
    frames: Tuple[np.ndarray, ...] = field(default=(), repr=False)


class FaceRun:
    def __init__(self, source_factory: Callable[[], FrameSource], show: Show, say: Callable[[str], None],
                 challenge: Challenge, detector: FaceDetector, landmarker: Landmarker,
                 mirrored: bool = False, config: RunConfig = RunConfig()) -> None:
        self.source_factory = source_factory
        self.show, self.say = show, say
        self.challenge = challenge
        self.detector, self.landmarker = detector, landmarker
        self.mirrored = mirrored
        self.config = config
        self._stopped = threading.Event()
        self._source: Optional[FrameSource] = None
        self._lock = threading.Lock()

    def stop(self) -> None:
        """From any thread: the run ends at its next frame and the camera is released."""
        self._stopped.set()
        with self._lock:
            if self._source is not None:
                self._source.close()

    def run(self) -> RunResult:
        try:
            source = self.source_factory()
        except (CameraUnavailable, FaceModelsUnavailable, ValueError, OSError) as error:
            return RunResult("camera_unavailable", self.challenge, type(error).__name__)
        with self._lock:
            self._source = source
        if self._stopped.is_set():
            source.close()
        try:
            frames = source.frames()
            if not self._place(frames):
                return RunResult(STOPPED if self._stopped.is_set() else "not_in_place", self.challenge, "not_placed")
            verdict = self._liveness(frames)
        except CameraUnavailable as error:  # unplugged mid-check
            return RunResult("camera_unavailable", self.challenge, type(error).__name__)
        finally:
            source.close()
        if self._stopped.is_set():
            return RunResult(STOPPED, self.challenge)
        if verdict.outcome is Outcome.PASS and verdict.frames:
            return RunResult("checked", self.challenge, verdict.reason, verdict.frames)
        outcome = "not_live" if verdict.outcome is Outcome.FAIL else "not_in_place"
        return RunResult(outcome, self.challenge, verdict.reason)

    def _place(self, frames: Iterator[Frame]) -> bool:
        """Guidance until the face is in place and still: True, or False when time ran out."""
        tracker = GuidanceTracker(self.detector, frames_are_mirrored=self.mirrored)
        start: Optional[float] = None
        for frame in frames:
            if self._stopped.is_set():
                return False
            start = frame.timestamp if start is None else start
            if frame.timestamp - start < self.config.lead_in_seconds:  # the dialogue is still speaking
                self.show(frame.image, FIRST, "guide", None)
                continue
            guidance = tracker.update(frame)
            if guidance.ready:
                return True
            self.show(frame.image, guidance.sentence, "guide", guidance.box)
            if guidance.speak:
                self.say(guidance.sentence)
            if frame.timestamp - start > self.config.place_seconds:
                return False
        return False

    def _liveness(self, frames: Iterator[Frame]) -> LivenessVerdict:
        prompt = PROMPTS[self.challenge]
        self.say(READY + prompt)
        check = LivenessCheck(self.challenge, self.detector, self.landmarker, frames_are_mirrored=self.mirrored)
        for frame in frames:
            if self._stopped.is_set():
                break
            verdict = check.update(frame)
            self.show(frame.image, prompt, "challenge", None)
            if verdict.decided:
                return verdict
        return check.run(())  # the source ended (or the run stopped) before the window did
