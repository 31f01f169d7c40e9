"""A durable outbox for 12345 submissions: nothing a resident reports is lost, stuck or kept.

Every submission is written to SQLite (`common.durable`: committed means on disk, deleted
means overwritten) with its idempotency key *before* it is sent, and deleted once the portal
has it. If the portal is away, busy (429), timed the request out (408), failed (5xx) or
answered nonsense, the resident gets a short local reference and a background sender tries
again with the same key (a retry after a lost answer never makes a second case): after the
portal's Retry-After when it gave one, else after an exponential backoff with jitter.

Each entry is tried on its own: one that keeps failing never holds back the ones behind it.
Only when several in a row cannot even reach the portal does a round end early (the portal
is away for everybody; the rest are tried next round).

An entry that can never be delivered is *parked for staff*: a real refusal at once, a passing
failure once its retry budget is spent. It keeps its phone number (staff need it to act);
staff see it masked (`parked`), send it again (`retry_parked`) or, once they dealt with it by
hand, remove it with its personal data (`handled`). `reason` is "refused:<portal code>" or
"gave_up:<last failure code>". A delivered entry leaves only its local reference and the case
number it became, for a month.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import ContextManager, List, Optional, Tuple

from common.background import BackgroundLoop
from common.durable import durable_sqlite
from common.masking import mask_phone, redact
from portal.client import PortalClient
from portal.errors import PortalError, PortalInvalidAnswer, PortalTryLater, PortalUnavailable
from portal.models import Case, CaseRequest
from portal.outbox_entries import ParkedEntry, RetryBudget, Submission

__all__ = ["Outbox", "ParkedEntry", "RetryBudget", "Submission"]

logger = logging.getLogger(__name__)

IN_FLIGHT_SECONDS = 30.0  # longer than the client's whole retry budget for one call
AWAY_IN_A_ROW = 3  # entries in a row that could not reach the portal: it is away, end the round
DELIVERED_KEEP_SECONDS = 30 * 24 * 3600
_TRANSPORT = {"unreachable", "timeout"}  # PortalUnavailable codes that say nothing about the entry

SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    reference TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'waiting',
    reason TEXT NOT NULL DEFAULT '',
    budget_from REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS delivered (
    reference TEXT PRIMARY KEY,
    case_number TEXT NOT NULL,
    delivered_at REAL NOT NULL
);
"""
# Files written before parking existed: add the columns, and show their 'needs_staff' to staff.
_NEW_COLUMNS = {"reason": "TEXT NOT NULL DEFAULT ''", "budget_from": "REAL NOT NULL DEFAULT 0"}


