"""The ID card reader as the resident meets it, on any screen.

A card placed is the identity step: it is checked (kiosk/card_check.py) and the dialogue
hears /card_placed, which greets the resident by masked name and goes on with the errand (or
asks what they want to do). A card that cannot be read is said in words. And when a visit
ends with the card still on the reader, the kiosk says and shows 请拿好您的身份证, gently,
again and again until the card is lifted: the commonest thing older people leave behind.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Optional, Protocol

from common.kiosk_protocol import CARD_PLACED
from kiosk.card_check import CardChecker, CardCheckUnavailable
from kiosk.devices.card_watcher import CardPlaced, CardRemoved, CardUnreadable, ReaderBack, ReaderLost
from kiosk.lesson_runner import Cancellable, Scheduler

logger = logging.getLogger(__name__)

TAKE_YOUR_CARD = "请拿好您的身份证。"
REMINDER_SECONDS = 8.0
READING = "正在读您的身份证，请不要拿开。"
UNREADABLE = "身份证没有读出来。请把身份证平放在读卡器上，先不要移开。"
CHECK_UNAVAILABLE = "身份证现在核对不了。请您输入身份证号码，或者点“找人帮忙”。"
PLACED_SHOWN = "（放上了身份证）"


class KioskActions(Protocol):
    state: Any

    def touched(self) -> None: ...

    def say_locally(self, text: str) -> None: ...

    def say_payload(self, payload: str, shown_as: str) -> None: ...


class Conversation(Protocol):
    """Which conversation the card belongs to (kiosk.session.KioskSession)."""

    dialogue: Any


class CardDesk:
    def __init__(self, kiosk: KioskActions, session: Conversation, checker: Optional[CardChecker],
                 schedule: Scheduler, deliver: Callable[[Callable[[], None]], None]) -> None:
        self.kiosk = kiosk
        self.session = session
        self.checker = checker
        self.schedule = schedule
        self.deliver = deliver  # back onto the UI thread
        self.on_reader = False
        self._reminder: Optional[Cancellable] = None
        kiosk.state.card_reader = checker is not None

    def on_event(self, event: object) -> None:
        """One event from the reader's watcher, delivered on the UI thread."""
        state = self.kiosk.state
        if isinstance(event, CardPlaced):
            self.kiosk.touched()
            self.on_reader = True
            self._stop_reminding()
            self.kiosk.say_locally(READING)
            conversation = self.session.dialogue.sender_id
            threading.Thread(target=self._check, args=(conversation, event.card), name="card-check",
                             daemon=True).start()
        elif isinstance(event, CardRemoved):
            self.on_reader = False
            self._stop_reminding()
        elif isinstance(event, CardUnreadable) and not event.will_retry:
            self.kiosk.say_locally(UNREADABLE)
        elif isinstance(event, ReaderLost):
            state.card_reader = False
        elif isinstance(event, ReaderBack):
            state.card_reader = True

    def _check(self, conversation: str, card) -> None:
        """On its own thread: the portal may be slow; the window never waits for it."""
        try:
            outcome = self.checker.check(conversation, card) if self.checker else None
        except CardCheckUnavailable:
            outcome = None
        del card  # nothing of the card is kept
        self.deliver(lambda: self._checked(conversation, outcome is not None))

    def _checked(self, conversation: str, answered: bool) -> None:
        if conversation != self.session.dialogue.sender_id:
            return  # the visit ended while the card was checked: its outcome stays with that visit
        if not answered:
            self.kiosk.say_locally(CHECK_UNAVAILABLE)
            return
        self.kiosk.say_payload(CARD_PLACED, PLACED_SHOWN)

    # -- the card left behind ---------------------------------------------------------

    def visit_ended(self) -> None:
        if self.on_reader:
            self._remind()

    def _remind(self) -> None:
        if not self.on_reader:
            return
        self.kiosk.state.notice = TAKE_YOUR_CARD
        self.kiosk.say_locally(TAKE_YOUR_CARD)
        self._reminder = self.schedule(REMINDER_SECONDS, self._remind)

    def _stop_reminding(self) -> None:
        if self._reminder is not None:
            self._reminder.cancel()
            self._reminder = None
        if self.kiosk.state.notice == TAKE_YOUR_CARD:
            self.kiosk.state.notice = ""
