"""`make bench` (second part): what a resident waits for when the portal hangs, and the counts
of a fault run. Writes the "A hanging portal" and "Under injected faults" sections of
docs/benchmarks.md.

The hang: one resident at the 12345 read-back taps 是的 while the portal sandbox is stopped
(SIGSTOP): how long until the kiosk has the outcome to show and say. Meanwhile another kiosk
starts a report (no portal call): how long its turn takes. Then the fault run of
bench/fault_run.py with more kiosks and longer phases than the test.
"""

from __future__ import annotations

import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import List, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.fault_run import PHASES, conduct, summary  # noqa: E402
from bench.report import machine, replace_section  # noqa: E402
from kiosk.dialogue_client import DialogueClient  # noqa: E402
from tests.stack import Stack, start_stack  # noqa: E402

HANG_ROUNDS = int(os.environ.get("BENCH_HANG_ROUNDS", "3"))
KIOSKS = int(os.environ.get("BENCH_FAULT_KIOSKS", "6"))
SECONDS_PER_PHASE = float(os.environ.get("BENCH_FAULT_SECONDS", "10"))


def _client(stack: Stack, kiosk_id: str) -> DialogueClient:
    return DialogueClient(stack.settings.dialogue.base_url, kiosk_id, stack.settings.dialogue.request_timeout_seconds,
                          stack.rasa_token)


def _to_read_back(dialogue: DialogueClient, round_number: int) -> None:
    dialogue.send("/hotline_report")
    dialogue.send("楼道的灯坏了，晚上看不见路")
    dialogue.send(f"和谐路{round_number}号")
    dialogue.send('/inform{"district": "章贡区"}')
    reply = dialogue.send('/inform{"phone_number": "13912345678"}')
    assert reply.input_kind == "yes_no", reply


def hang_round(stack: Stack, round_number: int) -> Tuple[float, float, str]:
    """(seconds until the hanging turn's outcome, seconds of an unrelated turn, what was said)."""
    resident, other = _client(stack, f"hang-a{round_number}"), _client(stack, f"hang-b{round_number}")
    try:
        _to_read_back(resident, round_number)
        sandbox = stack.supervisor.children["portal-sandbox"].process
        os.killpg(sandbox.pid, signal.SIGSTOP)
        try:
            outcome: dict = {}

            def confirm() -> None:
                began = time.monotonic()
                reply = resident.send("/affirm")
                outcome.update(seconds=time.monotonic() - began, text=reply.text)

            hanging = threading.Thread(target=confirm)
            hanging.start()
            time.sleep(0.5)  # the confirmation is waiting on the stopped portal now
            began = time.monotonic()
            other.send("/hotline_report")
            unrelated = time.monotonic() - began
            hanging.join(timeout=60)
        finally:
            os.killpg(sandbox.pid, signal.SIGCONT)
        return outcome["seconds"], unrelated, outcome["text"]
    finally:
        for dialogue in (resident, other):
            dialogue.end_session()
            dialogue.close()


def main() -> int:
    stack = start_stack(Path(tempfile.mkdtemp(prefix="kiosk-bench-faults-")))
    try:
        rounds = [hang_round(stack, number) for number in range(1, HANG_ROUNDS + 1)]
        run = conduct(stack, KIOSKS, SECONDS_PER_PHASE, stack.settings.dialogue.request_timeout_seconds)
    finally:
        stack.stop()
    budget = stack.settings.dialogue.turn_budget_seconds
    hang = "\n".join([
        f"{time.strftime('%Y-%m-%d')} on {machine()}.", "",
        f"The portal sandbox stopped (SIGSTOP) while a resident taps 是的 at the 12345 read-back; "
        f"turn budget {budget:.0f} s (`dialogue.turn_budget_seconds`), median of {HANG_ROUNDS} rounds. "
        "Before the turn budget (issue 19): 16.2 s and 15.7 s.", "",
        "| measure | value |", "|---|---|",
        f"| until the resident has the outcome to see and hear | {statistics.median(r[0] for r in rounds):.2f} s |",
        f"| another kiosk's turn meanwhile (`/hotline_report`) | "
        f"{statistics.median(r[1] for r in rounds) * 1000:.0f} ms |",
        f"| what the resident heard | {rounds[-1][2]} |"])
    replace_section("A hanging portal", hang)
    table = summary(run)
    rows: List[str] = ["| phase | turns | empty replies | kiosk gave up | slowest turn | 12345: case / kept / told |",
                       "|---|---|---|---|---|---|"]
    for name, _begin, _end in PHASES:
        row = table[name]
        reports = row["reports"]
        rows.append(f"| {name} | {row['turns']} | {row['empty']} | {row['gave_up']} | {row['slowest']:.1f} s | "
                    f"{reports['case']} / {reports['queued']} / {reports['told']} |")
    replace_section("Under injected faults", "\n".join([
        f"{time.strftime('%Y-%m-%d')} on {machine()}.", "",
        f"`bench/faults_bench.py` (and, shorter, tests/faults): {KIOSKS} simulated kiosks running whole errands "
        f"(12345 reports to confirmation, pension with the ID card, hall information) for {SECONDS_PER_PHASE:.0f} s "
        "per phase, one fault at a time; the supervisor restarts what is killed. \"kept\": the resident got a "
        "local reference and the outbox delivered it later (or parked it for staff). The test checks afterwards "
        "that every report is in the portal exactly once or parked, and that no file the run wrote holds a "
        f"full identity or phone number. {len(run.turns)} turns, {run.errands} errands.", "", *rows]))
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
