"""The SQLite files that hold residents' reports: 0600, committed means on disk
(synchronous=EXTRA with the rollback journal), deleted means overwritten."""

from __future__ import annotations

import os
import stat

import pytest

from common.durable import durability_settings, durable_sqlite
from tests.stored_numbers import files_of, phones_in

PHONE = "13807971234"
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
