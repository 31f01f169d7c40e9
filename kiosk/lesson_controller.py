"""Guided lessons on the kiosk: practice mode against the sandbox, one step at a time.

Each step says what to do, highlights what to press, and waits as long as it takes; after a
while it gives the hint, again and again if needed. 再听一遍 repeats the step. The
conversation runs as a practice conversation, which the action server serves from the
portal sandbox with a practice resident, so nothing real is touched.
"""

from __future__ import annotations

import time
from typing import Dict, Optional

from kivy.clock import Clock

from common import idnumber
from common.lessons import Lesson, Step, load_lessons
from common.masking import mask_id_number
from portal.sandbox.identity import mask_name
from portal.sandbox.seed import DEMO_RESIDENTS

FINISHED = "练习结束了。您做得很好！"
LESSON_CHOICE = "#lesson:"


def practice_values(lesson: Lesson) -> Dict[str, str]:
    name, area, born, sequence, phone, _cents = DEMO_RESIDENTS[lesson.practice_resident]
    number = idnumber.make(area, born, sequence)
    return {"practice_id": number, "practice_id_grouped": f"{number[:6]} {number[6:14]} {number[14:]}",
            "practice_name": mask_name(name), "practice_phone": phone,
            "practice_phone_grouped": f"{phone[:3]} {phone[3:7]} {phone[7:]}",
            "practice_id_masked": mask_id_number(number)}


class LessonControls:
    """Mixed into KioskController."""

    lesson: Optional[Lesson] = None
    lesson_step = 0
    lesson_hints = 0
    _hint_event = None
    _advance_on_reply = False

    def lessons(self) -> Dict[str, Lesson]:
        return {lesson.id: lesson for lesson in load_lessons()[0]}

    def offer_lessons(self) -> None:
        """The staff settings' 练习课 button: the lessons as big choices."""
        self.state.earlier_text = ""
        self.state.assistant_text = "请选一节练习课。"
        self.state.choices = [(lesson.title, LESSON_CHOICE + lesson.id) for lesson in self.lessons().values()]
        self.screens.current = "conversation"

    def start_lesson(self, lesson_id: str) -> None:
        lesson = self.lessons().get(lesson_id)
        if lesson is None:
            return
        self.session.dialogue.practice = True
        self.session.end()
        self.lesson, self.lesson_step = lesson, 0
        self.state.practice = True
        self._begin_step()

    def _step(self) -> Step:
        return self.lesson.steps[self.lesson_step]

    def _fill(self, text: str) -> str:
        return text.format(**practice_values(self.lesson))

    def _begin_step(self) -> None:
        step = self._step()
        self.lesson_hints = 0
        self.state.lesson_text = (f"练习模式：{self.lesson.title}　第 {self.lesson_step + 1} 步，"
                                  f"共 {len(self.lesson.steps)} 步")
        self.state.highlight = "" if step.target == "*" or step.action in ("type", "say") else self._fill(step.target)
        if step.action == "type":
            self.state.highlight = "确认"
        self._say_locally(self._fill(step.say))
        self._schedule_hint()
        if self.link is not None:
            self.link.report(lesson_id=self.lesson.id, lesson_step=self.lesson_step,
                             lesson_steps=len(self.lesson.steps), step_since=time.time(), hints=0)

    def _schedule_hint(self) -> None:
        if self._hint_event is not None:
            self._hint_event.cancel()
        self._hint_event = Clock.schedule_once(lambda _dt: self._hint(), self._step().hint_after_seconds)

    def _hint(self) -> None:
        if self.lesson is None:
            return
        self.lesson_hints += 1
        self._say_locally(self._fill(self._step().hint))
        if self.link is not None:
            self.link.report(hints=self.lesson_hints)
        self._schedule_hint()  # patiently, as often as it takes

    def repeat_lesson_step(self) -> bool:
        if self.lesson is None:
            return False
        self._say_locally(self._fill(self._step().say))
        return True

    def lesson_saw(self, action: str, value: str) -> None:
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

    def lesson_after_reply(self) -> None:
        if self.lesson is not None and self._advance_on_reply:
            self._advance_on_reply = False
            self._next_step()

    def _next_step(self) -> None:
        praise = self._step().praise
        self.lesson_step += 1
        if self.lesson_step >= len(self.lesson.steps):
            self._finish_lesson(praise)
            return
        self._say_locally(praise)
        self._begin_step()

    def _finish_lesson(self, praise: str) -> None:
        if self._hint_event is not None:
            self._hint_event.cancel()
        self.lesson = None
        self.state.practice, self.state.highlight, self.state.lesson_text = False, "", ""
        self.session.dialogue.practice = False
        self.session.end(stop_speech=False)
        self._say_locally(f"{praise}{FINISHED}")
        if self.link is not None:
            self.link.report(lesson_id=None, lesson_step=None, lesson_steps=None, step_since=None, hints=0)
