"""Guided lessons on the kiosk: practice mode against the practice portal, one step at a time.

Each step says what to do, highlights what to press, and waits as long as it takes; after a
while it gives the hint, again and again if needed. 再听一遍 repeats the step. The
conversation runs as a practice conversation, which the action server serves from the
practice portal with the lesson's fictional resident (config/practice_residents.yml), so
nothing real is touched.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, List, Optional, Protocol

from common import menu
from common.lessons import Lesson, Step, load_lessons

FINISHED = "练习结束了。您做得很好！"
LESSON_CHOICE = "#lesson:"
IN_MORE = "它在“更多”里面。请先点“更多”。"
NOW_TAP = "现在请点“{label}”。"


class Cancellable(Protocol):
    def cancel(self) -> None: ...


# (seconds, call) -> something to cancel: Kivy's Clock.schedule_once in the window.
Scheduler = Callable[[float, Callable[[], None]], Cancellable]


class KioskActions(Protocol):
    """What a lesson does on the kiosk (kiosk.controller.KioskController)."""

    state: Any

    def say_locally(self, text: str) -> None: ...

    def ask_locally(self, question: str, choices: list) -> None: ...


class PracticeSession(Protocol):
    """The visit a lesson runs in (kiosk.session.KioskSession)."""

    dialogue: Any

    def end(self, stop_speech: bool = True) -> None: ...


class StatusSink(Protocol):
    def report(self, **status: Any) -> None: ...


class LessonRunner:
    def __init__(self, kiosk: KioskActions, session: PracticeSession, schedule: Scheduler,
                 link: Optional[StatusSink] = None,
                 lessons: Callable[[], List[Lesson]] = lambda: load_lessons()[0]) -> None:
        self.kiosk = kiosk
        self.session = session
        self.schedule = schedule
        self.link = link
        self.available = lessons
        self.lesson: Optional[Lesson] = None
        self.step_index = 0
        self.hints = 0
        self._hint: Optional[Cancellable] = None
        self._advance_on_reply = False
        self._held: Optional[List[str]] = None  # what to say after the reply, while one is shown

    @property
    def running(self) -> bool:
        return self.lesson is not None

    def lessons(self) -> Dict[str, Lesson]:
        return {lesson.id: lesson for lesson in self.available()}

    def offer(self) -> None:
        """The staff settings' 练习课 button: the lessons as big choices."""
        self.kiosk.ask_locally("请选一节练习课。", [(lesson.title, LESSON_CHOICE + lesson.id)
                                                for lesson in self.lessons().values()])

    def chosen(self, payload: str) -> bool:
        """A lesson tapped among those offered; True when the payload was one."""
        if not payload.startswith(LESSON_CHOICE):
            return False
        self.start(payload[len(LESSON_CHOICE):])
        return True

    def start(self, lesson_id: str) -> None:
        lesson = self.lessons().get(lesson_id)
        if lesson is None:
            return
        self.session.dialogue.practice = True
        self.session.end()
        self.lesson, self.step_index = lesson, 0
        self.kiosk.state.practice = True
        self._begin_step()

    def _step(self) -> Step:
        return self.lesson.steps[self.step_index]

    def _fill(self, text: str) -> str:
        return text.format(**self.lesson.resident.values())

    def _under_more(self, label: str) -> bool:
        """An errand tile the home screen, at its present size, leaves to the 更多 page."""
        room = int(getattr(self.kiosk.state, "home_room", 0) or menu.HOME_TILES_MAX)
        return label in {tile.label for _id, tile, _payload in menu.more_tiles(room)}

    def _begin_step(self) -> None:
        step, state = self._step(), self.kiosk.state
        self.hints = 0
        state.lesson_text = (f"练习模式：{self.lesson.title}　第 {self.step_index + 1} 步，"
                             f"共 {len(self.lesson.steps)} 步")
        state.highlight = "" if step.target == "*" or step.action in ("type", "say") else self._fill(step.target)
        if step.action == "type":
            state.highlight = "确认"
        if step.action == "tap" and self._under_more(self._fill(step.target)):
            state.highlight = menu.MORE_TILE.label
            self._say(self._fill(step.say) + IN_MORE)
        else:
            self._say(self._fill(step.say))
        self._schedule_hint()
        self._report(lesson_id=self.lesson.id, lesson_step=self.step_index, lesson_steps=len(self.lesson.steps),
                     step_since=time.time(), hints=0)

    def _report(self, **status: Any) -> None:
        if self.link is not None:
            self.link.report(**status)

    def _schedule_hint(self) -> None:
        if self._hint is not None:
            self._hint.cancel()
        self._hint = self.schedule(self._step().hint_after_seconds, self._give_hint)

    def _give_hint(self) -> None:
        if self.lesson is None:
            return
        self.hints += 1
        self._say(self._fill(self._step().hint))
        self._report(hints=self.hints)
        self._schedule_hint()  # patiently, as often as it takes

    def repeat_step(self) -> bool:
        if self.lesson is None:
            return False
        self._say(self._fill(self._step().say))
        return True

    def opened_more(self) -> None:
        """The learner opened 更多 while the step's tile is there: point at it."""
        if self.lesson is None:
            return
        step = self._step()
        target = self._fill(step.target)
        if step.action == "tap" and self._under_more(target):
            self.kiosk.state.highlight = target
            self._say(NOW_TAP.format(label=target))

    def saw(self, action: str, value: str) -> None:
        """What the learner just did; the step moves on when it is what the step asked for."""
        if self.lesson is None:
            return
        step = self._step()
        target = self._fill(step.target)
        matched = step.action == action and (target == "*" or target == value or
                                              (action == "say" and target in value))
        if not matched:
            return
        if action == "tap" and value == "首页":
            self._next_step()
        else:
            self._advance_on_reply = True  # after the kiosk has shown what the tap brought

    def after_reply(self) -> str:
        """Move on once the reply the learner's action brought is shown; what the lesson then
        says (praise, the next step) is returned, to be said after the reply, not over it."""
        if self.lesson is None or not self._advance_on_reply:
            return ""
        self._advance_on_reply = False
        self._held = []
        try:
            self._next_step()
            return "".join(self._held)
        finally:
            self._held = None

    def _say(self, text: str) -> None:
        if self._held is not None:
            self._held.append(text)
        else:
            self.kiosk.say_locally(text)

    def _next_step(self) -> None:
        praise = self._step().praise
        self.step_index += 1
        if self.step_index >= len(self.lesson.steps):
            self._finish(praise)
            return
        self._say(praise)
        self._begin_step()

    def stop(self) -> None:
        """A lesson left unfinished: the kiosk is a real kiosk again, nothing of it said."""
        if self.lesson is not None:
            self._finish("", say=False)

    def _finish(self, praise: str, say: bool = True) -> None:
        if self._hint is not None:
            self._hint.cancel()
        self._advance_on_reply = False
        self.lesson = None
        state = self.kiosk.state
        state.practice, state.highlight, state.lesson_text = False, "", ""
        self.session.dialogue.practice = False
        self.session.end(stop_speech=not say)
        if say:
            self._say(f"{praise}{FINISHED}")
        self._report(lesson_id=None, lesson_step=None, lesson_steps=None, step_since=None, hints=0)
