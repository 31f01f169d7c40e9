"""The centre console's database: help requests, kiosks, messages for kiosks, usage events.

SQLite on the embedded set-up; PostgreSQL for a city fleet (console.database_url), through
the same queries. Nothing personal is stored: transcripts arrive already masked from the
kiosks, and usage events carry no resident data at all.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users(username), csrf TEXT NOT NULL,
    created_at REAL NOT NULL, last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS help_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kiosk_id TEXT NOT NULL, created_at REAL NOT NULL,
    errand TEXT NOT NULL, step TEXT NOT NULL, transcript TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open', claimed_by TEXT, claimed_at REAL, done_at REAL
);
CREATE TABLE IF NOT EXISTS kiosks (
    kiosk_id TEXT PRIMARY KEY, last_seen REAL NOT NULL, consent INTEGER NOT NULL DEFAULT 0,
    lesson_id TEXT, lesson_step INTEGER, lesson_steps INTEGER, step_since REAL, hints INTEGER
);
CREATE TABLE IF NOT EXISTS kiosk_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kiosk_id TEXT NOT NULL, body TEXT NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS usage_events (
    kiosk_id TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL, errand TEXT NOT NULL DEFAULT '',
    step TEXT NOT NULL DEFAULT '', turns INTEGER NOT NULL DEFAULT 0
);
"""


class _Postgres:
    """The few sqlite3 habits the store uses, on a psycopg2 connection: `?` parameters,
    rows as mappings, executemany, booleans stored as integers."""

    def __init__(self, connection: Any) -> None:
        import psycopg2.extras

        self.cursor = connection.cursor(cursor_factory=psycopg2.extras.RealDictCursor)

    @staticmethod
    def _params(params: Sequence[Any]) -> List[Any]:
        return [int(value) if isinstance(value, bool) else value for value in params]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.cursor.execute(sql.replace("?", "%s"), self._params(params))
        return self.cursor

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        self.cursor.executemany(sql.replace("?", "%s"), [self._params(row) for row in rows])
        return self.cursor


