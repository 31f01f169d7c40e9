"""The SQLite files that hold residents' reports: 0600, committed means on disk
(synchronous=EXTRA with the rollback journal), deleted means overwritten."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from common.durable import durability_settings, durable_sqlite
from tests.stored_numbers import files_of, phones_in

PHONE = "13807971234"
REPO = Path(__file__).resolve().parents[2]
WRITTEN_AS = [PHONE, "138 0797 1234", "+86 138-0797-1234", "１３８０７９７１２３４", "幺三八洞七九七幺二三四"]


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_pragmas_read_back_are_the_power_cut_safe_ones(tmp_path):
    with durable_sqlite(tmp_path / "box.sqlite3") as db:
        assert durability_settings(db) == {"journal_mode": "delete", "synchronous": 3, "secure_delete": 1}


def test_the_file_and_its_journal_are_private(tmp_path):
    previous = os.umask(0o022)  # what a kiosk's login session usually has: new files 0644
    try:
        path = tmp_path / "box.sqlite3"
        with durable_sqlite(path) as db:
            db.execute("CREATE TABLE t (x TEXT)")
        with durable_sqlite(path) as db:
            db.execute("INSERT INTO t VALUES (?)", (PHONE,))
            journal = tmp_path / "box.sqlite3-journal"
            assert journal.exists() and mode(journal) == 0o600  # mid-transaction, holding old pages
        assert mode(path) == 0o600
    finally:
        os.umask(previous)


def test_a_file_an_older_version_made_readable_is_made_private(tmp_path):
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    with durable_sqlite(path) as db:
        db.execute("CREATE TABLE t (x TEXT)")
    assert mode(path) == 0o600


@pytest.mark.parametrize("written", WRITTEN_AS)
def test_deleted_numbers_leave_no_trace_in_the_file(tmp_path, written):
    path = tmp_path / "box.sqlite3"
    with durable_sqlite(path) as db:
        db.execute("CREATE TABLE t (x TEXT)")
        db.executemany("INSERT INTO t VALUES (?)", [(f"请打{written}联系我",), ("keep",)])
    assert PHONE in phones_in(files_of(path))  # the search does see it while it is there
    with durable_sqlite(path) as db:
        db.execute("DELETE FROM t WHERE x != 'keep'")
    assert PHONE not in phones_in(files_of(path))
    assert files_of(path) == [path]  # no journal left behind


WRITER = """
import sys, threading
from common.durable import durable_sqlite
path, name = sys.argv[1], sys.argv[2]
errors = []
def write(thread):
    for row in range(40):
        try:
            with durable_sqlite(path) as db:
                db.execute("INSERT INTO t VALUES (?)", (f"{name}-{thread}-{row}",))
        except Exception as error:
            errors.append(repr(error))
threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
print("\\n".join(errors))
"""


def test_threads_of_two_processes_writing_at_once_lose_nothing(tmp_path):
    """Two action servers share the portal outbox, each writing from its worker threads: no
    "disk I/O error", every row kept (closing a descriptor of the file dropped the locks of
    another thread's transaction)."""
    path = tmp_path / "shared.sqlite3"
    with durable_sqlite(path) as db:
        db.execute("CREATE TABLE t (x TEXT)")
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in ("one", "two")]
    outputs = [writer.communicate(timeout=120) for writer in writers]
    assert [out.strip() for out, _err in outputs] == ["", ""], outputs
    with durable_sqlite(path) as db:
        assert db.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 2 * 4 * 40
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
