"""Help requests raised on this kiosk, kept in a local queue until a volunteer takes them.

Only what a volunteer needs to find the resident: kiosk, time, and the step they are on.
No names or numbers are stored.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List

SCHEMA = """
CREATE TABLE IF NOT EXISTS help_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kiosk_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    step TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open'
)
"""


@dataclass(frozen=True)
class HelpRequest:
    id: int
    kiosk_id: str
    created_at: float
    step: str
    status: str


class HelpQueue:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as connection:
            connection.execute(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(str(self.path), timeout=5)
        try:
            connection.execute("PRAGMA synchronous=FULL")
            with connection:  # commits, or rolls back on error
                yield connection
        finally:
            connection.close()

    def raise_request(self, kiosk_id: str, step: str) -> int:
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO help_requests (kiosk_id, created_at, step) VALUES (?, ?, ?)",
                (kiosk_id, time.time(), step[:80]),
            )
            return int(cursor.lastrowid)

    def open_requests(self) -> List[HelpRequest]:
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT id, kiosk_id, created_at, step, status FROM help_requests "
                "WHERE status='open' ORDER BY created_at"
            ).fetchall()
        return [HelpRequest(*row) for row in rows]