class Store:
    def __init__(self, path: Optional[Path] = None, database_url: Optional[str] = None,
                 password: Optional[str] = None) -> None:
        self.path = Path(path) if path else None
        self._pool: Any = None
        if database_url:
            from psycopg2.pool import ThreadedConnectionPool

            self._pool = ThreadedConnectionPool(1, 8, database_url, password=password, connect_timeout=5)
            schema = SCHEMA.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "SERIAL PRIMARY KEY")
        else:
            assert self.path is not None, "a SQLite path or a database URL"
            self.path.parent.mkdir(parents=True, exist_ok=True)
            schema = SCHEMA
        with self.db() as db:
            for statement in filter(str.strip, schema.split(";")):
                db.execute(statement)

    @contextmanager
    def db(self) -> Iterator[Any]:
        """One transaction: committed when the block ends, rolled back on an error."""
        if self._pool is not None:
            connection = self._pool.getconn()
            try:
                with connection:
                    yield _Postgres(connection)
            finally:
                self._pool.putconn(connection)
            return
        connection = sqlite3.connect(str(self.path), timeout=10)
        connection.row_factory = sqlite3.Row
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            with connection:
                yield connection
        finally:
            connection.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.closeall()

    # -- help requests -----------------------------------------------------------------

    def raise_help(self, kiosk_id: str, errand: str, step: str, transcript: List[str]) -> int:
        with self.db() as db:
            row = db.execute("INSERT INTO help_requests (kiosk_id, created_at, errand, step, transcript) "
                             "VALUES (?, ?, ?, ?, ?) RETURNING id",
                             (kiosk_id, time.time(), errand[:40], step[:40],
                              json.dumps(transcript[-6:], ensure_ascii=False))).fetchone()
            return int(row["id"])

    def help_requests(self, include_done: bool = False) -> List[Dict[str, Any]]:
        """Open ones first, the longest waiting first."""
        query = "SELECT * FROM help_requests" + ("" if include_done else " WHERE status != 'done'")
        query += " ORDER BY status = 'claimed', created_at"
        with self.db() as db:
            rows = db.execute(query).fetchall()
        return [dict(row, transcript=json.loads(row["transcript"])) for row in rows]

    def help_request(self, request_id: int) -> Optional[Dict[str, Any]]:
        with self.db() as db:
            row = db.execute("SELECT * FROM help_requests WHERE id=?", (request_id,)).fetchone()
        return dict(row, transcript=json.loads(row["transcript"])) if row else None

    def claim(self, request_id: int, volunteer: str) -> Optional[Dict[str, Any]]:
        with self.db() as db:
            db.execute("UPDATE help_requests SET status='claimed', claimed_by=?, claimed_at=? "
                       "WHERE id=? AND status='open'", (volunteer, time.time(), request_id))
        request = self.help_request(request_id)
        if request and request["claimed_by"] == volunteer:
            self.send_to_kiosk(request["kiosk_id"], {"type": "claimed", "request_id": request_id})
        return request

    def finish(self, request_id: int) -> None:
        with self.db() as db:
            db.execute("UPDATE help_requests SET status='done', done_at=? WHERE id=?", (time.time(), request_id))

    # -- kiosks ------------------------------------------------------------------------

    def seen(self, kiosk_id: str, **fields: Any) -> None:
        with self.db() as db:
            db.execute("INSERT INTO kiosks (kiosk_id, last_seen) VALUES (?, ?) "
                       "ON CONFLICT(kiosk_id) DO UPDATE SET last_seen=excluded.last_seen", (kiosk_id, time.time()))
            for name, value in fields.items():
                if name in ("consent", "lesson_id", "lesson_step", "lesson_steps", "step_since", "hints"):
                    db.execute(f"UPDATE kiosks SET {name}=? WHERE kiosk_id=?", (value, kiosk_id))

    def kiosks(self) -> List[Dict[str, Any]]:
        with self.db() as db:
            return [dict(row) for row in db.execute("SELECT * FROM kiosks ORDER BY kiosk_id").fetchall()]

    def kiosk(self, kiosk_id: str) -> Optional[Dict[str, Any]]:
        with self.db() as db:
            row = db.execute("SELECT * FROM kiosks WHERE kiosk_id=?", (kiosk_id,)).fetchone()
        return dict(row) if row else None

    def send_to_kiosk(self, kiosk_id: str, event: Dict[str, Any]) -> None:
        with self.db() as db:
            db.execute("INSERT INTO kiosk_events (kiosk_id, body) VALUES (?, ?)",
                       (kiosk_id, json.dumps(event, ensure_ascii=False)))

    def take_events(self, kiosk_id: str) -> List[Dict[str, Any]]:
        with self.db() as db:
            rows = db.execute("SELECT id, body FROM kiosk_events WHERE kiosk_id=? AND delivered=0 ORDER BY id",
                              (kiosk_id,)).fetchall()
            db.executemany("UPDATE kiosk_events SET delivered=1 WHERE id=?", [(row["id"],) for row in rows])
        return [json.loads(row["body"]) for row in rows]

    # -- usage -------------------------------------------------------------------------

    def record_usage(self, kiosk_id: str, events: List[Dict[str, Any]]) -> int:
        rows = [(kiosk_id, str(e.get("day", ""))[:10], str(e.get("kind", ""))[:30], str(e.get("errand", ""))[:30],
                 str(e.get("step", ""))[:30], int(e.get("turns", 0) or 0)) for e in events]
        with self.db() as db:
            db.executemany("INSERT INTO usage_events VALUES (?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    def usage_rows(self) -> List[Dict[str, Any]]:
        with self.db() as db:
            return [dict(row) for row in db.execute("SELECT * FROM usage_events ORDER BY day, kiosk_id").fetchall()]
