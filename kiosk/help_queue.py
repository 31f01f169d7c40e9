"""Help requests raised on this kiosk, kept in a local queue until the centre console has them.

Only what a volunteer needs to find and help the resident: kiosk, time, the errand and step,
and the last lines of the conversation, already masked. The lines are deleted as soon as
the console has the request.
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
    status TEXT NOT NULL DEFAULT 'open'
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


class HelpQueue:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as connection:
            connection.execute(SCHEMA)

    def _connect(self) -> ContextManager[sqlite3.Connection]:
        return durable_sqlite(self.path)

    def raise_request(self, kiosk_id: str, step: str, errand: str = "", transcript: Sequence[str] = ()) -> int:
        lines = [redact(line)[:200] for line in transcript][-6:]
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO help_requests (kiosk_id, created_at, step, errand, transcript) VALUES (?, ?, ?, ?, ?)",
                (kiosk_id, time.time(), step[:80], errand[:40], json.dumps(lines, ensure_ascii=False)),
            )
            return int(cursor.lastrowid)

    def open_requests(self) -> List[HelpRequest]:
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT id, kiosk_id, created_at, step, errand, transcript, status FROM help_requests "
                "WHERE status='open' ORDER BY created_at").fetchall()
        return [HelpRequest(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6]) for row in rows]

    def mark_sent(self, request_id: int) -> None:
        """The console has it: the conversation lines are no longer needed here."""
        with self._connect() as connection:
            connection.execute("UPDATE help_requests SET status='sent', transcript='[]' WHERE id=?", (request_id,))
