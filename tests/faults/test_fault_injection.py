"""Kiosks running whole errands while the portal pauses, dies, answers 500, 429 with
Retry-After, 408, malformed JSON and 10 s late, and while the action server is killed: the
promises of issue 19, checked on a stack of this test's own (so every file it wrote can be
searched afterwards).

- every turn got something to show and say (the dialogue never answered with nothing);
- every 12345 report the resident confirmed is in the portal exactly once, or parked for
  staff, and none of them twice; a report told "已经记下了" is delivered after recovery;
- no full identity number or phone number, in any format, in any file the run wrote (data,
  logs, tracker store, outboxes, console database), once the visits ended and the outbox
  delivered: the portal's own database is the only place they belong.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Iterator, List, Set

import pytest
import requests

from bench.fault_run import conduct, summary
from common import number_finder
from nlu.actions.portal_access import OUTBOX_FILE
from portal.sandbox.cards import demo_card
from portal.sandbox.server import database_path
from tests.stack import Stack, start_stack
from tests.stored_numbers import files_of

pytestmark = pytest.mark.services

KIOSKS = 4
SECONDS_PER_PHASE = 6.0


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory.mktemp("faults"))
    yield stack
    stack.stop()


def _in_portal(stack: Stack, place: str) -> int:
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute("SELECT COUNT(*) FROM hotline_cases WHERE place=?", (place,)).fetchone()[0]


def _held_in_outbox(stack: Stack) -> int:
    with sqlite3.connect(Path(stack.settings.data_dir) / OUTBOX_FILE) as db:
        return db.execute("SELECT COUNT(*) FROM pending").fetchone()[0]


def _parked(stack: Stack) -> List[dict]:
    key = stack.env[stack.settings.dialogue.outbox_key_env]
    answer = requests.get(f"http://127.0.0.1:{stack.settings.dialogue.action_port}/outbox/parked",
                          headers={"Authorization": f"Bearer {key}"}, timeout=10)
    answer.raise_for_status()
    return answer.json()


def _written_files(stack: Stack) -> List[Path]:
    """Everything the run wrote but the portal's own database (the portal holds residents' data)."""
    portal = database_path(stack.settings)
    folders = {Path(stack.settings.data_dir), Path(stack.settings.log_dir)}
    return [path for folder in folders for path in folder.rglob("*")
            if path.is_file() and not path.name.startswith(portal.name)]


def _numbers_in(paths: List[Path]) -> Set[str]:
    found: Set[str] = set()
    for path in paths:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:  # a SQLite -shm/-wal file gone since it was listed: nothing left in it
            continue
        for text in (raw.decode("utf-8", errors="ignore"), raw.decode("latin-1")):
            found.update(number.number for number in number_finder.find_numbers(text)
                         if number.kind in (number_finder.NumberKind.PHONE, number_finder.NumberKind.IDENTITY))
    return found


def test_every_turn_answered_every_report_once_nothing_leaked(own_stack):
    run = conduct(own_stack, KIOSKS, SECONDS_PER_PHASE, own_stack.settings.dialogue.request_timeout_seconds)
    table = summary(run)
    print("\n".join(f"{phase}: {row}" for phase, row in table.items()))
    assert run.errands >= KIOSKS * 4 and all(row["turns"] for row in table.values())

    # Every turn: something to show and say came back (the kiosk's client giving up is counted
    # apart: the kiosk then says its own sentence, see tests/kiosk/test_controller.py).
    empty = [turn for turn in run.turns if not turn.answered and not turn.gave_up]
    assert not empty, f"{len(empty)} empty replies: {empty[:5]}"

    # Every confirmed report: in the portal once, or parked for staff; never twice.
    deadline = time.monotonic() + 120
    queued = [report for report in run.reports if report.outcome == "queued"]
    while time.monotonic() < deadline:  # the outbox sends what it kept, once the portal is back
        waiting = [r for r in queued if _in_portal(own_stack, r.place) == 0]
        parked_now = len(_parked(own_stack))
        # Also a report whose delivery the killed action server broke off: the portal has it,
        # the outbox learns so on its next try (same idempotency key) and lets it go.
        if len(waiting) <= parked_now and _held_in_outbox(own_stack) <= parked_now:
            break
        time.sleep(2)
    parked = _parked(own_stack)
    counts = {report.place: _in_portal(own_stack, report.place) for report in run.reports}
    assert all(count <= 1 for count in counts.values()), {p: c for p, c in counts.items() if c > 1}
    assert all(counts[r.place] == 1 for r in run.reports if r.outcome == "case")
    assert all(counts[r.place] == 1 for r in queued) or parked, "a queued report was neither delivered nor parked"
    assert len([r for r in queued if counts[r.place] == 0]) <= len(parked)

    # No full number left anywhere the run wrote (parked reports keep theirs for staff). The
    # search does find them where they belong: in the portal's own database.
    ours = {r.phone for r in run.reports} | {demo_card(0).id_number}
    assert ours & _numbers_in(files_of(database_path(own_stack.settings))), "the search finds nothing at all"
    kept_for_staff = {r.phone for r in queued if counts[r.place] == 0}
    leaks = {str(path): sorted((_numbers_in([path]) & ours) - kept_for_staff) for path in _written_files(own_stack)}
    assert not any(leaks.values()), {path: numbers for path, numbers in leaks.items() if numbers}
