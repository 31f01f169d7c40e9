"""What every tap and every reply does: the one place that decides which screen comes next.

Screens call these methods and show `KioskState`; the session talks to Rasa. A reply picks the screen (keypad,
result, home, else conversation); idle timer, text size, and the parts (voice, staff, console, desks) live here.
"""

from __future__ import annotations

import time
from typing import Callable, List, Optional, Protocol, Sequence

from common.kiosk_protocol import CARD_ON_READER, INPUT_YES_NO
from common.menu import GREETING
from kiosk.card_check import CardChecker
from kiosk.card_desk import CardDesk
from kiosk.console_events import ConsoleEvents
from kiosk.dialogue_client import Reply
from kiosk.face_desk import FaceDesk
from kiosk.home_menu import HomeMenu
from kiosk.idle import IdleTimer, Timing
from kiosk.keypad import Keypad
from kiosk.lesson_runner import LessonRunner, Scheduler
from kiosk.number_entry import NUMBER_INPUTS, NumberEntry
from kiosk.payment_desk import PaymentDesk
from kiosk.printing import print_in_background
from kiosk.session import KioskSession
from kiosk.speech.listener import Listener
from kiosk.speech.speaker import Speaker
from kiosk.staff import SCALE_NAMES, StaffSettings
from kiosk.staff_panel import StaffPanel
from kiosk.state import KioskState
from kiosk.usage import UsageFigures
from kiosk.voice_input import VoiceInput

SPEECH_CHANGED = {"slower": "好的，我说慢一点。", "faster": "好的，我说快一点。",
                  "louder": "好的，我大声一点。", "softer": "好的，我小声一点。"}
NOTHING_BEFORE = "这里就是首页。请点一下您要办的事。"
CARD_FIRST = "请把身份证放在读卡器上。没带身份证的话，"
SPOKEN_COMMANDS = {"home", "back", "repeat", "bigger_text", "help", "slower", "faster", "louder", "softer"}


class ScreenSwitcher(Protocol):
    current: str


class KioskController:
    def __init__(self, state: KioskState, screens: ScreenSwitcher, session: KioskSession, speaker: Speaker, *,
                 text_scales: Sequence[float], text_scale_default: int = 0, timing: Timing = Timing(),
                 schedule: Scheduler, clock: Callable[[], float] = time.monotonic,
                 listener: Optional[Listener] = None, staff: Optional[StaffSettings] = None,
                 link=None, printer: Optional[Callable[[dict], None]] = None,
                 card_checker: Optional[CardChecker] = None,
                 deliver: Callable[[Callable[[], None]], None] = lambda call: call(),
                 quit_app: Callable[[], None] = lambda: None, staff_wait_seconds: float = 300.0) -> None:
        self.state = state
        self.quit_app = quit_app  # close the window (the staff panel's 退出到维护)
        self.screens = screens
        self.session = session
        self.speaker = speaker
        self.text_scales: List[float] = list(text_scales)
        self.text_scale_default = text_scale_default
        self.clock = clock
        self.printer = printer
        self.link = link  # the centre console (kiosk.console_link.ConsoleLink), or None
        self.idle = IdleTimer(self, timing.idle_seconds, timing.countdown_seconds, clock)
        self.in_errand = False
        self.last_result: dict = {}
        self.usage = UsageFigures(link, session)
        self.lessons = LessonRunner(self, session, schedule, link)
        self.console = ConsoleEvents(self, link, self.lessons.start, schedule, staff_wait_seconds)
        self.voice = VoiceInput(listener, self, speaker, timing.short_answer_seconds, timing.free_speech_seconds)
        self.menu = HomeMenu(self, speaker)  # 更多 and the voice button
        self.staff = StaffPanel(staff, self, speaker, clock, self.menu.use_default_voice) if staff is not None else None
        self.keypad = Keypad(self, self.staff.log_in if self.staff is not None else lambda _pin: None)
        self.card = CardDesk(self, session, card_checker, schedule, deliver)
        self.payment = PaymentDesk(self, session, card_checker, schedule, deliver)  # a QR code to pay
        self.face = FaceDesk(self, session, card_checker, deliver)  # the camera, when app.py attaches one
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

    def say_payload(self, payload: str, shown_as: str) -> None:
        """Something the kiosk says for the resident (a card placed): the dialogue's next turn."""
        self.touched()
        self.in_errand = True
        self.usage.resident_acted()
        self.session.say(payload, shown_as)

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
        if not self.menu.back():  # 更多 goes back home by itself
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
        self.idle.idle_seconds = idle_seconds

    # -- replies (called on the UI thread) ---------------------------------------------

    def on_reply(self, reply: Reply) -> str:
        """Show a reply; returns what the kiosk says for it: the card first where the kiosk has
        a reader and the reply asks who the resident is, then the reply, then a lesson's next step."""
        self.touched()
        texts = list(reply.texts)
        self.state.card_invite = bool(reply.directives.get(CARD_ON_READER)) and self.state.card_reader
        first = CARD_FIRST if self.state.card_invite else ""
        self.usage.from_reply(reply)
        self.console.staff_wait.saw(reply)  # staff certifying the pension in person
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
        for desk in (self.payment, self.face):  # a payment order's QR code; FACE_CHECK "start": the camera
            desk.saw(reply)
        return first + reply.text + self.lessons.after_reply()

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
        self.speaker.reset()  # rate, volume and voice are remembered for one visit only
        self.menu.visit_ended()
        self.state.clear_conversation()
        self.state.scale_index = self.text_scale_default  # the next resident starts at the default
        self.state.font_scale = self.text_scales[self.text_scale_default]
        self.state.idle_seconds_left = 0
        self.screens.current = "home"
        self.card.visit_ended()  # a card still on the reader: 请拿好您的身份证, until it is lifted

    # -- idle (kiosk/idle.py) -----------------------------------------------------------

    def touched(self) -> None:
        self.idle.touched()

    def tick(self, _dt: float = 0) -> None:
        self.idle.tick()

    def visit_under_way(self) -> bool:
        return self.in_errand or self.session.last_reply is not None or self.state.help_coming

    def lesson_running(self) -> bool:
        return self.lessons.running

    def end_visit(self) -> None:
        self.session.end()
