"""The outbox under a real outage: the sandbox is killed in the middle of 100 submissions
and restarted; every submission arrives exactly once, and nothing personal stays behind."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time

import pytest

from portal.client import PortalClient
from portal.models import CaseRequest
from portal.outbox import Outbox
from portal.sandbox.server import database_path
from runtime.health import wait_until_healthy
from tests.stack import start_stack

COUNT = 100
PHONE = "13912340000"


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def own_sandbox(tmp_path):
    stack = start_stack(tmp_path / "portal", names=["portal-sandbox"])
    yield stack
    stack.stop()


def test_kill_the_portal_mid_way_and_lose_nothing(own_sandbox, tmp_path):
    child = own_sandbox.supervisor.children["portal-sandbox"]
    client = PortalClient(own_sandbox.settings.portal.url, own_sandbox.portal_key, connect_timeout=0.5,
                          read_timeout=2.0, retries=0, backoff=0.0)
    outbox = Outbox(tmp_path / "outbox.sqlite3", client, base_delay=0.05, max_delay=0.5, poll_seconds=0.1)
    outbox.start()
    submitted = []
    killed = threading.Event()

    def kill_when_half_way() -> None:
        wait_for(lambda: len(submitted) >= COUNT // 2, 60, "half the submissions")
        os.killpg(child.process.pid, signal.SIGKILL)
        killed.set()

    killer = threading.Thread(target=kill_when_half_way)
    killer.start()
    try:
        for index in range(COUNT):
            request = CaseRequest("其他", f"outbox-test-{index:03d} 楼道的灯坏了。", "人民路", "章贡区", PHONE)
            submitted.append(outbox.submit_or_queue(request))
        killer.join()
        assert killed.is_set()
        queued = [s for s in submitted if s.queued]
        assert queued, "the outage happened mid-way, so some submissions must have been queued"
        assert outbox.pending_count() >= len([s for s in submitted[COUNT // 2 + 1:] if s.queued])
        restarted = own_sandbox.supervisor.start(child.spec)
        wait_until_healthy("portal-sandbox", child.spec.health_url, restarted.process, 60)
        wait_for(lambda: outbox.pending_count() == 0, 120, "the outbox to empty")
    finally:
        outbox.stop()
        client.close()

    with sqlite3.connect(database_path(own_sandbox.settings)) as db:
        rows = db.execute("SELECT description, COUNT(*) FROM hotline_cases WHERE description LIKE "
                          "'outbox-test-%' GROUP BY description").fetchall()
    assert len(rows) == COUNT and all(count == 1 for _description, count in rows)
    numbers = [s.case.case_number if s.case else outbox.case_number_for(s.reference) for s in submitted]
    assert None not in numbers and len(set(numbers)) == COUNT

    stored = b"".join(path.read_bytes() for path in tmp_path.glob("outbox.sqlite3*"))
    assert PHONE.encode() not in stored
    assert b"outbox-test" not in stored and "楼道".encode() not in stored
