"""The centre-console side of the controller: a volunteer's claim, typing with the
resident's consent, and the anonymous usage figures of each visit."""

from __future__ import annotations

from typing import Any, Dict, Optional

from common import errands
from kiosk.console_link import ConsoleLink

CLAIMED = "志愿者马上就到，请您稍等。"
CONSENT_QUESTION = "工作人员想在屏幕上帮您输入，可以吗？"
CONSENT_YES = "#consent:yes"
CONSENT_NO = "#consent:no"
VOLUNTEER_TYPING = "志愿者正在帮您输入。"


class ConsoleControls:
    """Mixed into KioskController (which provides state, screens, session, touched, say)."""

    link: Optional[ConsoleLink] = None
    consent = False
    visit_started = False
    errand_turns = 0

    # -- events from the console (delivered on the UI thread) -----------------------------

    def on_console_event(self, event: Dict[str, Any]) -> None:
        handler = {"claimed": self._claimed, "ask_consent": self._ask_consent,
                   "volunteer_text": self._volunteer_text, "start_lesson": self._start_lesson}.get(event.get("type"))
        if handler is not None:
            handler(event)

    def _claimed(self, _event: Dict[str, Any]) -> None:
        self.state.help_coming = True
        self.state.help_text = CLAIMED
        self._say_locally(CLAIMED)

    def _ask_consent(self, _event: Dict[str, Any]) -> None:
        self.touched()
        self.state.earlier_text = ""
        self.state.assistant_text = CONSENT_QUESTION
        self.state.choices = [("可以", CONSENT_YES), ("不用了", CONSENT_NO)]
        self.screens.current = "conversation"
        self._say_locally(CONSENT_QUESTION)

    def local_choice(self, payload: str) -> bool:
        """Buttons the kiosk answers itself (the consent question); True when handled."""
        if payload not in (CONSENT_YES, CONSENT_NO):
            return False
        self.consent = payload == CONSENT_YES
        if self.link is not None:
            self.link.report(consent=int(self.consent))
        self._say_locally("好的，工作人员会帮您输入。" if self.consent else "好的，您自己来。")
        self.state.choices = []
        return True

    def _volunteer_text(self, event: Dict[str, Any]) -> None:
        text = str(event.get("text", "")).strip()
        if not (self.consent and text):
            return  # without the resident's consent nothing typed elsewhere reaches the kiosk
        self.state.notice = VOLUNTEER_TYPING
        self.say_text(text, shown_as=f"（志愿者）{text}")

    def _start_lesson(self, event: Dict[str, Any]) -> None:
        start = getattr(self, "start_lesson", None)
        if start is not None:
            start(str(event.get("lesson_id", "")))

    # -- usage figures ------------------------------------------------------------------

    def _usage(self, kind: str, **fields: Any) -> None:
        if self.link is not None:
            self.link.record(kind, **fields)

    def visit_step(self, payload: Optional[str] = None) -> None:
        """A resident acted: count the visit, and an errand started from a tile."""
        if not self.visit_started:
            self.visit_started = True
            self._usage("session")
        started = errands.by_payload(payload or "")
        if started:
            errand = started.id
            self.session.errand = errand
            self.errand_turns = 0
            self._usage("errand_started", errand=errand)
        self.errand_turns += 1

    def usage_from_reply(self, reply) -> None:
        if reply.help_requested:
            self._usage("help")
        if reply.fallback:
            self._usage("fallback")
        if reply.finished:
            self._usage("errand_finished", errand=reply.finished, turns=self.errand_turns)
            self.session.errand = ""

    def visit_ended(self) -> None:
        if self.session.errand:
            self._usage("gave_up", errand=self.session.errand, step=self.session.step)
        self.visit_started = False
        self.errand_turns = 0
        if self.consent and self.link is not None:
            self.link.report(consent=0)  # consent ends with the visit
        self.consent = False
