"""SQLite for what must survive a power cut and leave nothing behind once deleted.

Outboxes and the help queue hold a resident's report or request until it is delivered, so
three things must hold for every file opened here:

- Committed means on disk. The rollback journal (journal_mode=DELETE) with synchronous=EXTRA:
  a transaction is committed when its journal is deleted, and only EXTRA also syncs the
  directory after that unlink. With FULL a power cut right after the commit can bring the
  journal back, and SQLite then rolls the "committed" transaction back (a delivered report
  would come back, a kept one could vanish). WAL with FULL would be durable too, but its
  -wal file keeps old copies of pages, phone numbers included, that secure_delete never
  reaches and that stay in the file until the log happens to be overwritten; these files
  see a few writes a minute, so WAL's concurrency buys nothing here.
- Deleted rows are overwritten (secure_delete), so a delivered phone number is not left in
  free pages of the file.
- Only the kiosk's own user can read them: the file is created 0600 before SQLite opens it
  (and tightened if an older version made it 0644); SQLite gives its journal, -wal and -shm
  files the mode of the database file.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator

PRIVATE_MODE = 0o600
SIDE_FILES = ("-journal", "-wal", "-shm")
PRAGMAS = ("PRAGMA journal_mode=DELETE", "PRAGMA synchronous=EXTRA", "PRAGMA secure_delete=ON")


def keep_private(path: Path) -> None:
    """Create `path` as 0600 if it is missing; make it (and any journal beside it) 0600 if not.

    Never by opening the database itself: POSIX record locks belong to the process and the
    file, so closing *any* descriptor of it drops the locks another thread's SQLite connection
    holds, and a second process then writes into the middle of that transaction ("disk I/O
    error", a torn file; sqlite.org/howtocorrupt.html, 2.2). A missing file is made under a
    temporary name and linked into place, so no descriptor of the database is ever closed here.
    """
    path = Path(path)
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
        os.close(os.open(str(temporary), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another thread or process made it first
        finally:
            temporary.unlink()
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in SIDE_FILES)):
        try:
            if stat.S_IMODE(candidate.stat().st_mode) != PRIVATE_MODE:
                candidate.chmod(PRIVATE_MODE)
        except FileNotFoundError:
            continue


@contextmanager
def durable_sqlite(path: Path, timeout: float = 10) -> Iterator[sqlite3.Connection]:
    """One transaction: committed (and on disk) when the block ends, rolled back on an error."""
    keep_private(Path(path))
    connection = sqlite3.connect(str(path), timeout=timeout)
    try:
        for pragma in PRAGMAS:
            connection.execute(pragma)
        with connection:
            yield connection
    finally:
        connection.close()


def durability_settings(connection: sqlite3.Connection) -> Dict[str, object]:
    """What a connection really runs with, read back from SQLite (for tests and diagnostics)."""
    return {name: connection.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "secure_delete")}
