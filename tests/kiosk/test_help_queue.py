"""Help requests hold residents' words: gone from the kiosk once the console has them, and
after a day when it never did."""

from __future__ import annotations

import sqlite3

from kiosk.help_queue import HelpQueue

WORDS = "我家楼道的灯坏了好几天"


def stored(path) -> bytes:
    return b"".join(file.read_bytes() for file in path.parent.glob(path.name + "*"))


def test_a_sent_request_leaves_nothing_behind(tmp_path):
    path = tmp_path / "help.sqlite3"
    queue = HelpQueue(path)
    request_id = queue.raise_request("kiosk-1", "问题描述", "hotline_report", [WORDS])
    assert WORDS.encode() in stored(path)
    queue.mark_sent(request_id)
    assert queue.open_requests() == []
    assert WORDS.encode() not in stored(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM help_requests").fetchone()[0] == 0


def test_requests_the_console_never_got_are_purged_after_their_time(tmp_path):
    path = tmp_path / "help.sqlite3"
    HelpQueue(path).raise_request("kiosk-1", "问题描述", "hotline_report", [WORDS])
    assert len(HelpQueue(path).open_requests()) == 1  # within a day: still waiting for the console
    assert HelpQueue(path, keep_seconds=0).open_requests() == []
    assert WORDS.encode() not in stored(path)


def test_requests_an_older_version_kept_as_sent_are_purged(tmp_path):
    path = tmp_path / "help.sqlite3"
    queue = HelpQueue(path)
    request_id = queue.raise_request("kiosk-1", "问题描述", "hotline_report", [WORDS])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE help_requests SET status='sent' WHERE id=?", (request_id,))
    HelpQueue(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM help_requests").fetchone()[0] == 0
