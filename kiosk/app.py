"""The Kivy application: builds the screens from the registry and wires state, session and
controller together. Import only after `kiosk.environment.prepare()` has configured Kivy.
"""

from __future__ import annotations

from typing import Callable, Optional

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import ObjectProperty
from kivy.uix.screenmanager import NoTransition

from config import Settings, secret
from config.settings import REPO_ROOT
from kiosk import fonts
from kiosk.card_check import CardChecker
from kiosk.console_link import ConsoleLink
from kiosk.controller import KioskController, Timing
from kiosk.devices.card_watcher import CardWatcher, watcher_from_settings
from kiosk.dialogue_client import DialogueClient
from kiosk.face_desk import camera_from_settings
from kiosk.help_queue import HelpQueue
from kiosk.offline_desk import offline_support
from kiosk.printing import print_receipt
from kiosk.report_outbox import OutboxSender
from kiosk.screens import SCREENS
from kiosk.session import KioskSession
from kiosk.speech.chimes import chimes_from_assets
from kiosk.speech.listener import Listener
from kiosk.speech.recognizer import SpeechModel
from kiosk.speech.sources import AudioSource, MicrophoneSource
from kiosk.speech.speaker import Speaker
from kiosk.speech.tts import speaker_from_settings
from kiosk.staff import StaffSettings
from kiosk.state import KioskState
from kiosk.widgets import paged_text  # noqa: F401  (registers PagedText for the kv rules)
from kiosk.widgets.chrome import IdleOverlay, KioskRoot, WaitingOverlay

KV_FOLDERS = ("kiosk/widgets", "kiosk/screens")
VOICE_OFF_NOTICE = "这台机器现在不能听您说话，请点屏幕上的按钮。"


def load_kv_files() -> None:
    """Each widget or screen module has a same-named .kv file; load them all once."""
    for folder in KV_FOLDERS:
        for kv_file in sorted((REPO_ROOT / folder).glob("*.kv")):
            if str(kv_file) not in Builder.files:
                Builder.load_file(str(kv_file))


def on_ui_thread(call) -> None:
    Clock.schedule_once(lambda _dt: call(), 0)


