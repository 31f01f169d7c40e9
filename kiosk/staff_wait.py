"""Waiting at the kiosk for a staff member to certify the pension in person.

The dialogue asks the portal for a staff member and replies with the request as a staff task
("certification:<id>"); the session raises the help request with it, so the console shows it.
This part then waits for one of two things. The console's `certification_decided` event for
this visit's request: the kiosk says /staff_certified for the resident, and the dialogue asks
the portal how it went (the event itself certifies nothing). Or the configured patience
(`kiosk.staff_wait_seconds`) running out: the kiosk says /staff_wait_over, and the dialogue
withdraws the request and offers an appointment at the hall or a home visit.

The wait lasts while the dialogue's replies still offer "工作人员认证好了"; any other reply (the
resident went on to something else, or was certified by tapping it) ends it quietly.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Protocol

from common.kiosk_protocol import (
    CERTIFICATION_DECIDED,
    CERTIFICATION_TASK,
    STAFF_CERTIFIED,
    STAFF_WAIT_OVER,
    staff_task,
    task_of,
)
from kiosk.dialogue_client import Reply
from kiosk.lesson_runner import Cancellable, Scheduler

DECIDED_EVENT = CERTIFICATION_DECIDED  # console/certification_checks.py sends it
DECIDED_SHOWN = "（工作人员已当面认证）"  # not spoken: shown as the resident's line
WAITED_SHOWN = "（等了很久，工作人员没有来）"


class KioskActions(Protocol):
    session: Any  # kiosk.session.KioskSession

    def say_payload(self, payload: str, shown_as: str) -> None: ...


class StaffWait:
    def __init__(self, kiosk: KioskActions, schedule: Scheduler, seconds: float) -> None:
        self.kiosk = kiosk
        self.schedule = schedule
        self.seconds = seconds
        self.reference = ""  # the staff task this visit waits for ("certification:<id>")
        self._timer: Optional[Cancellable] = None

    def saw(self, reply: Reply) -> None:
        """Every reply shown: a new certification request starts the wait; a reply that no
        longer offers "工作人员认证好了" ends it."""
        kind, _request_id = task_of(reply.identity_check)
        if kind == CERTIFICATION_TASK:
            self._stop()
            self.reference = reply.identity_check
            reference = self.reference
            self._timer = self.schedule(self.seconds, lambda: self._waited_too_long(reference))
        elif self.reference and not any(button.payload == STAFF_CERTIFIED for button in reply.buttons):
            self._end()

    def decided(self, event: Dict[str, Any]) -> None:
        """The console says staff decided: only this visit's request counts."""
        request_id = str(event.get("request_id") or "")
        if not self._current() or not request_id or ":" in request_id:
            return
        if staff_task(CERTIFICATION_TASK, request_id) != self.reference:
            return
        self._end()
        self.kiosk.say_payload(STAFF_CERTIFIED, DECIDED_SHOWN)

    def visit_ended(self) -> None:
        self._end()

    @property
    def waiting(self) -> bool:
        return bool(self.reference)

    def _waited_too_long(self, reference: str) -> None:
        if reference != self.reference:
            return  # an earlier wait, already over
        self._timer = None
        waiting = self._current()  # not when the session has moved on to another staff task
        self._end()
        if not waiting:
            return
        self.kiosk.say_payload(STAFF_WAIT_OVER, WAITED_SHOWN)

    def _current(self) -> bool:
        """The session still waits for this request (it raised the help request with it)."""
        return bool(self.reference) and getattr(self.kiosk.session, "identity_check", "") == self.reference

    def _end(self) -> None:
        self._stop()
        if self._current():
            self.kiosk.session.identity_check = ""
        self.reference = ""

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
