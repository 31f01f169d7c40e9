"""SQLite for what must survive a power cut and leave nothing behind once deleted.

Outboxes and the help queue hold a resident's report or request until it is delivered:
every commit is synchronous (FULL), and deleted rows are overwritten (secure_delete), so a
delivered phone number is not left in free pages of the file.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def durable_sqlite(path: Path, timeout: float = 10) -> Iterator[sqlite3.Connection]:
    """One transaction: committed when the block ends, rolled back on an error."""
    connection = sqlite3.connect(str(path), timeout=timeout)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA secure_delete=ON")
        with connection:
            yield connection
    finally:
        connection.close()
