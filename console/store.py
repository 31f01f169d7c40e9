"""The centre console's database: accounts, help requests, kiosks and their keys, messages
for kiosks, usage events, login failures.

SQLite on the embedded set-up; PostgreSQL for a city fleet (console.database_url), through
the same queries. Nothing personal is kept: transcripts arrive already masked from the
kiosks (and are masked again), a help request is deleted once it is done, a message for a
kiosk once the kiosk has it, and usage events carry no resident data at all. Session tokens
and kiosk keys are stored only as SHA-256 hashes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

from common.masking import redact

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users(username), csrf TEXT NOT NULL,
    created_at REAL NOT NULL, last_seen REAL NOT NULL
);
DELETE FROM sessions WHERE length(token) <> 64;
CREATE TABLE IF NOT EXISTS help_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kiosk_id TEXT NOT NULL, created_at REAL NOT NULL,
    errand TEXT NOT NULL, step TEXT NOT NULL, transcript TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open', claimed_by TEXT, claimed_at REAL, done_at REAL
);
CREATE TABLE IF NOT EXISTS help_identity_checks (
    request_id INTEGER PRIMARY KEY, check_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS help_handovers (
    request_id INTEGER NOT NULL, from_user TEXT NOT NULL, to_user TEXT NOT NULL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS help_tallies (
    day TEXT NOT NULL, kiosk_id TEXT NOT NULL, outcome TEXT NOT NULL, requests INTEGER NOT NULL,
    claimed INTEGER NOT NULL, wait_seconds REAL NOT NULL, PRIMARY KEY (day, kiosk_id, outcome)
);
CREATE TABLE IF NOT EXISTS kiosks (
    kiosk_id TEXT PRIMARY KEY, last_seen REAL NOT NULL, consent INTEGER NOT NULL DEFAULT 0,
    lesson_id TEXT, lesson_step INTEGER, lesson_steps INTEGER, step_since REAL, hints INTEGER
);
CREATE TABLE IF NOT EXISTS kiosk_health (
    kiosk_id TEXT PRIMARY KEY, body TEXT NOT NULL, received_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS kiosk_keys (
    kiosk_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL, created_at REAL NOT NULL
);
DROP TABLE IF EXISTS kiosk_events;
CREATE TABLE IF NOT EXISTS kiosk_inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kiosk_id TEXT NOT NULL, body TEXT NOT NULL, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS usage_events (
    kiosk_id TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL, errand TEXT NOT NULL DEFAULT '',
    step TEXT NOT NULL DEFAULT '', turns INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS login_failures (
    subject TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_failure REAL NOT NULL
);
"""
STATUS_FIELDS = ("consent", "lesson_id", "lesson_step", "lesson_steps", "step_since", "hints")


