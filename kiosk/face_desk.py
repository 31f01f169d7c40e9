"""The face check at the kiosk: the camera's health told to the action server, and the check
itself when the dialogue asks for it.

The dialogue offers the face check only to a kiosk whose camera was reported working lately
(nlu/actions/certification_face.py: `POST /devices/camera`, with the card key, as the card
reader's check uses). So a health thread opens the camera, reads one frame, checks that the face
models are installed, and reports; again every few minutes (the report expires with the action
server's vault) and at once when a check finds the camera gone.

When a reply carries FACE_CHECK "start", the face screen (kiosk/screens/face.py) shows the
camera's frames mirrored, large, with the guidance; the check runs on a worker thread
(kiosk/face/runner.py). A passed liveness step's frames go as JPEG to `POST /certification/face`
for the visit's conversation, in memory, and are dropped after the call; then the dialogue hears
/face_checked with the outcome, and says how it went.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from typing import Any, Callable, List, Optional

import numpy as np
import requests
from kivy.event import EventDispatcher
from kivy.properties import ListProperty, ObjectProperty, StringProperty

from common.kiosk_protocol import FACE_CHECK, FACE_CHECKED
from kiosk.devices.camera import FrameSource, encode_jpeg, mirrored, open_source
from kiosk.face import FaceBox
from kiosk.face.liveness import Challenge, random_challenge
from kiosk.face.runner import FIRST, STOPPED, FaceRun, RunConfig

logger = logging.getLogger(__name__)

REPORT_SECONDS = 600.0  # well inside the vault's 30 minutes
RETRY_SECONDS = 10.0  # the action server may start after the kiosk
SHOWN_AS = "（刷脸）"
SENDING = "正在核对，请稍等"


class FaceView(EventDispatcher):
    """What the face screen shows (kv binds to these)."""

    preview = ObjectProperty(None, allownone=True)  # a texture of the mirrored frame
    guidance = StringProperty("")
    step = StringProperty("")  # "guide", "challenge", "sending"
    box = ListProperty([])  # the face in the preview: x, y, w, h as fractions, y from the bottom


class FaceRoute:
    """The action server's face routes, through the card checker's session (kiosk/card_check.py)."""

    def __init__(self, checker: Any) -> None:
        self.base = checker.url.rsplit("/identity/card", 1)[0]
        self.http, self.timeout, self.verify = checker.http, checker.timeout, checker.verify

    def _post(self, path: str, body: dict) -> Optional[dict]:
        try:
            answer = self.http.post(self.base + path, json=body, timeout=(2.0, self.timeout), verify=self.verify)
            answer.raise_for_status()
            return answer.json()
        except (requests.RequestException, ValueError) as error:
            logger.warning("%s not reached: %s", path, type(error).__name__)
            return None

    def report(self, kiosk_id: str, working: bool) -> bool:
        return self._post("/devices/camera", {"kiosk_id": kiosk_id, "working": working}) is not None

    def verify_frames(self, conversation: str, frames: List[np.ndarray], challenge: str) -> bool:
        """True when the action server took the frames (its verdict waits for the dialogue)."""
        encoded = [base64.b64encode(encode_jpeg(frame)).decode("ascii") for frame in frames]
        answer = self._post("/certification/face", {"conversation": conversation, "frames": encoded,
                                                    "challenge": challenge})
        del encoded  # sent: nothing of the pictures stays
        return answer is not None


class FaceDesk:
    def __init__(self, kiosk: Any, session: Any, checker: Optional[Any],
                 deliver: Callable[[Callable[[], None]], None]) -> None:
        self.kiosk = kiosk  # kiosk.controller.KioskController: show, say_locally, say_payload, touched
        self.session = session
        self.route = FaceRoute(checker) if checker is not None else None
        self.deliver = deliver  # back onto the UI thread
        self.view = FaceView()
        self.choose_challenge: Callable[[], Challenge] = random_challenge
        self.config = RunConfig()
        self._factory: Optional[Callable[[], FrameSource]] = None
        self._kiosk_id = ""
        self._mirrored = False
        self._models: Optional[tuple] = None
        self._run: Optional[FaceRun] = None
        self._run_id = 0
        self._latest: Optional[tuple] = None
        self._drawing = False
        self._health_stop = threading.Event()
        self._health_thread: Optional[threading.Thread] = None
        self.reported: Optional[bool] = None  # what the action server was last told (None: not yet)

    # -- the camera, and its health ------------------------------------------------------

    def attach(self, source_factory: Callable[[], FrameSource], kiosk_id: str, checker: Optional[Any] = None,
               mirrored_frames: bool = False, report_every: float = REPORT_SECONDS) -> None:
        """Use this camera (or file source) and keep the action server told whether it works;
        `checker` (kiosk/card_check.py) when the desk was built without one."""
        self.detach(report=False)
        if checker is not None:
            self.route = FaceRoute(checker)
        self._factory, self._kiosk_id, self._mirrored = source_factory, kiosk_id, mirrored_frames
        self._health_stop = threading.Event()
        self._health_thread = threading.Thread(target=self._health, args=(self._health_stop, report_every),
                                               name="camera-health", daemon=True)
        self._health_thread.start()

    def detach(self, report: bool = True) -> None:
        """No camera any more (the app stops, a test ends): the face check is no longer offered."""
        self._health_stop.set()
        if self._health_thread is not None and self._health_thread is not threading.current_thread():
            self._health_thread.join(timeout=15)  # a report under way lands before the one below
        self.stop()
        if report and self._factory is not None and self.route is not None and self.route.report(self._kiosk_id, False):
            self.reported = False
        self._factory = None

    def _health(self, stop: threading.Event, every: float) -> None:
        """On its own thread: load the models once, then report now and every `every` seconds."""
        wait = 0.0
        while not stop.wait(wait):
            working = self.camera_works()
            reported = self.route is not None and self.route.report(self._kiosk_id, working)
            if reported and not stop.is_set():
                self.reported = working
            wait = every if reported else min(every, max(RETRY_SECONDS, wait * 2))  # unreachable: back off

    def camera_works(self) -> bool:
        """The face models load and the source gives a frame (a check under way: it works)."""
        if self._run is not None:
            return True
        factory = self._factory
        if factory is None or self._load_models() is None:
            return False
        try:
            source = factory()
        except Exception as error:  # OpenCV, a missing file, a busy camera: not working
            logger.warning("camera not working: %s", type(error).__name__)
            return False
        try:
            return next(iter(source.frames()), None) is not None
        except Exception as error:
            logger.warning("camera gives no frame: %s", type(error).__name__)
            return False
        finally:
            source.close()

    def _load_models(self) -> Optional[tuple]:
        if self._models is None:
            try:
                from kiosk.face import DlibHogDetector, Landmarker

                self._models = (DlibHogDetector(), Landmarker(5))
            except Exception as error:  # dlib or its model files missing: no face check here
                logger.warning("face models not loaded: %s", error)
        return self._models

    # -- the check (UI thread) -----------------------------------------------------------

    def saw(self, reply: Any) -> None:
        """Every reply, after the controller showed it: FACE_CHECK "start" starts the check; any
        other reply ends one still running."""
        if reply.directives.get(FACE_CHECK) == "start":
            self.start()
        else:
            self.stop()

    def start(self) -> None:
        self.stop()
        self._run_id += 1
        conversation = self.session.dialogue.sender_id
        models = self._load_models() if self._factory is not None else None
        if models is None:  # the action server still believed in a camera: the dialogue's next turn
            run_id = self._run_id
            self.deliver(lambda: self._tell(run_id, conversation, "camera_unavailable"))
            return
        run = FaceRun(self._factory, self._show_later, self._say_later, self.choose_challenge(), *models,
                      mirrored=self._mirrored, config=self.config)
        self._run = run
        self.view.guidance, self.view.step, self.view.box, self.view.preview = FIRST, "guide", [], None
        self.kiosk.show("face")
        threading.Thread(target=self._work, args=(run, self._run_id, conversation), name="face-check",
                         daemon=True).start()

    def stop(self) -> None:
        """The visit moved on, or the face screen was left: release the camera at once."""
        run, self._run = self._run, None
        if run is not None:
            run.stop()
            self._latest, self.view.preview, self.view.box = None, None, []  # no picture of them stays

    @property
    def running(self) -> bool:
        return self._run is not None

    # -- the worker ----------------------------------------------------------------------

    def _work(self, run: FaceRun, run_id: int, conversation: str) -> None:
        result = run.run()
        if result.outcome == STOPPED:
            return
        outcome = result.outcome
        if outcome == "checked":
            self.deliver(lambda: self._sending(run_id))
            sent = self.route is not None and self.route.verify_frames(
                conversation, list(result.frames), result.challenge.value)
            outcome = "checked" if sent else "unavailable"
        del result  # the frames: sent or not, dropped now
        if outcome == "camera_unavailable" and self.route is not None and self.route.report(self._kiosk_id, False):
            self.reported = False
        self.deliver(lambda: self._tell(run_id, conversation, outcome))

    def _show_later(self, image: np.ndarray, sentence: str, step: str, box: Optional[FaceBox]) -> None:
        """From the worker: keep only the newest frame; the UI thread draws it when it can."""
        self._latest = (image, sentence, step, box)
        if not self._drawing:
            self._drawing = True
            self.deliver(self._draw)

    def _say_later(self, sentence: str) -> None:
        self.deliver(lambda: self._say(sentence))

    # -- back on the UI thread -----------------------------------------------------------

    def _draw(self) -> None:
        self._drawing = False
        latest, self._latest = self._latest, None
        if latest is None or self._run is None:
            return
        image, sentence, step, box = latest
        height, width = image.shape[:2]
        texture = _texture(mirrored(image), self.view.preview)
        if texture is self.view.preview:
            self.view.property("preview").dispatch(self.view)  # same texture, new picture: redraw
        self.view.preview = texture
        if sentence != self.view.guidance:
            self.kiosk.touched()  # the resident is at the kiosk, acting on what they hear
        self.view.guidance, self.view.step = sentence, step
        if box is None:
            self.view.box = []
        else:
            shown = box.mirrored(width)
            self.view.box = [shown.left / width, 1 - shown.bottom / height, shown.width / width, shown.height / height]

    def _say(self, sentence: str) -> None:
        if self._run is not None:
            self.kiosk.say_locally(sentence)

    def _sending(self, run_id: int) -> None:
        if run_id == self._run_id and self._run is not None:
            self.view.guidance, self.view.step, self.view.box = SENDING, "sending", []
            self.kiosk.say_locally(SENDING)

    def _tell(self, run_id: int, conversation: str, outcome: str) -> None:
        """The dialogue's next turn, for the visit that started the check (not a later one)."""
        if run_id != self._run_id or conversation != self.session.dialogue.sender_id:
            return
        self._run = None
        self.view.preview = None
        self.kiosk.say_payload(FACE_CHECKED + json.dumps({"face_outcome": outcome}), SHOWN_AS)


def camera_from_settings(settings: Any) -> Callable[[], FrameSource]:
    """devices.camera.source as a factory of fresh sources (file paths from the repository root)."""
    kind, _, rest = settings.devices.camera.source.partition(":")
    spec = f"camera:{rest}" if kind == "camera" else f"{kind}:{settings.path(rest)}"
    return lambda: open_source(spec, realtime=True)


def _texture(image: np.ndarray, reuse: Any):
    """An RGB frame as a Kivy texture (reused while the size stays the same)."""
    from kivy.graphics.texture import Texture

    height, width = image.shape[:2]
    texture = reuse if reuse is not None and tuple(reuse.size) == (width, height) else None
    if texture is None:
        texture = Texture.create(size=(width, height), colorfmt="rgb")
        texture.flip_vertical()
    texture.blit_buffer(np.ascontiguousarray(image).tobytes(), colorfmt="rgb", bufferfmt="ubyte")
    return texture
