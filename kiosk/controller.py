"""What every tap and every reply does: the one place that decides which screen comes next.

Screens only call these methods and show `KioskState`; the session talks to Rasa. The
controller maps a reply to a screen (keypad when Rasa asks for a number, result when it
sends one, home when it says so, conversation otherwise), runs the idle timer, and keeps
the text size.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable, List, Optional, Protocol, Sequence

from common.kiosk_protocol import INPUT_YES_NO
from common.menu import GREETING
from kiosk import voice_commands
from kiosk.console_controller import ConsoleControls
from kiosk.dialogue_client import Reply
from kiosk.lesson_controller import LESSON_CHOICE, LessonControls
from kiosk.number_entry import NUMBER_INPUTS, STAFF_PIN, NumberEntry
from kiosk.session import KioskSession
from kiosk.speech.listener import Listener
from kiosk.staff_controller import StaffControls
from kiosk.state import KioskState
from kiosk.voice_controller import VoiceControls

logger = logging.getLogger(__name__)

IDLE_WARNING = "您还在吗？还要继续，请点“我还在”。"
PRINTING = "正在打印凭条，请在出纸口取。"
PRINT_FAILED = "打印机暂时不能用。请把编号记下来，或者点“找人帮忙”。"
SPEECH_CHANGED = {"slower": "好的，我说慢一点。", "faster": "好的，我说快一点。",
                  "louder": "好的，我大声一点。", "softer": "好的，我小声一点。"}
NOTHING_BEFORE = "这里就是首页。请点一下您要办的事。"
SCALE_NAMES = ["标准", "大", "特大"]


class ScreenSwitcher(Protocol):
    current: str


class KioskController(StaffControls, VoiceControls, ConsoleControls, LessonControls):
    def __init__(self, state: KioskState, screens: ScreenSwitcher, session: KioskSession,
                 text_scales: Sequence[float], idle_seconds: float, countdown_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.state = state
        self.screens = screens
        self.session = session
        self.text_scales: List[float] = list(text_scales)
        self.text_scale_default = 0
        self.idle_seconds = idle_seconds
        self.countdown_seconds = countdown_seconds
        self.clock = clock
        self.entry: Optional[NumberEntry] = None
        self.last_activity = clock()
        self.in_errand = False
        self.listener: Optional[Listener] = None
        self.printer: Optional[Callable[[dict], None]] = None  # prints one result as a receipt
        self.last_result: dict = {}
        self.listen_phrases: Optional[List[str]] = None
        self.free_speech_seconds = 60.0
        self.short_answer_seconds = 20.0

    # -- taps ------------------------------------------------------------------------

    def tile(self, payload: str, title: str) -> None:
        self.touched()
        self.in_errand = True
        self.visit_step(payload)
        self.lesson_saw("tap", title)
        self.session.say(payload, title)

    def choose(self, payload: str, title: str) -> None:
        self.touched()
        if self.local_choice(payload):
            return
        if payload.startswith(LESSON_CHOICE):
            self.start_lesson(payload[len(LESSON_CHOICE):])
            return
        self.lesson_saw("confirm" if self.screens.current == "confirm" else "choose", title)
        self.visit_step()
        self.state.resident_text = title
        self.session.say(payload, title)

    def say_text(self, text: str, shown_as: Optional[str] = None) -> None:
        """Recognised speech (or typed text): the same path as a tap."""
        self.touched()
        self.in_errand = True
        self.visit_step()
        self.lesson_saw("say", text)
        self.state.resident_text = shown_as or text
        self.session.say(text, shown_as)

    def key(self, key: str) -> None:
        self.touched()
        if self.entry is None:
            return
        refusal = self.entry.press(key)
        self._show_entry()
        if refusal:
            self.state.entry_problem = refusal
            self._say_locally(refusal)

    def delete(self) -> None:
        self.touched()
        if self.entry is not None:
            self.entry.delete()
            self._show_entry()

    def clear(self) -> None:
        self.touched()
        if self.entry is not None:
            self.entry.clear()
            self._show_entry()

    def confirm(self) -> None:
        self.touched()
        if self.entry is None or not self.entry.is_valid:
            return
        if self.entry.kind == STAFF_PIN:
            self.staff_login(self.entry.value)
            return
        masked = self.entry.masked()
        self.lesson_saw("type", self.entry.value)
        self.visit_step()
        self.session.say(self.entry.payload(), masked)
        self.state.resident_text = masked
        self.entry = None
        self.state.entry_display = ""

    def home(self) -> None:
        """Home wipes the visit: screen, conversation, and Rasa's copy of it."""
        self.touched()
        self.session.end()
        self.lesson_saw("tap", "首页")

    def back(self) -> None:
        self.touched()
        if self.screens.current == "home":
            self._say_locally(NOTHING_BEFORE)
            return
        self.session.say("/go_back", "返回")

    def repeat(self) -> None:
        self.touched()
        if self.repeat_lesson_step():
            return
        if self.session.last_reply is None:
            self._say_locally(self.state.assistant_text or GREETING)
        else:
            self.session.repeat()

    def bigger_text(self) -> None:
        """字大一点 steps through the sizes and wraps round to the standard size."""
        self.touched()
        self._step_text_size()
        self._say_locally(f"好的，现在是{SCALE_NAMES[min(self.state.scale_index, 2)]}字。")

    def _step_text_size(self) -> None:
        self.state.scale_index = (self.state.scale_index + 1) % len(self.text_scales)
        self.state.font_scale = self.text_scales[self.state.scale_index]

    def help(self) -> None:
        self.touched()
        self.visit_step()
        self._usage("help")
        self.state.help_coming = True
        self.session.request_help()

    def still_here(self) -> None:
        self.touched()

    def slower(self) -> None:
        self._adjust_speech("slower")

    def faster(self) -> None:
        self._adjust_speech("faster")

    def louder(self) -> None:
        self._adjust_speech("louder")

    def softer(self) -> None:
        self._adjust_speech("softer")

    def _adjust_speech(self, change: str) -> None:
        self.touched()
        adjust = getattr(self.session.speaker, change, None)
        if adjust is not None:
            adjust()
        self._say_locally(SPEECH_CHANGED[change])

    def print_receipt(self) -> None:
        """On its own thread: a slow or missing printer never holds up the window."""
        self.touched()
        if self.printer is None or not self.last_result:
            return
        self._say_locally(PRINTING)
        threading.Thread(target=self._print, args=(dict(self.last_result),), daemon=True).start()

    def _print(self, result: dict) -> None:
        try:
            self.printer(result)
        except Exception:  # any printer fault: say so, keep going
            logger.exception("receipt not printed")
            self._say_locally(PRINT_FAILED)

    # -- replies (called on the UI thread) ---------------------------------------------

    def on_reply(self, reply: Reply) -> None:
        self.touched()
        texts = list(reply.texts)
        self.usage_from_reply(reply)
        if reply.speech_change:  # the reply itself says "好的，我说慢一点"
            getattr(self.session.speaker, reply.speech_change, lambda: None)()
        if reply.bigger_text:
            self._step_text_size()
        if reply.help_requested:
            self.state.help_coming = True
        self.state.choices = [(b.title, b.payload) for b in reply.buttons]
        self.listen_phrases = voice_commands.phrases_for(reply.input_kind,
                                                         [b.title for b in reply.buttons])
        if reply.input_kind in NUMBER_INPUTS:
            self.entry = NumberEntry(reply.input_kind)
            question, _, how = (texts[-1] if texts else "").partition("。")
            self.state.entry_prompt = question + ("。" if how or question else "")
            self.state.entry_hint_how = how
            self.state.earlier_text = "".join(texts[:-1])
            self._show_entry()
            self.screens.current = "keypad"
        elif reply.result:
            self.state.show_result(dict(reply.result), "".join(texts))
            self.last_result = dict(reply.result)
            self.state.can_print = reply.printable and self.printer is not None
            self.screens.current = "result"
        elif reply.input_kind == INPUT_YES_NO and len(reply.buttons) >= 2:
            self.state.earlier_text = "".join(texts[:-1])
            self.state.assistant_text = texts[-1] if texts else ""
            self.screens.current = "confirm"
        elif reply.goes_home and not reply.buttons:
            self.state.assistant_text = "".join(texts)
            self.in_errand = False
            self.screens.current = "home"
        else:
            self.state.earlier_text = "".join(texts[:-1])
            self.state.assistant_text = texts[-1] if texts else ""
            self.screens.current = "conversation"
        self.lesson_after_reply()

    def on_waiting(self, waiting: bool) -> None:
        self.state.waiting = waiting

    def on_wiped(self) -> None:
        """The session ended: nothing of the visit stays on the screen."""
        self.visit_ended()
        self.entry = None
        self.in_errand = False
        self.listen_phrases = None
        if self.listener is not None and self.listener.listening:
            self.listener.stop()
        reset = getattr(self.session.speaker, "reset", None)
        if reset is not None:
            reset()  # rate and volume are remembered for one visit only
        self.state.clear_conversation()
        self.state.scale_index = self.text_scale_default  # the next resident starts at the default
        self.state.font_scale = self.text_scales[self.text_scale_default]
        self.state.idle_seconds_left = 0
        self.screens.current = "home"

    # -- idle ------------------------------------------------------------------------

    def touched(self) -> None:
        self.last_activity = self.clock()
        self.state.idle_seconds_left = 0

    def tick(self, _dt: float = 0) -> None:
        """Called every second: warn, count down, then wipe. Only while a visit is under way."""
        if self.lesson is not None:
            return  # a lesson waits as long as the learner needs; staff are at hand
        visit_under_way = self.in_errand or self.session.last_reply is not None or self.state.help_coming
        if not visit_under_way:
            return
        idle_for = self.clock() - self.last_activity
        if idle_for < self.idle_seconds:
            return
        left = int(round(self.idle_seconds + self.countdown_seconds - idle_for))
        if self.state.idle_seconds_left == 0 and left > 0:
            self._say_locally(IDLE_WARNING)
        if left <= 0:
            logger.info("idle timeout: session wiped")
            self.session.end()
            return
        self.state.idle_seconds_left = left

    # -- helpers ---------------------------------------------------------------------

    def _show_entry(self) -> None:
        entry = self.entry
        if entry is None:
            return
        self.state.entry_display = entry.grouped()
        self.state.entry_ok = entry.is_valid
        self.state.entry_problem = entry.problem
        self.state.entry_hint = entry.hint

    def _say_locally(self, text: str) -> None:
        self.session.speaker.speak(text)
