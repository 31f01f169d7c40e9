"""A durable outbox for 12345 submissions: nothing a resident reports is lost.

Every submission is written to SQLite (synchronous=FULL, so committed means on disk) with
its idempotency key *before* it is sent. If the portal answers, the entry is deleted at
once; if it cannot be reached, the resident gets a short local reference and a background
sender keeps trying, with backoff, using the same key, so a retry after a lost answer
never makes a second case. Deleted entries are overwritten (secure_delete), so no phone
number or description stays in the file after delivery. What remains per delivered entry
is only the local reference and the case number it became.
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
from dataclasses import dataclass
from pathlib import Path
from typing import ContextManager, Optional

from common.background import BackgroundLoop
from common.durable import durable_sqlite
from portal.client import PortalClient
from portal.errors import PortalError, PortalUnavailable
from portal.models import Case, CaseRequest

logger = logging.getLogger(__name__)

IN_FLIGHT_SECONDS = 30.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    reference TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'waiting'
);
CREATE TABLE IF NOT EXISTS delivered (
    reference TEXT PRIMARY KEY,
    case_number TEXT NOT NULL,
    delivered_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Submission:
    reference: str
    case: Optional[Case]  # None while it waits in the outbox

    @property
    def queued(self) -> bool:
        return self.case is None


class Outbox:
    def __init__(self, path: Path, client: PortalClient, base_delay: float = 1.0,
                 max_delay: float = 60.0, poll_seconds: float = 2.0) -> None:
        self.path = Path(path)
        self.client = client
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._loop = BackgroundLoop("outbox", self.deliver_pending, poll_seconds)
        with self._db() as db:
            db.executescript(SCHEMA)

    def _db(self) -> ContextManager[sqlite3.Connection]:
        return durable_sqlite(self.path)

    def _new_reference(self, db: sqlite3.Connection) -> str:
        while True:
            reference = f"{secrets.randbelow(900000) + 100000}"
            taken = db.execute("SELECT 1 FROM pending WHERE reference=? UNION "
                               "SELECT 1 FROM delivered WHERE reference=?", (reference, reference)).fetchone()
            if not taken:
                return reference

    def submit_or_queue(self, request: CaseRequest, idempotency_key: Optional[str] = None) -> Submission:
        """Store, then send. Unreachable portal: queued (the reference is the receipt).
        A refusal (e.g. an invalid district) is raised: it would never succeed later.
        The caller's key makes a repeated submission (a dialogue turn replayed after a server
        died mid-answer) the same case at the portal."""
        with self._lock, self._db() as db:
            key = idempotency_key or uuid.uuid4().hex
            waiting = db.execute("SELECT reference FROM pending WHERE idempotency_key=?", (key,)).fetchone()
            if waiting is not None:  # the same report is already on its way
                return Submission(waiting[0], None)
            reference = self._new_reference(db)
            # Not due for the background sender while this call is still trying it.
            db.execute("INSERT INTO pending (reference, idempotency_key, payload, created_at, next_attempt) "
                       "VALUES (?, ?, ?, ?, ?)",
                       (reference, key, json.dumps(request.as_json(), ensure_ascii=False), time.time(),
                        time.time() + IN_FLIGHT_SECONDS))
        try:
            case = self.client.submit_case(request, key)
        except PortalUnavailable:
            self._postpone(reference)
            self._loop.wake()
            return Submission(reference, None)
        except PortalError:
            self._forget(reference)
            raise
        self._delivered(reference, case)
        return Submission(reference, case)

    def _postpone(self, reference: str) -> None:
        with self._db() as db:
            attempts = db.execute("SELECT attempts FROM pending WHERE reference=?", (reference,)).fetchone()[0] + 1
            delay = min(self.max_delay, self.base_delay * 2 ** (attempts - 1)) * random.uniform(0.5, 1.0)
            db.execute("UPDATE pending SET attempts=?, next_attempt=? WHERE reference=?",
                       (attempts, time.time() + delay, reference))

    def _forget(self, reference: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM pending WHERE reference=?", (reference,))

    def _delivered(self, reference: str, case: Case) -> None:
        with self._db() as db:
            db.execute("DELETE FROM pending WHERE reference=?", (reference,))
            db.execute("INSERT OR REPLACE INTO delivered VALUES (?, ?, ?)", (reference, case.case_number, time.time()))

    def deliver_pending(self) -> int:
        """Send what is due now; returns how many arrived."""
        with self._db() as db:
            due = db.execute("SELECT reference, idempotency_key, payload FROM pending "
                             "WHERE status='waiting' AND next_attempt<=? ORDER BY created_at",
                             (time.time(),)).fetchall()
        arrived = 0
        for reference, key, payload in due:
            try:
                case = self.client.submit_case(CaseRequest(**json.loads(payload)), key)
            except PortalUnavailable:
                self._postpone(reference)
                break  # the portal is still away: stop this round, keep the order
            except PortalError as error:
                logger.error("outbox entry %s refused by the portal (%s); kept for staff", reference, error.code)
                with self._db() as db:
                    db.execute("UPDATE pending SET status='needs_staff' WHERE reference=?", (reference,))
                continue
            self._delivered(reference, case)
            arrived += 1
        return arrived

    def pending_count(self) -> int:
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
