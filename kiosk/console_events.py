"""What the centre console asks of the kiosk: a volunteer claimed the help request, asks to
type for the resident, typed words, staff checked the resident's card in person, staff decided
the pension certification in person (kiosk/staff_wait.py), or staff start a guided lesson.

Typing for a resident needs their consent, asked on the screen and ended with the visit;
without it nothing typed at the console reaches the kiosk.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Optional, Protocol

from common.kiosk_protocol import CERTIFICATION_DECIDED
from kiosk.lesson_runner import Scheduler
from kiosk.staff_wait import StaffWait

CLAIMED = "志愿者马上就到，请您稍等。"
CONSENT_QUESTION = "工作人员想在屏幕上帮您输入，可以吗？"
CONSENT_YES = "#consent:yes"
CONSENT_NO = "#consent:no"
CONSENT_GIVEN = "好的，工作人员会帮您输入。"
CONSENT_REFUSED = "好的，您自己来。"
VOLUNTEER_TYPING = "志愿者正在帮您输入。"
STAFF_CHECKED = "（工作人员已核对）"  # not spoken: shown as the resident's line


class KioskActions(Protocol):
    """What these events do on the kiosk (kiosk.controller.KioskController)."""

    state: Any
    session: Any  # kiosk.session.KioskSession

    def touched(self) -> None: ...

    def say_locally(self, text: str) -> None: ...

    def say_text(self, text: str, shown_as: Optional[str] = None) -> None: ...

    def ask_locally(self, question: str, choices: list) -> None: ...

    def say_payload(self, payload: str, shown_as: str) -> None: ...


class StatusSink(Protocol):
    """Where the kiosk reports its state (kiosk.console_link.ConsoleLink)."""

    def report(self, **status: Any) -> None: ...


class ConsoleEvents:
    def __init__(self, kiosk: KioskActions, link: Optional[StatusSink],
                 start_lesson: Callable[[str], None], schedule: Optional[Scheduler] = None,
                 staff_wait_seconds: float = 300.0) -> None:
        self.kiosk = kiosk
        self.link = link
        self.start_lesson = start_lesson
        # Staff certifying the pension in person (kiosk/staff_wait.py): waits for the console.
        staff_wait = StaffWait(kiosk, schedule, staff_wait_seconds) if schedule is not None else None
        self.staff_wait = staff_wait
        self.consent = False
        self._handlers: Dict[str, Callable[[Dict[str, Any]], None]] = {
            "claimed": self._claimed, "ask_consent": self._ask_consent,
            "volunteer_text": self._volunteer_text, "identity_checked": self._identity_checked,
            "start_lesson": self._lesson}
        if staff_wait is not None:
            self._handlers[CERTIFICATION_DECIDED] = staff_wait.decided

    def handle(self, event: Dict[str, Any]) -> None:
        """One event from the console (delivered on the UI thread); unknown kinds are ignored."""
        handler = self._handlers.get(str(event.get("type")))
        if handler is not None:
            handler(event)

    def _claimed(self, _event: Dict[str, Any]) -> None:
        state = self.kiosk.state
        state.help_coming = True
        state.help_text = CLAIMED
        self.kiosk.say_locally(CLAIMED)

    def _ask_consent(self, _event: Dict[str, Any]) -> None:
        self.kiosk.touched()
        self.kiosk.ask_locally(CONSENT_QUESTION, [("可以", CONSENT_YES), ("不用了", CONSENT_NO)])

    def answers_locally(self, payload: str) -> bool:
        """The consent buttons are answered here, not by the dialogue; True when handled."""
        if payload not in (CONSENT_YES, CONSENT_NO):
            return False
        self.consent = payload == CONSENT_YES
        if self.link is not None:
            self.link.report(consent=int(self.consent))
        self.kiosk.say_locally(CONSENT_GIVEN if self.consent else CONSENT_REFUSED)
        self.kiosk.state.choices = []
        return True

    def _volunteer_text(self, event: Dict[str, Any]) -> None:
        text = str(event.get("text", "")).strip()
        if not (self.consent and text):
            return  # without the resident's consent nothing typed elsewhere reaches the kiosk
        self.kiosk.state.notice = VOLUNTEER_TYPING
        self.kiosk.say_text(text, shown_as=f"（志愿者）{text}")

    def _identity_checked(self, event: Dict[str, Any]) -> None:
        """Staff decided the check this visit waits for: the dialogue asks the portal for the
        outcome (the portal, not this event, says whether the resident is verified). A check
        of an earlier visit is ignored."""
        check = str(event.get("check_id", ""))
        if not check or check != self.kiosk.session.identity_check:
            return
        self.kiosk.session.identity_check = ""
        self.kiosk.say_payload("/inform" + json.dumps({"staff_check": check}), STAFF_CHECKED)

    def _lesson(self, event: Dict[str, Any]) -> None:
        self.start_lesson(str(event.get("lesson_id", "")))

    def visit_ended(self) -> None:
        if self.consent and self.link is not None:
            self.link.report(consent=0)  # consent ends with the visit
        self.consent = False
        if self.staff_wait is not None:
            self.staff_wait.visit_ended()
