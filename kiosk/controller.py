"""What every tap and every reply does: the one place that decides which screen comes next.

Screens only call these methods and show `KioskState`; the session talks to Rasa. The
controller maps a reply to a screen (keypad when Rasa asks for a number, result when it
sends one, home when it says so, conversation otherwise), runs the idle timer, and keeps
the text size. Voice input, the staff panel, the centre console's events, the usage figures
and guided lessons are parts it is composed of, each built here from what it needs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Protocol, Sequence

from common.kiosk_protocol import INPUT_YES_NO
from common.menu import GREETING
from kiosk.console_events import ConsoleEvents
from kiosk.dialogue_client import Reply
from kiosk.keypad import Keypad
from kiosk.lesson_runner import LessonRunner, Scheduler
from kiosk.number_entry import NUMBER_INPUTS, NumberEntry
from kiosk.printing import print_in_background
from kiosk.session import KioskSession
from kiosk.speech.listener import Listener
from kiosk.speech.speaker import Speaker
from kiosk.staff import SCALE_NAMES, StaffSettings
from kiosk.staff_panel import StaffPanel
from kiosk.state import KioskState
from kiosk.usage import UsageFigures
from kiosk.voice_input import VoiceInput

logger = logging.getLogger(__name__)

IDLE_WARNING = "您还在吗？还要继续，请点“我还在”。"
SPEECH_CHANGED = {"slower": "好的，我说慢一点。", "faster": "好的，我说快一点。",
                  "louder": "好的，我大声一点。", "softer": "好的，我小声一点。"}
NOTHING_BEFORE = "这里就是首页。请点一下您要办的事。"
SPOKEN_COMMANDS = {"home", "back", "repeat", "bigger_text", "help", "slower", "faster", "louder", "softer"}


class ScreenSwitcher(Protocol):
    current: str


@dataclass(frozen=True)
class Timing:
    """The kiosk's waits, from config (kiosk.* and speech.*)."""

    idle_seconds: float = 90
    countdown_seconds: float = 30
    short_answer_seconds: float = 20
    free_speech_seconds: float = 60


