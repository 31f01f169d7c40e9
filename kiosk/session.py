"""One resident's visit, independent of how it is shown (Kivy window or terminal).

Talking to Rasa happens on one worker thread, in order, so the window never waits on the
network; results come back through `deliver`, which the window maps to Kivy's clock. A
call slower than half a second gets a calm spoken "please wait". Ending the session wipes
the conversation here and in Rasa.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Tuple

from common.kiosk_protocol import END_VISIT, STEP
from common.masking import redact
from common.text import NOTHING_DONE
from kiosk.dialogue_client import DialogueClient, DialogueUnavailable, Reply
from kiosk.help_queue import HelpQueue
from kiosk.offline_desk import OfflineDesk
from kiosk.speech.speaker import Speaker

logger = logging.getLogger(__name__)

WAITING_TEXT = "正在为您查询，请稍等。"
UNAVAILABLE_TEXT = "对不起，系统暂时连不上。请您稍后再试，或者点“找人帮忙”。"
HELP_TEXT = "好的，我已经请工作人员过来了。请您在这里稍等一下。"
# Said when a reply carries nothing to see or hear: the dialogue should never send one (its
# own guard, nlu/reply_guard.py, says the same), but a resident must never be left with a
# silent, unchanged screen if it does.
EMPTY_REPLY_TEXT = NOTHING_DONE


@dataclass
class SessionEvents:
    """What the front end is told about the visit; all are called through `deliver`. The front
    end (the controller, the terminal) fills these in when it is built."""

    # Returns what to say for the reply (None: the reply's own text).
    on_reply: Callable[[Reply], Optional[str]] = lambda reply: None
    on_waiting: Callable[[bool], None] = lambda waiting: None
    on_wiped: Callable[[], None] = lambda: None
    on_help: Callable[[], None] = lambda: None


@dataclass
class Transcript:
    """The visit's lines, masked, in memory only: for the volunteer's view of the step."""

    lines: List[Tuple[str, str]] = field(default_factory=list)

    def add(self, who: str, text: str) -> None:
        self.lines.append((who, redact(text)))
        del self.lines[:-20]

    def clear(self) -> None:
        self.lines.clear()


class KioskSession:
    def __init__(
        self,
        dialogue: DialogueClient,
        speaker: Speaker,
        help_queue: HelpQueue,
        kiosk_id: str,
        deliver: Callable[[Callable[[], None]], None],
        events: Optional[SessionEvents] = None,
        wait_notice_seconds: float = 0.5,
        offline: Optional[OfflineDesk] = None,
    ) -> None:
        self.dialogue = dialogue
        self.speaker = speaker
        self.help_queue = help_queue
        self.kiosk_id = kiosk_id
        self.deliver = deliver
        self.events = events or SessionEvents()
        self.wait_notice_seconds = wait_notice_seconds
        self.offline = offline  # what the kiosk does alone while the service is unreachable
        self.transcript = Transcript()
        self.last_reply: Optional[Reply] = None
        self.step = "home"
        self.errand = ""  # the errand under way, as the kiosk knows it (for help and usage)
        self.identity_check = ""  # the staff identity check this visit waits for, if any
        self.on_help_raised: Optional[Callable[[], None]] = None
        # Each message carries the visit it was said in: a reply that comes back after that visit
        # ended (the resident went home, the next one walked up) is never shown or spoken.
        self._visit = 0
        self._outgoing: queue.Queue[Optional[Tuple[str, str, int]]] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="dialogue", daemon=True)
        self._worker.start()

    # -- what the resident does -------------------------------------------------------

    def say(self, message: str, shown_as: Optional[str] = None) -> None:
        """Send a tap's payload or the words spoken; `shown_as` is the readable form."""
        self.transcript.add("resident", shown_as or message)
        self._outgoing.put((message, shown_as or message, self._visit))

    def repeat(self) -> None:
        if self.last_reply is not None:
            self.speaker.speak(self.last_reply.text)

    def request_help(self) -> None:
        self._raise_help()
        self.speaker.speak(HELP_TEXT)
        self.events.on_help()

    def _raise_help(self, identity_check: str = "") -> None:
        lines = [f"{'居民' if who == 'resident' else '助手'}：{text}" for who, text in self.transcript.lines]
        self.help_queue.raise_request(self.kiosk_id, self.step, self.errand, lines, identity_check)
        if self.on_help_raised is not None:
            self.on_help_raised()

    def end(self, stop_speech: bool = True) -> None:
        """Home button, goodbye or idle timeout: forget everything about this visit."""
        if stop_speech:
            self.speaker.stop()
        self.transcript.clear()
        self.last_reply = None
        self.step = "home"
        self.errand = ""
        self.identity_check = ""
        self._visit += 1
        if self.offline is not None:
            self.offline.reset()
        self._outgoing.put(None)  # the worker wipes Rasa's copy in order with other calls
        self.events.on_wiped()

    def close(self) -> None:
        self._outgoing.put(("", "", self._visit))  # sentinel with empty message stops the worker
        self._worker.join(timeout=5)

    # -- the worker thread -----------------------------------------------------------

    def _work(self) -> None:
        while True:
            item = self._outgoing.get()
            if item is None:
                self._forget_visit()
                continue
            message, _shown, visit = item
            if not message:
                return
            if visit == self._visit:  # else said in a visit that has ended: not sent at all
                self._exchange(message, visit)

    def _forget_visit(self) -> None:
        """Tell the dialogue the visit is over (it drops the full numbers it kept), then wipe
        the conversation. Best effort: an unreachable service must not hold up going home."""
        with contextlib.suppress(DialogueUnavailable):
            self.dialogue.send(END_VISIT)
        self.dialogue.end_session()

    def _exchange(self, message: str, visit: int) -> None:
        done = threading.Event()
        timer = threading.Timer(self.wait_notice_seconds, self._notice_wait, args=(done, visit))
        timer.daemon = True
        timer.start()
        try:
            if self.offline is not None and self.offline.handles(message):
                reply = self.offline.answer(message)
            else:
                reply = self.dialogue.send(message)
        except DialogueUnavailable:
            reply = self.offline.unavailable(message) if self.offline else Reply(texts=(UNAVAILABLE_TEXT,))
        finally:
            done.set()
            timer.cancel()
        self.deliver(lambda: self._show(reply) if visit == self._visit else None)

    def _notice_wait(self, done: threading.Event, visit: int) -> None:
        if not done.is_set():
            self.deliver(lambda: self._waiting() if visit == self._visit else None)

    def _waiting(self) -> None:
        self.speaker.speak(WAITING_TEXT)
        self.events.on_waiting(True)

    def _show(self, reply: Reply) -> None:
        self.events.on_waiting(False)
        if not reply.text and not reply.result:
            logger.warning("the dialogue sent a reply with nothing to say: answered for it")
            reply = Reply(texts=(EMPTY_REPLY_TEXT,), buttons=reply.buttons, directives=reply.directives)
        self.last_reply = reply
        self.transcript.add("kiosk", reply.text)
        if reply.input_kind:  # the form's own question where it names one (the volunteer reads its name)
            self.step = str(reply.directives.get(STEP) or reply.input_kind)
        if reply.identity_check:  # staff are asked to come and check the card in person
            self.identity_check = reply.identity_check
            self._raise_help(reply.identity_check)
        elif reply.help_requested:
            self._raise_help()
        # The front end shows it first (a reply may change the voice: "说慢一点"), and says what
        # to say for it (the reply, with what the kiosk adds: a lesson's next step).
        said = self.events.on_reply(reply)
        said = reply.text if said is None else said
        if said:
            self.speaker.speak(said)
        if reply.ends_session:
            self.end(stop_speech=False)  # let the farewell finish