def digest(secret: str) -> str:
    """SHA-256 of a random token or key: enough for high-entropy secrets, and a stolen
    database then holds nothing that opens a session or speaks for a kiosk."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


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
            # REAL is a 4-byte float in PostgreSQL: seconds since 1970 would lose minutes.
            schema = SCHEMA.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "SERIAL PRIMARY KEY").replace(
                " REAL", " DOUBLE PRECISION")
        else:
            assert self.path is not None, "a SQLite path or a database URL"
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                self.path.touch(mode=0o600)
            os.chmod(self.path, 0o600)  # password hashes and, briefly, words typed for a resident
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
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA secure_delete=ON")
            with connection:
                yield connection
        finally:
            connection.close()

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log back into the file and empty it, so deleted rows
        (overwritten there by secure_delete) do not live on in the log."""
        if self._pool is None:
            with self.db() as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.closeall()

    # -- kiosks ------------------------------------------------------------------------

    def seen(self, kiosk_id: str, **fields: Any) -> None:
        with self.db() as db:
            db.execute("INSERT INTO kiosks (kiosk_id, last_seen) VALUES (?, ?) "
                       "ON CONFLICT(kiosk_id) DO UPDATE SET last_seen=excluded.last_seen", (kiosk_id, time.time()))
            for name, value in fields.items():
                if name in STATUS_FIELDS:
                    db.execute(f"UPDATE kiosks SET {name}=? WHERE kiosk_id=?", (value, kiosk_id))

    def kiosks(self) -> List[Dict[str, Any]]:
        with self.db() as db:
            return [dict(row) for row in db.execute("SELECT * FROM kiosks ORDER BY kiosk_id").fetchall()]

    def kiosk(self, kiosk_id: str) -> Optional[Dict[str, Any]]:
        with self.db() as db:
            row = db.execute("SELECT * FROM kiosks WHERE kiosk_id=?", (kiosk_id,)).fetchone()
        return dict(row) if row else None

    def record_health(self, kiosk_id: str, record: Dict[str, Any]) -> None:
        """The kiosk PC's latest health record (runtime/health_record.py): one row a kiosk."""
        with self.db() as db:
            db.execute("INSERT INTO kiosk_health (kiosk_id, body, received_at) VALUES (?, ?, ?) "
                       "ON CONFLICT(kiosk_id) DO UPDATE SET body=excluded.body, received_at=excluded.received_at",
                       (kiosk_id, json.dumps(record, ensure_ascii=False), time.time()))

    def health(self) -> Dict[str, Dict[str, Any]]:
        with self.db() as db:
            rows = db.execute("SELECT kiosk_id, body, received_at FROM kiosk_health").fetchall()
        return {row["kiosk_id"]: dict(json.loads(row["body"]), received_at=row["received_at"]) for row in rows}

    def send_to_kiosk(self, kiosk_id: str, event: Dict[str, Any]) -> None:
        with self.db() as db:
            db.execute("INSERT INTO kiosk_inbox (kiosk_id, body, created_at) VALUES (?, ?, ?)",
                       (kiosk_id, json.dumps(event, ensure_ascii=False), time.time()))

    def take_events(self, kiosk_id: str) -> List[Dict[str, Any]]:
        """What waits for a kiosk; deleted as it is handed over (it may carry words a
        volunteer typed for the resident)."""
        with self.db() as db:
            rows = db.execute("SELECT id, body FROM kiosk_inbox WHERE kiosk_id=? ORDER BY id", (kiosk_id,)).fetchall()
            db.executemany("DELETE FROM kiosk_inbox WHERE id=?", [(row["id"],) for row in rows])
        if rows:
            self.checkpoint()
        return [json.loads(row["body"]) for row in rows]

    def purge_inbox(self, older_than: float) -> int:
        """Messages no kiosk came for (one switched off): they go too."""
        with self.db() as db:
            return db.execute("DELETE FROM kiosk_inbox WHERE created_at < ?", (older_than,)).rowcount

    # -- usage -------------------------------------------------------------------------

    def record_usage(self, kiosk_id: str, events: Sequence[Dict[str, Any]]) -> int:
        # Names of steps and errands only; masked anyway, in case a kiosk ever sends more.
        rows = [(kiosk_id, str(e.get("day", ""))[:10], redact(str(e.get("kind", "")))[:30],
                 redact(str(e.get("errand", "")))[:30], redact(str(e.get("step", "")))[:30],
                 int(e.get("turns", 0) or 0)) for e in events]
        with self.db() as db:
            db.executemany("INSERT INTO usage_events VALUES (?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    def usage_rows(self) -> List[Dict[str, Any]]:
        with self.db() as db:
            return [dict(row) for row in db.execute("SELECT * FROM usage_events ORDER BY day, kiosk_id").fetchall()]

    def help_tallies(self) -> List[Dict[str, Any]]:
        with self.db() as db:
            rows = db.execute("SELECT * FROM help_tallies ORDER BY day, kiosk_id, outcome").fetchall()
        return [dict(row) for row in rows]
