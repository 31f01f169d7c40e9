"""The anonymous usage figures of each visit, for the centre's usage page: a visit began, an
errand started, finished (in how many turns) or was given up at which step, a help request,
a misunderstanding. No names, numbers or words: only what happened."""

from __future__ import annotations

from typing import Any, Optional, Protocol

from common import errands


class UsageSink(Protocol):
    """Where the figures go (kiosk.console_link.ConsoleLink: to the centre console)."""

    def record(self, kind: str, errand: str = "", step: str = "", turns: int = 0) -> None: ...


class VisitPlace(Protocol):
    """What the session knows of where the visit is (kiosk.session.KioskSession)."""

    errand: str
    step: str


class UsageFigures:
    def __init__(self, sink: Optional[UsageSink], visit: VisitPlace) -> None:
        self.sink = sink
        self.visit = visit
        self.visit_started = False
        self.errand_turns = 0

    def _record(self, kind: str, **fields: Any) -> None:
        if self.sink is not None:
            self.sink.record(kind, **fields)

    def resident_acted(self, payload: Optional[str] = None) -> None:
        """Count the visit, and an errand started from a tile."""
        if not self.visit_started:
            self.visit_started = True
            self._record("session")
        started = errands.by_payload(payload or "")
        if started:
            self.visit.errand = started.id
            self.errand_turns = 0
            self._record("errand_started", errand=started.id)
        self.errand_turns += 1

    def help_requested(self) -> None:
        self._record("help")

    def from_reply(self, reply) -> None:
        if reply.help_requested:
            self._record("help")
        if reply.fallback:
            self._record("fallback")
        if reply.finished:
            self._record("errand_finished", errand=reply.finished, turns=self.errand_turns)
            self.visit.errand = ""

    def visit_ended(self) -> None:
        if self.visit.errand:
            self._record("gave_up", errand=self.visit.errand, step=self.visit.step)
        self.visit_started = False
        self.errand_turns = 0