class KioskApp(App):
    state = ObjectProperty(None)

    def __init__(self, settings: Settings, dialogue: Optional[DialogueClient] = None,
                 speaker: Optional[Speaker] = None, help_queue: Optional[HelpQueue] = None,
                 audio_source: Optional[Callable[[], AudioSource]] = None,
                 chime_sink=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.title = "长者服务助手"
        self.settings = settings
        self.dialogue = dialogue or DialogueClient.from_settings(settings)
        self.speaker = speaker or speaker_from_settings(settings)
        self.help_queue = help_queue or HelpQueue(settings.data_dir / "help-requests.sqlite3")
        speech = settings.speech
        self.audio_source = audio_source or (lambda: MicrophoneSource(speech.input_device))
        self.chime_sink = chime_sink
        self.controller: Optional[KioskController] = None
        self.outbox_sender: Optional[OutboxSender] = None
        self.card_watcher: Optional[CardWatcher] = None
        self._overlays = {}

    def build(self):
        kiosk, speech, reader = self.settings.kiosk, self.settings.speech, self.settings.devices.card_reader
        self.state = KioskState(font_scale=kiosk.text_scales[kiosk.text_scale_index],
                                scale_index=kiosk.text_scale_index)
        fonts.register(self.settings.data_dir)
        load_kv_files()
        desk, self.outbox_sender = offline_support(self.settings)
        session = KioskSession(self.dialogue, self.speaker, self.help_queue, kiosk.kiosk_id,
                               deliver=on_ui_thread, offline=desk)
        self.outbox_sender.start()
        root = KioskRoot()
        screens = root.ids.screens
        screens.transition = NoTransition()  # no animation: nothing moves that was not asked for
        printer = kiosk.printer
        self.controller = KioskController(
            self.state, screens, session, self.speaker,
            text_scales=kiosk.text_scales, text_scale_default=kiosk.text_scale_index,
            timing=Timing(kiosk.idle_seconds, kiosk.idle_countdown_seconds, speech.max_listen_seconds,
                          speech.max_free_speech_seconds),
            schedule=lambda seconds, call: Clock.schedule_once(lambda _dt: call(), seconds),
            listener=self._listener(), staff=StaffSettings(self.settings), link=self._console_link(session),
            printer=(lambda result: print_receipt(printer, result, kiosk.kiosk_id)) if printer.kind != "none" else None,
            card_checker=CardChecker.from_settings(self.settings) if reader.enabled else None, quit_app=self.stop,
            deliver=on_ui_thread, staff_wait_seconds=kiosk.staff_wait_seconds)
        self.card_watcher = watcher_from_settings(
            reader, lambda event: on_ui_thread(lambda: self.controller.card.on_event(event)))
        if self.card_watcher is not None:
            self.card_watcher.start()
        self._attach_camera()
        for name, screen_class in SCREENS.items():
            screens.add_widget(screen_class(name=name))
        screens.current = "home"
        self._overlays = {"waiting": WaitingOverlay(), "idle": IdleOverlay()}
        self.state.bind(waiting=lambda _s, on: self._overlay("waiting", on),
                        idle_seconds_left=lambda _s, left: self._overlay("idle", left > 0))
        # A tap anywhere stops the kiosk's speech at once (and counts as activity).
        Window.bind(on_touch_down=lambda *_args: self.controller.voice.tapped())
        Clock.schedule_interval(self.controller.tick, 1)
        return root

    def _listener(self) -> Listener:
        """The microphone's listener; the controller's voice input subscribes to its events."""
        speech = self.settings.speech
        listener = Listener(
            model_loader=lambda: SpeechModel(self.settings.path(speech.vosk_model_dir)),
            source_factory=lambda: self.audio_source(), deliver=on_ui_thread,
            chimes=chimes_from_assets(self.chime_sink), end_silence_seconds=speech.end_silence_seconds)
        if not listener.available:
            self.state.notice = VOICE_OFF_NOTICE
        return listener

    def _attach_camera(self) -> None:
        """devices.camera: the face desk reports it to the action server (which offers the face check)."""
        camera = self.settings.devices.camera
        if not camera.enabled:
            return
        checker = self.controller.card.checker or CardChecker.from_settings(self.settings)
        if checker is not None:
            self.controller.face.attach(camera_from_settings(self.settings), self.settings.kiosk.kiosk_id, checker,
                                        camera.mirrored)

    def _console_link(self, session: KioskSession) -> Optional[ConsoleLink]:
        console = self.settings.console
        key = secret(console.kiosk_key_env)
        if key is None:
            return None  # no console for this kiosk: help requests stay in the local queue
        ca = str(self.settings.path(console.ca_certificate)) if console.ca_certificate else None
        link = ConsoleLink(console.base_url, key, self.settings.kiosk.kiosk_id, self.help_queue,
                           on_event=lambda event: on_ui_thread(lambda: self.controller.console.handle(event)),
                           ca_certificate=ca)
        session.on_help_raised = link.wake
        link.start()
        return link

    def _overlay(self, name: str, show: bool) -> None:
        overlay = self._overlays[name]
        stage = self.root.ids.stage
        if show and overlay.parent is None:
            stage.add_widget(overlay)
        elif not show and overlay.parent is not None:
            stage.remove_widget(overlay)

    def on_start(self) -> None:
        # Said once: the greeting, and that voice input is off when it is.
        greeting = self.root.ids.screens.get_screen("home").greeting
        self.speaker.speak(greeting + self.state.notice)

    def on_stop(self) -> None:
        if self.controller is not None:
            self.controller.face.detach()  # the face check is no longer offered for this kiosk
        if self.card_watcher is not None:
            self.card_watcher.stop()
        if self.outbox_sender is not None:
            self.outbox_sender.stop()
        if self.controller is not None and self.controller.link is not None:
            self.controller.link.stop()
        if self.controller is not None:
            self.controller.session.end()
            self.controller.session.close()
        close = getattr(self.speaker, "close", None)
        if close:
            close()