class KioskController:
    def __init__(self, state: KioskState, screens: ScreenSwitcher, session: KioskSession, speaker: Speaker, *,
                 text_scales: Sequence[float], text_scale_default: int = 0, timing: Timing = Timing(),
                 schedule: Scheduler, clock: Callable[[], float] = time.monotonic,
                 listener: Optional[Listener] = None, staff: Optional[StaffSettings] = None,
                 link=None, printer: Optional[Callable[[dict], None]] = None) -> None:
        self.state = state
        self.screens = screens
        self.session = session
        self.speaker = speaker
        self.text_scales: List[float] = list(text_scales)
        self.text_scale_default = text_scale_default
        self.idle_seconds = timing.idle_seconds
        self.countdown_seconds = timing.countdown_seconds
        self.clock = clock
        self.printer = printer
        self.link = link  # the centre console (kiosk.console_link.ConsoleLink), or None
        self.last_activity = clock()
        self.in_errand = False
        self.last_result: dict = {}
        self.usage = UsageFigures(link, session)
        self.lessons = LessonRunner(self, session, schedule, link)
        self.console = ConsoleEvents(self, link, self.lessons.start)
        self.voice = VoiceInput(listener, self, speaker, timing.short_answer_seconds, timing.free_speech_seconds)
        self.staff = StaffPanel(staff, self, speaker, clock) if staff is not None else None
        self.keypad = Keypad(self, self.staff.log_in if self.staff is not None else lambda _pin: None)
        session.events.on_reply = self.on_reply
        session.events.on_waiting = self.on_waiting
        session.events.on_wiped = self.on_wiped

    # -- taps ------------------------------------------------------------------------

    def tile(self, payload: str, title: str) -> None:
        self.touched()
        self.in_errand = True
        self.usage.resident_acted(payload)
        self.lessons.saw("tap", title)
        self.session.say(payload, title)

    def choose(self, payload: str, title: str) -> None:
        self.touched()
        if self.console.answers_locally(payload) or self.lessons.chosen(payload):
            return
        self.lessons.saw("confirm" if self.screens.current == "confirm" else "choose", title)
        self.usage.resident_acted()
        self.state.resident_text = title
        self.session.say(payload, title)

    def say_text(self, text: str, shown_as: Optional[str] = None) -> None:
        """Recognised speech (or typed text): the same path as a tap."""
        self.touched()
        self.in_errand = True
        self.usage.resident_acted()
        self.lessons.saw("say", text)
        self.state.resident_text = shown_as or text
        self.session.say(text, shown_as)

    def send_number(self, entry: NumberEntry) -> None:
        """A number confirmed on the keypad: to the dialogue, shown and said only masked."""
        self.lessons.saw("type", entry.value)
        self.usage.resident_acted()
        self.session.say(entry.payload(), entry.masked())
        self.state.resident_text = entry.masked()

    def home(self) -> None:
        """Home wipes the visit: screen, conversation, and Rasa's copy of it."""
        self.touched()
        self.session.end()
        self.lessons.saw("tap", "首页")

    def back(self) -> None:
        self.touched()
        if self.screens.current == "home":
            self.say_locally(NOTHING_BEFORE)
            return
        self.session.say("/go_back", "返回")

    def repeat(self) -> None:
        self.touched()
        if self.lessons.repeat_step():
            return
        if self.session.last_reply is None:
            self.say_locally(self.state.assistant_text or GREETING)
        else:
            self.session.repeat()

    def bigger_text(self) -> None:
        """字大一点 steps through the sizes and wraps round to the standard size."""
        self.touched()
        self._step_text_size()
        self.say_locally(f"好的，现在是{SCALE_NAMES[min(self.state.scale_index, 2)]}字。")

    def _step_text_size(self) -> None:
        self.state.scale_index = (self.state.scale_index + 1) % len(self.text_scales)
        self.state.font_scale = self.text_scales[self.state.scale_index]

    def help(self) -> None:
        self.touched()
        self.usage.resident_acted()
        self.usage.help_requested()
        self.state.help_coming = True
        self.session.request_help()

    def still_here(self) -> None:
        self.touched()

    def change_speech(self, change: str) -> None:
        """说慢一点, 说快一点, 大声一点, 小声一点 (the bar's buttons or the resident's words)."""
        self.touched()
        getattr(self.speaker, change)()
        self.say_locally(SPEECH_CHANGED[change])

    def command(self, name: str) -> None:
        """A word from the bar said aloud (kiosk.voice_commands)."""
        if name in SPEECH_CHANGED:
            self.change_speech(name)
        elif name in SPOKEN_COMMANDS:
            getattr(self, name)()

    def print_receipt(self) -> None:
        self.touched()
        if self.last_result:
            self.print_result(dict(self.last_result))

    def print_result(self, result: dict) -> None:
        if self.printer is not None:
            print_in_background(self.printer, result, self.say_locally)

    # -- what the parts ask of the kiosk ----------------------------------------------

    def say_locally(self, text: str) -> None:
        self.speaker.speak(text)

    def show(self, screen: str) -> None:
        self.screens.current = screen

    def open_keypad(self, entry: NumberEntry, prompt: str, how: str = "") -> None:
        self.keypad.open(entry, prompt, how)

    def ask_locally(self, question: str, choices: list) -> None:
        """A question the kiosk asks itself (consent, the lessons), with big choices."""
        self.state.earlier_text = ""
        self.state.assistant_text = question
        self.state.choices = list(choices)
        self.screens.current = "conversation"
        self.say_locally(question)

    def on_keypad(self) -> bool:
        return self.keypad.showing

    def keypad_words(self, said: str) -> None:
        self.keypad.words(said)

    def use_defaults(self, text_scale_index: int, idle_seconds: float) -> None:
        """The staff saved new defaults: the text size and idle time change at once."""
        self.text_scale_default = text_scale_index
        self.state.scale_index = text_scale_index
        self.state.font_scale = self.text_scales[text_scale_index]
        self.idle_seconds = idle_seconds

    # -- replies (called on the UI thread) ---------------------------------------------

    def on_reply(self, reply: Reply) -> str:
        """Show a reply; returns what the kiosk says after the reply itself (a lesson's next step)."""
        self.touched()
        texts = list(reply.texts)
        self.usage.from_reply(reply)
        if reply.speech_change:  # the reply itself says "好的，我说慢一点"
            getattr(self.speaker, reply.speech_change)()
        if reply.bigger_text:
            self._step_text_size()
        if reply.help_requested:
            self.state.help_coming = True
        self.state.choices = [(b.title, b.payload) for b in reply.buttons]
        self.voice.expect(reply.input_kind, [b.title for b in reply.buttons])
        if reply.input_kind in NUMBER_INPUTS:
            question, _, how = (texts[-1] if texts else "").partition("。")
            self.state.earlier_text = "".join(texts[:-1])
            self.open_keypad(NumberEntry(reply.input_kind), question + ("。" if how or question else ""), how)
        elif reply.result:
            self.state.show_result(dict(reply.result), "".join(texts))
            self.last_result = dict(reply.result)
            self.state.can_print = reply.printable and self.printer is not None
            self.screens.current = "result"
        elif reply.input_kind == INPUT_YES_NO and len(reply.buttons) >= 2:
            self._show_question(texts, "confirm")
        elif reply.goes_home and not reply.buttons:
            self.state.assistant_text = "".join(texts)
            self.in_errand = False
            self.screens.current = "home"
        else:
            self._show_question(texts, "conversation")
        return self.lessons.after_reply()

    def _show_question(self, texts: List[str], screen: str) -> None:
        self.state.earlier_text = "".join(texts[:-1])
        self.state.assistant_text = texts[-1] if texts else ""
        self.screens.current = screen

    def on_waiting(self, waiting: bool) -> None:
        self.state.waiting = waiting

    def on_wiped(self) -> None:
        """The session ended: nothing of the visit stays on the screen."""
        self.usage.visit_ended()
        self.console.visit_ended()
        self.keypad.close()
        self.in_errand = False
        self.voice.expect(None, [])
        self.voice.stop()
        self.speaker.reset()  # rate and volume are remembered for one visit only
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
        if self.lessons.running:
            return  # a lesson waits as long as the learner needs; staff are at hand
        visit_under_way = self.in_errand or self.session.last_reply is not None or self.state.help_coming
        if not visit_under_way:
            return
        idle_for = self.clock() - self.last_activity
        if idle_for < self.idle_seconds:
            return
        left = int(round(self.idle_seconds + self.countdown_seconds - idle_for))
        if self.state.idle_seconds_left == 0 and left > 0:
            self.say_locally(IDLE_WARNING)
        if left <= 0:
            logger.info("idle timeout: session wiped")
            self.session.end()
            return
        self.state.idle_seconds_left = left