class Outbox:
    def __init__(self, path: Path, client: PortalClient, base_delay: float = 1.0,
                 max_delay: float = 60.0, poll_seconds: float = 2.0,
                 budget: RetryBudget = RetryBudget()) -> None:
        self.path = Path(path)
        self.client = client
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.budget = budget
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._loop = BackgroundLoop("outbox", self.deliver_pending, poll_seconds)
        with self._db() as db:
            db.executescript(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(pending)")}
            for name, definition in _NEW_COLUMNS.items():
                if name not in columns:
                    db.execute(f"ALTER TABLE pending ADD COLUMN {name} {definition}")
            db.execute("UPDATE pending SET budget_from=created_at WHERE budget_from=0")
            db.execute("UPDATE pending SET status='parked', reason='refused:unknown' WHERE status='needs_staff'")

    def _db(self) -> ContextManager[sqlite3.Connection]:
        return durable_sqlite(self.path)

    def _new_reference(self, db: sqlite3.Connection) -> str:
        while True:
            reference = f"{secrets.randbelow(900000) + 100000}"
            taken = db.execute("SELECT 1 FROM pending WHERE reference=? UNION "
                               "SELECT 1 FROM delivered WHERE reference=?", (reference, reference)).fetchone()
            if not taken:
                return reference

    # -- sending -----------------------------------------------------------------------

    def submit_or_queue(self, request: CaseRequest, idempotency_key: Optional[str] = None) -> Submission:
        """Store, then send. Anything that may pass: queued (the reference is the receipt).
        A refusal is parked for staff and raised, so the resident hears it at once.
        The caller's key makes a repeated submission (a dialogue turn replayed after a server
        died mid-answer) the same case at the portal, and the same entry here."""
        with self._lock, self._db() as db:
            key = idempotency_key or uuid.uuid4().hex
            kept = db.execute("SELECT reference FROM pending WHERE idempotency_key=?", (key,)).fetchone()
            if kept is not None:  # the same report is already on its way, or with staff
                return Submission(kept[0], None)
            reference = self._new_reference(db)
            now = time.time()
            # Not due for the background sender while this call is still trying it.
            db.execute("INSERT INTO pending (reference, idempotency_key, payload, created_at, next_attempt, "
                       "budget_from) VALUES (?, ?, ?, ?, ?, ?)",
                       (reference, key, json.dumps(request.as_json(), ensure_ascii=False), now,
                        now + IN_FLIGHT_SECONDS, now))
        try:
            case = self.client.submit_case(request, key)
        except PortalError as error:
            if not self._passing(reference, error):
                raise
            self._loop.wake()
            return Submission(reference, None)
        self._delivered(reference, case)
        return Submission(reference, case)

    def _passing(self, reference: str, error: PortalError) -> bool:
        """Schedule the next try after a failure that may pass, or park a refusal; True if the
        entry waits for another try."""
        if isinstance(error, PortalTryLater):  # before its other classes: a 429 is a PortalRefused too
            self._retry_later(reference, error.code, error.retry_after)
        elif isinstance(error, (PortalUnavailable, PortalInvalidAnswer)):  # the same key makes a retry safe
            self._retry_later(reference, error.code)
        else:
            self._park(reference, f"refused:{error.code or 'unknown'}")
            return False
        return True

    def deliver_pending(self) -> int:
        """Send what is due now, each entry on its own; returns how many arrived."""
        now = time.time()
        with self._db() as db:
            db.execute("DELETE FROM delivered WHERE delivered_at<?", (now - DELIVERED_KEEP_SECONDS,))
            due = db.execute("SELECT reference FROM pending WHERE status='waiting' AND next_attempt<=? "
                             "ORDER BY next_attempt, created_at", (now,)).fetchall()
        arrived = away = 0
        for (reference,) in due:
            claimed = self._claim(reference)
            if claimed is None:  # another sender (or the live call) has it
                continue
            key, request = claimed
            try:
                case = self.client.submit_case(request, key)
            except PortalError as error:
                self._passing(reference, error)
                away = away + 1 if isinstance(error, PortalUnavailable) and error.code in _TRANSPORT else 0
                if away >= AWAY_IN_A_ROW:
                    break  # the portal is away for everybody: the rest are due next round
                continue
            self._delivered(reference, case)
            arrived += 1
            away = 0
        return arrived

    def _claim(self, reference: str) -> Optional[Tuple[str, CaseRequest]]:
        """Take an entry for one try, so two senders (several action servers on one file, or a
        staff retry during a round) never send it at the same time."""
        now = time.time()
        with self._db() as db:
            taken = db.execute("UPDATE pending SET next_attempt=? WHERE reference=? AND status='waiting' "
                               "AND next_attempt<=?", (now + IN_FLIGHT_SECONDS, reference, now)).rowcount
            row = db.execute("SELECT idempotency_key, payload FROM pending WHERE reference=?",
                             (reference,)).fetchone()
        if not taken or row is None:
            return None
        try:
            return row[0], CaseRequest(**json.loads(row[1]))
        except (ValueError, TypeError):  # never sendable; must not stop the round either
            self._park(reference, "refused:unreadable")
            return None

    def _retry_later(self, reference: str, code: str, wait: Optional[int] = None) -> None:
        now = time.time()
        with self._db() as db:
            row = db.execute("SELECT attempts, budget_from FROM pending WHERE reference=?", (reference,)).fetchone()
            if row is None:
                return
            attempts = row[0] + 1
            if attempts >= self.budget.attempts and now - row[1] >= self.budget.seconds:
                db.execute("UPDATE pending SET attempts=?, status='parked', reason=? WHERE reference=?",
                           (attempts, f"gave_up:{code or 'unknown'}", reference))
                logger.error("outbox entry %s parked for staff: retry budget spent (%s)", reference, code)
                return
            if wait is None:
                delay = min(self.max_delay, self.base_delay * 2 ** (attempts - 1)) * random.uniform(0.5, 1.0)
            else:  # the portal said when: no sooner, but no later than we are willing to believe
                delay = min(float(wait), self.budget.longest_wait)
            db.execute("UPDATE pending SET attempts=?, next_attempt=? WHERE reference=?",
                       (attempts, now + delay, reference))

    def _park(self, reference: str, reason: str) -> None:
        with self._db() as db:
            db.execute("UPDATE pending SET attempts=attempts+1, status='parked', reason=? WHERE reference=?",
                       (reason, reference))
        logger.error("outbox entry %s parked for staff: %s", reference, reason)

    def _delivered(self, reference: str, case: Case) -> None:
        with self._db() as db:
            db.execute("DELETE FROM pending WHERE reference=?", (reference,))
            db.execute("INSERT OR REPLACE INTO delivered VALUES (?, ?, ?)", (reference, case.case_number, time.time()))

    # -- what staff see and do -----------------------------------------------------------

    def parked(self) -> List[ParkedEntry]:
        with self._db() as db:
            rows = db.execute("SELECT reference, created_at, reason, payload, attempts FROM pending "
                              "WHERE status='parked' ORDER BY created_at").fetchall()
        entries = []
        for reference, created_at, reason, payload, attempts in rows:
            request = json.loads(payload)
            entries.append(ParkedEntry(reference, created_at, reason, str(request.get("category", "")),
                                       str(request.get("district", "")), redact(str(request.get("description", ""))),
                                       mask_phone(str(request.get("contact_phone", ""))), attempts))
        return entries

    def retry_parked(self, reference: str) -> bool:
        """Send a parked entry again now, with a fresh budget (staff fixed what was wrong)."""
        now = time.time()
        with self._db() as db:
            changed = db.execute("UPDATE pending SET status='waiting', reason='', attempts=0, next_attempt=?, "
                                 "budget_from=? WHERE reference=? AND status='parked'",
                                 (now, now, reference)).rowcount
        if changed:
            self._loop.wake()
        return bool(changed)

    def handled(self, reference: str) -> bool:
        """Staff dealt with it by hand: the entry and its personal data go (overwritten)."""
        with self._db() as db:
            return bool(db.execute("DELETE FROM pending WHERE reference=? AND status='parked'",
                                   (reference,)).rowcount)

    # -- counts --------------------------------------------------------------------------

    def pending_count(self) -> int:
        """Entries still held here, waiting or parked."""
        with self._db() as db:
            return int(db.execute("SELECT COUNT(*) FROM pending").fetchone()[0])

    def case_number_for(self, reference: str) -> Optional[str]:
        with self._db() as db:
            row = db.execute("SELECT case_number FROM delivered WHERE reference=?", (reference,)).fetchone()
        return row[0] if row else None

    # -- background sender -------------------------------------------------------------

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()
