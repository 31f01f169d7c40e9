"""Help requests raised on this kiosk, kept in a local queue until the centre console has them.

Only what a volunteer needs to find and help the resident: kiosk, time, the errand and step,
and the last lines of the conversation, already masked. They are a resident's own words, so
they are kept no longer than they can help: a request is deleted as soon as the console has
it, and one the console never got is deleted after `keep_seconds` (a day by default: by then
the resident is long gone, and a volunteer sent to the kiosk would find nobody).
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import ContextManager, List, Sequence

from common.durable import durable_sqlite
from common.masking import redact

SCHEMA = """
CREATE TABLE IF NOT EXISTS help_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kiosk_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    step TEXT NOT NULL,
    errand TEXT NOT NULL DEFAULT '',
    transcript TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'open',
    identity_check TEXT NOT NULL DEFAULT ''
)
"""


@dataclass(frozen=True)
class HelpRequest:
    id: int
    kiosk_id: str
    created_at: float
    step: str
    errand: str = ""
    transcript: List[str] = field(default_factory=list)
    status: str = "open"
    identity_check: str = ""  # a staff identity check the resident waits for (its id)


KEEP_SECONDS = 24 * 3600


class HelpQueue:
    def __init__(self, path: Path, keep_seconds: float = KEEP_SECONDS) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.keep_seconds = keep_seconds
        self._purged_at = 0.0
        with self._connect() as connection:
            connection.execute(SCHEMA)
            columns = {row[1] for row in connection.execute("PRAGMA table_info(help_requests)")}
            if "identity_check" not in columns:  # a queue made by an earlier version
                connection.execute("ALTER TABLE help_requests ADD COLUMN identity_check TEXT NOT NULL DEFAULT ''")
            self._purge(connection)

    def _connect(self) -> ContextManager[sqlite3.Connection]:
        return durable_sqlite(self.path)

    def raise_request(self, kiosk_id: str, step: str, errand: str = "", transcript: Sequence[str] = (),
                      identity_check: str = "") -> int:
        lines = [redact(line)[:200] for line in transcript][-6:]
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO help_requests (kiosk_id, created_at, step, errand, transcript, identity_check) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (kiosk_id, time.time(), step[:80], errand[:40], json.dumps(lines, ensure_ascii=False),
                 identity_check[:64]),
            )
            return int(cursor.lastrowid)

    def open_requests(self) -> List[HelpRequest]:
        with self._connect() as connection:
            self._purge(connection)
            rows = connection.execute(
                "SELECT id, kiosk_id, created_at, step, errand, transcript, status, identity_check "
                "FROM help_requests WHERE status='open' ORDER BY created_at").fetchall()
        return [HelpRequest(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6], row[7])
                for row in rows]

    def mark_sent(self, request_id: int) -> None:
        """The console has it: nothing of it is needed here any more (secure_delete overwrites it)."""
        with self._connect() as connection:
            connection.execute("DELETE FROM help_requests WHERE id=?", (request_id,))

    def _purge(self, connection: sqlite3.Connection) -> None:
        """Requests sent by an earlier version (kept as 'sent'), and open ones too old to help;
        at most once a minute (the console link asks for open requests every two seconds)."""
        if self._purged_at and time.monotonic() - self._purged_at < 60:
            return
        self._purged_at = time.monotonic()
        connection.execute("DELETE FROM help_requests WHERE status='sent' OR created_at<?",
                           (time.time() - self.keep_seconds,))
