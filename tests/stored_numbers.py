"""What a test can find of a phone number in the bytes of files a process wrote.

The bytes are read as text and searched with `common.number_finder`, so the number is found in
every format it knows (138 0797 1234, +86-138…, full-width digits, Chinese digit words,
JSON escapes), not only as eleven ASCII digits; a SQLite file's journal and -wal/-shm
files beside it are searched too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, List, Set

from common import number_finder


def files_of(database: Path) -> List[Path]:
    """A SQLite file and whatever lies beside it (journal, -wal, -shm)."""
    return sorted(database.parent.glob(database.name + "*"))


def phones_in(paths: Iterable[Path]) -> Set[str]:
    """Every phone number (canonical 11 digits) written anywhere in these files."""
    found: Set[str] = set()
    for path in paths:
        raw = path.read_bytes()
        for text in (raw.decode("utf-8", errors="ignore"), raw.decode("latin-1")):
            found.update(number.number for number in number_finder.find_phones(text))
    return found
