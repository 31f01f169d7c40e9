"""Many kiosks running whole errands while the portal and the action server fail on purpose.

Used by tests/faults (a short run that checks the promises) and by `make bench-faults` (a
longer one whose counts go to docs/benchmarks.md). Each simulated kiosk is a thread with the
kiosk's own dialogue client and card checker, behaving like a resident who answers whatever
the kiosk asks (the step in each reply): the card for identity, a problem, a place, a phone,
是的. Meanwhile a conductor walks through the phases below, one fault at a time, on the real
processes: the sandbox's own fault switches, SIGSTOP/SIGKILL of the sandbox, SIGKILL of the
action server (the supervisor restarts what was killed).

What is recorded per turn: the phase, how long it took, whether anything came back to show
and say (an empty reply is the failure this run exists to find), and whether the kiosk's
client gave up (the kiosk then says its own sentence). Per 12345 report: its unique place,
its phone, and what the resident was told (a case number, a local reference, or a sentence).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import requests

from common.kiosk_protocol import CARD_PLACED, END_VISIT
from kiosk.card_check import CardChecker, CardCheckUnavailable
from kiosk.dialogue_client import DialogueClient, DialogueUnavailable, Reply
from portal.sandbox.cards import demo_card

# (name, what the conductor does at the start, what it undoes at the end)
Switch = Callable[[Any], None]


@dataclass
class Turn:
    phase: str
    seconds: float
    answered: bool  # something to show and say came back from the dialogue
    gave_up: bool  # the kiosk's client timed out or could not connect (the kiosk says its own sentence)
    message: str = ""  # what the kiosk sent (a tap's payload or the words; the test's own fictional data)


@dataclass
class Report:
    place: str
    phone: str
    phase: str
    outcome: str  # "case", "queued", "told" (a sentence: not taken), "unfinished"
    number: str = ""  # the case number or the local reference


@dataclass
class FaultRun:
    turns: List[Turn] = field(default_factory=list)
    reports: List[Report] = field(default_factory=list)
    errands: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_turn(self, turn: Turn) -> None:
        with self.lock:
            self.turns.append(turn)

    def add_report(self, report: Report) -> None:
        with self.lock:
            self.reports.append(report)


def _sandbox_faults(stack: Any, **faults: Any) -> None:
    requests.post(f"{stack.settings.portal.url}/v1/_sandbox/faults", json=faults,
                  headers={"Authorization": f"Bearer {stack.portal_key}"}, timeout=5).raise_for_status()


CLEAR = dict(latency_ms=0, error_rate=0.0, down=False, error_status=500, retry_after=0, malformed_rate=0.0)


def _clear(stack: Any) -> None:
    _sandbox_faults(stack, **CLEAR)


def _signal(stack: Any, service: str, sig: int) -> None:
    child = stack.supervisor.children[service]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.process.pid, sig)


PHASES: List[Tuple[str, Switch, Switch]] = [
    ("normal", lambda s: None, lambda s: None),
    ("portal 500", lambda s: _sandbox_faults(s, error_rate=0.5, error_status=500), lambda s: _clear(s)),
    ("portal 429 + Retry-After", lambda s: _sandbox_faults(s, error_rate=0.5, error_status=429, retry_after=1),
     lambda s: _clear(s)),
    ("portal 408", lambda s: _sandbox_faults(s, error_rate=0.5, error_status=408), lambda s: _clear(s)),
    ("malformed JSON", lambda s: _sandbox_faults(s, malformed_rate=0.3), lambda s: _clear(s)),
    ("10 s latency", lambda s: _sandbox_faults(s, latency_ms=10_000), lambda s: _clear(s)),
    ("portal paused", lambda s: _signal(s, "portal-sandbox", signal.SIGSTOP),
     lambda s: _signal(s, "portal-sandbox", signal.SIGCONT)),
    ("portal killed", lambda s: _signal(s, "portal-sandbox", signal.SIGKILL), lambda s: None),
    ("action server killed", lambda s: _signal(s, "action-server", signal.SIGKILL), lambda s: None),
    ("recovered", lambda s: None, lambda s: None),
]


class SimulatedKiosk(threading.Thread):
    """One kiosk, one resident after another, until told to stop."""

    ERRANDS = ("report", "pension", "report", "hall")

    def __init__(self, stack: Any, number: int, run: FaultRun, phase: Callable[[], str],
                 stop: threading.Event, timeout: float) -> None:
        super().__init__(name=f"kiosk-{number}", daemon=True)
        self.stack, self.number, self.run_record, self.phase, self.stop_event = stack, number, run, phase, stop
        self.kiosk_id = f"faults-k{number}"
        self.dialogue = DialogueClient(stack.settings.dialogue.base_url, self.kiosk_id, timeout, stack.rasa_token)
        self.checker = CardChecker(f"http://127.0.0.1:{stack.settings.dialogue.action_port}",
                                   stack.env[stack.settings.dialogue.card_key_env])
        self.reports = itertools.count(1)

    def run(self) -> None:
        for errand in itertools.cycle(self.ERRANDS):
            if self.stop_event.is_set():
                break
            getattr(self, f"_{errand}")()
            self._end_visit()
            with self.run_record.lock:
                self.run_record.errands += 1

    # -- one turn, as the kiosk takes it ---------------------------------------------

    def _say(self, message: str) -> Optional[Reply]:
        phase, started = self.phase(), time.monotonic()
        try:
            reply = self.dialogue.send(message)
        except DialogueUnavailable:
            self.run_record.add_turn(Turn(phase, time.monotonic() - started, False, True, message))
            return None
        answered = bool(reply.text or reply.result)
        self.run_record.add_turn(Turn(phase, time.monotonic() - started, answered, False, message))
        return reply

    def _end_visit(self) -> None:
        with contextlib.suppress(DialogueUnavailable):
            self.dialogue.send(END_VISIT)
        with contextlib.suppress(Exception):  # the kiosk goes home whatever the service says
            self.dialogue.end_session()

    # -- the errands -------------------------------------------------------------------

    def _card(self) -> Optional[Reply]:
        try:
            self.checker.check(self.dialogue.sender_id, demo_card(0))
        except CardCheckUnavailable:
            return None
        return self._say(CARD_PLACED)

    def _pension(self) -> None:
        reply = self._say("/query_pension")
        if reply is not None and reply.input_kind == "id_number":
            self._card()

    def _hall(self) -> None:
        self._say("于都县的办事大厅在哪里")

    def _report(self) -> None:
        """Up to the read-back and 是的; recorded once 是的 was said (the report was then asked for)."""
        sequence = next(self.reports)
        place = f"和谐路{self.number}{sequence:03d}号门口"
        phone = f"139{self.number:02d}{sequence:06d}"
        answers = {"problem_description": "路灯坏了，晚上看不见路", "place": place,
                   "district": '/inform{"district": "章贡区"}',
                   "phone_number": f'/inform{{"phone_number": "{phone}"}}', "report_confirmed": "/affirm"}
        report = Report(place, phone, self.phase(), "told")
        confirmed = False
        reply = self._say("/hotline_report")
        for _ in range(8):
            if reply is None or reply.result:
                break
            step = str(reply.directives.get("step") or "")
            if step not in answers:
                break
            confirmed = confirmed or step == "report_confirmed"
            reply = self._say(answers[step])
        if reply is not None and reply.result and confirmed:
            title = str(reply.result.get("title", ""))
            report.outcome = "case" if "办件编号" in title else "queued" if title == "登记号" else "told"
            report.number = str(reply.result.get("value", "")).replace(" ", "")
        if confirmed:
            self.run_record.add_report(report)

    def close(self) -> None:
        self.checker.close()
        self.dialogue.close()


def conduct(stack: Any, kiosks: int, seconds_per_phase: float, timeout: float,
            phases: List[Tuple[str, Switch, Switch]] = PHASES) -> FaultRun:
    """Run every phase for `seconds_per_phase` with `kiosks` kiosks working throughout."""
    run, stop = FaultRun(), threading.Event()
    current = {"phase": phases[0][0]}
    watcher = threading.Thread(target=stack.supervisor.watch, name="supervisor", daemon=True)
    watcher.start()  # restarts what the phases kill, as in a deployment
    workers = [SimulatedKiosk(stack, number, run, lambda: current["phase"], stop, timeout)
               for number in range(1, kiosks + 1)]
    for worker in workers:
        worker.start()
    try:
        for name, begin, end in phases:
            current["phase"] = name
            begin(stack)
            time.sleep(seconds_per_phase)
            end(stack)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=timeout * 4)
            worker.close()
        _sandbox_faults_quietly(stack)
    return run


def _sandbox_faults_quietly(stack: Any) -> None:
    _signal(stack, "portal-sandbox", signal.SIGCONT)
    with contextlib.suppress(requests.RequestException):
        _sandbox_faults(stack, **CLEAR)


def summary(run: FaultRun) -> Dict[str, Dict[str, Any]]:
    """Per phase: turns, empty replies, kiosk gave up, slowest turn; and report outcomes."""
    table: Dict[str, Dict[str, Any]] = {}
    for name, _begin, _end in PHASES:
        turns = [turn for turn in run.turns if turn.phase == name]
        table[name] = {"turns": len(turns), "empty": sum(1 for t in turns if not t.answered and not t.gave_up),
                       "gave_up": sum(1 for t in turns if t.gave_up),
                       "slowest": max((t.seconds for t in turns), default=0.0),
                       "reports": {outcome: sum(1 for r in run.reports if r.phase == name and r.outcome == outcome)
                                   for outcome in ("case", "queued", "told")}}
    return table
