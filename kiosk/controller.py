"""What every tap and every reply does: the one place that decides which screen comes next.

Screens only call these methods and show `KioskState`; the session talks to Rasa. The
controller maps a reply to a screen (keypad when Rasa asks for a number, result when it
sends one, home when it says so, conversation otherwise), runs the idle timer, and keeps
the text size.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, List, Optional, Protocol, Sequence

from common.menu import GREETING
from kiosk import voice_commands
from kiosk.dialogue_client import Reply
from kiosk.number_entry import NUMBER_INPUTS, NumberEntry
from kiosk.session import KioskSession
from kiosk.speech import digits
from kiosk.speech.listener import Listener, ListenMode, ListenState
from kiosk.state import KioskState

logger = logging.getLogger(__name__)

IDLE_WARNING = "您还在吗？还要继续，请点“我还在”。"
NOT_HEARD = "没听清楚。请您再说一遍，或者点屏幕上的按钮。"
SPEECH_CHANGED = {"slower": "好的，我说慢一点。", "faster": "好的，我说快一点。",
                  "louder": "好的，我大声一点。", "softer": "好的，我小声一点。"}
NOTHING_BEFORE = "这里就是首页。请点一下您要办的事。"
SCALE_NAMES = ["标准", "大", "特大"]


class ScreenSwitcher(Protocol):
    current: str


class KioskController:
    def __init__(self, state: KioskState, screens: ScreenSwitcher, session: KioskSession,
                 text_scales: Sequence[float], idle_seconds: float, countdown_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.state = state
        self.screens = screens
        self.session = session
        self.text_scales: List[float] = list(text_scales)
        self.idle_seconds = idle_seconds
        self.countdown_seconds = countdown_seconds
        self.clock = clock
        self.entry: Optional[NumberEntry] = None
        self.last_activity = clock()
        self.in_errand = False
        self.listener: Optional[Listener] = None
        self.listen_phrases: Optional[List[str]] = None
        self.free_speech_seconds = 60.0
        self.short_answer_seconds = 20.0

    def attach_listener(self, listener: Listener, short_answer_seconds: float,
                        free_speech_seconds: float) -> None:
        self.listener = listener
        self.short_answer_seconds = short_answer_seconds
        self.free_speech_seconds = free_speech_seconds
        self.state.voice_available = listener.available

    # -- taps ------------------------------------------------------------------------

    def tile(self, payload: str, title: str) -> None:
        self.touched()
        self.in_errand = True
        self.session.say(payload, title)

    def choose(self, payload: str, title: str) -> None:
        self.touched()
        self.state.resident_text = title
        self.session.say(payload, title)

    def say_text(self, text: str) -> None:
        """Recognised speech (or typed text): the same path as a tap."""
        self.touched()
        self.in_errand = True
        self.state.resident_text = text
        self.session.say(text)

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
        masked = self.entry.masked()
        self.session.say(self.entry.payload(), masked)
        self.state.resident_text = masked
        self.entry = None
        self.state.entry_display = ""

    def home(self) -> None:
        """Home wipes the visit: screen, conversation, and Rasa's copy of it."""
        self.touched()
        self.session.end()

    def back(self) -> None:
        self.touched()
        if self.screens.current == "home":
            self._say_locally(NOTHING_BEFORE)
            return
        self.session.say("/go_back", "返回")

    def repeat(self) -> None:
        self.touched()
        if self.session.last_reply is None:
            self._say_locally(self.state.assistant_text or GREETING)
        else:
            self.session.repeat()

    def bigger_text(self) -> None:
        """字大一点 steps through the sizes and wraps round to the standard size."""
        self.touched()
        self.state.scale_index = (self.state.scale_index + 1) % len(self.text_scales)
        self.state.font_scale = self.text_scales[self.state.scale_index]
        self._say_locally(f"好的，现在是{SCALE_NAMES[min(self.state.scale_index, 2)]}字。")

    def help(self) -> None:
        self.touched()
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

    # -- voice -------------------------------------------------------------------------

    def microphone(self) -> None:
        """Tap to talk; tap again to stop. The kiosk stops speaking while it listens."""
        self.touched()
        if self.listener is None or not self.listener.available:
            return
        if self.listener.listening:
            self.listener.stop()
            return
        self.session.speaker.stop()
        free = self.listen_phrases is None
        self.listener.start(ListenMode(self.listen_phrases,
                                       self.free_speech_seconds if free else self.short_answer_seconds))

    def on_listen_state(self, state: ListenState) -> None:
        self.touched()
        self.state.listening = state == ListenState.LISTENING
        self.state.heard_text = ""
        if state == ListenState.UNAVAILABLE and self.state.voice_available:
            self.state.voice_available = False
            self.state.notice = "暂时不能用说话的方式，请点屏幕上的按钮。"
            self._say_locally(self.state.notice)

    def on_partial(self, text: str) -> None:
        self.touched()
        self.state.heard_text = text

    def heard(self, text: str) -> None:
        """What the resident said: a command, keypad words, or words for the dialogue."""
        self.touched()
        text = text.strip()
        if not text:
            self._say_locally(NOT_HEARD)
            return
        command = voice_commands.command_for(text)
        if command:
            getattr(self, command)()
        elif self.entry is not None and self.screens.current == "keypad":
            self._heard_on_keypad(text)
        else:
            self.say_text(text)

    def _heard_on_keypad(self, text: str) -> None:
        said = text.strip("，。 ")
        if said in digits.CONFIRM_WORDS:
            self.confirm()
        elif said in digits.DELETE_WORDS:
            self.delete()
        elif said in digits.CLEAR_WORDS:
            self.clear()
        else:
            for key in digits.spoken_to_digits(said):
                self.key(key)
            if self.entry is not None and self.entry.is_valid:
                self._say_locally(f"您输入的是{self.entry.masked()}。对的话，请说“确认”。")

    # -- replies (called on the UI thread) ---------------------------------------------

    def on_reply(self, reply: Reply) -> None:
        self.touched()
        texts = list(reply.texts)
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
            self.screens.current = "result"
        elif reply.goes_home and not reply.buttons:
            self.state.assistant_text = "".join(texts)
            self.in_errand = False
            self.screens.current = "home"
        else:
            self.state.earlier_text = "".join(texts[:-1])
            self.state.assistant_text = texts[-1] if texts else ""
            self.screens.current = "conversation"

    def on_waiting(self, waiting: bool) -> None:
        self.state.waiting = waiting

    def on_wiped(self) -> None:
        """The session ended: nothing of the visit stays on the screen."""
        self.entry = None
        self.in_errand = False
        self.listen_phrases = None
        if self.listener is not None and self.listener.listening:
            self.listener.stop()
        reset = getattr(self.session.speaker, "reset", None)
        if reset is not None:
            reset()  # rate and volume are remembered for one visit only
        self.state.clear_conversation()
        self.state.idle_seconds_left = 0
        self.screens.current = "home"

    # -- idle ------------------------------------------------------------------------

    def touched(self) -> None:
        self.last_activity = self.clock()
        self.state.idle_seconds_left = 0

    def tick(self, _dt: float = 0) -> None:
        """Called every second: warn, count down, then wipe. Only while a visit is under way."""
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
