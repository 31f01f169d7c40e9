"""The outbox under the portal's passing failures: 429 with Retry-After (seconds or an HTTP
date), 408, 5xx past the retry budget, and a failing entry ahead of a good one. Statuses a
real portal sends on a bad day; the sandbox makes 5xx with its own fault switches, the fake
portal the 429 and 408 it has no switch for."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import deque
from email.utils import formatdate
from typing import Deque, Dict, List, Tuple

import pytest
import requests

from portal.client import PortalClient
from portal.errors import (
    PortalInvalidAnswer,
    PortalRefused,
    PortalTryLater,
    retry_after_seconds,
)
from portal.models import CaseRequest
from portal.outbox import Outbox, RetryBudget
from tests.portal.fake_portal import FakePortal

PHONE = "13912340000"
Answer = Tuple[int, Dict[str, str], bytes]


def case_answer(number: str = "5820461392703516") -> Answer:
    case = {"case_number": number, "category": "其他", "description": "楼道的灯坏了", "place": "人民路",
            "district": "章贡区", "masked_phone": "139 **** 0000", "status": "已受理",
            "timeline": [{"status": "已受理", "at": "2026-11-24T09:00", "department": "12345热线"}],
            "created": True}
    return 201, {"Content-Type": "application/json"}, json.dumps(case).encode()


def status_answer(status: int, **headers: str) -> Answer:
    body = json.dumps({"error": {"code": f"http_{status}", "message": "try later"}}).encode()
    return status, {"Content-Type": "application/json", **headers}, body


class ScriptedPortal(FakePortal):
    """The fake portal answering from a script (the last answer repeats), noting when each
    request came."""

    def __init__(self) -> None:
        self.script: Deque[Answer] = deque()
        self.times: List[float] = []
        self._guard = threading.Lock()
        super().__init__()

    @property
    def answer(self) -> Answer:
        with self._guard:
            self.times.append(time.monotonic())
            return self.script.popleft() if len(self.script) > 1 else self.script[0]

    @answer.setter
    def answer(self, value: Answer) -> None:
        self.script = deque([value])

    def play(self, *answers: Answer) -> None:
        self.script, self.times = deque(answers), []


@pytest.fixture
def fake():
    server = ScriptedPortal()
    yield server
    server.stop()


def a_request(index: int = 0, district: str = "章贡区") -> CaseRequest:
    return CaseRequest("其他", f"retry-test-{index} 楼道的灯坏了。", "人民路", district, PHONE)


def outbox_for(url: str, key: str, folder, **options) -> Tuple[Outbox, PortalClient]:
    client = PortalClient(url, key, connect_timeout=0.5, read_timeout=2.0, retries=0, backoff=0.0)
    options.setdefault("base_delay", 0.05)
    options.setdefault("max_delay", 0.2)
    return Outbox(folder / "outbox.sqlite3", client, poll_seconds=0.05, **options), client


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}")


def test_retry_after_in_seconds_and_as_an_http_date():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(formatdate(time.time() + 90, usegmt=True)) in (89, 90, 91)
    assert retry_after_seconds("Sun, 06 Nov 1994 08:49:37 GMT") == 0  # already past
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_429_and_408_keep_the_error_other_callers_know(fake):
    client = PortalClient(fake.url, "key", connect_timeout=0.5, read_timeout=2.0, retries=0, backoff=0.0)
    fake.play(status_answer(429, **{"Retry-After": "30"}))
    with pytest.raises(PortalRefused) as busy:  # what a locked identity check has always been
        client.verify_sms_code("360702195003121226", "123456", "test-kiosk")
    assert isinstance(busy.value, PortalTryLater) and busy.value.retry_after == 30
    fake.play(status_answer(408))
    with pytest.raises(PortalInvalidAnswer) as timed_out:
        client.pension_payments("t" * 20)
    assert isinstance(timed_out.value, PortalTryLater)
    client.close()


@pytest.mark.parametrize("retry_after", ["2", "date"])
def test_429_with_retry_after_is_delivered_once_after_the_wait(fake, tmp_path, retry_after):
    header = formatdate(time.time() + 3, usegmt=True) if retry_after == "date" else retry_after
    fake.play(status_answer(429, **{"Retry-After": header}), case_answer())
    outbox, client = outbox_for(fake.url, "key", tmp_path)
    outbox.start()
    try:
        submission = outbox.submit_or_queue(a_request())
        assert submission.queued  # kept, not dropped: the resident has a reference
        wait_for(lambda: outbox.pending_count() == 0, 10, "the delivery")
    finally:
        outbox.stop()
        client.close()
    assert len(fake.times) == 2  # one refusal for now, one delivery: once
    assert fake.times[1] - fake.times[0] >= 1.9  # not before the portal said
    assert outbox.case_number_for(submission.reference) == "5820461392703516"


def test_408_is_tried_again(fake, tmp_path):
    fake.play(status_answer(408), status_answer(408), case_answer())
    outbox, client = outbox_for(fake.url, "key", tmp_path)
    outbox.start()
    try:
        submission = outbox.submit_or_queue(a_request())
        wait_for(lambda: outbox.pending_count() == 0, 10, "the delivery")
    finally:
        outbox.stop()
        client.close()
    assert len(fake.times) == 3 and outbox.case_number_for(submission.reference)


def test_a_failing_entry_does_not_hold_back_the_one_behind_it(fake, tmp_path):
    outbox, client = outbox_for(fake.url, "key", tmp_path, base_delay=0.0001, max_delay=0.0001)
    fake.play(status_answer(503))
    first, second = outbox.submit_or_queue(a_request(1)), outbox.submit_or_queue(a_request(2))
    assert first.queued and second.queued
    time.sleep(0.01)
    fake.play(status_answer(500), case_answer())  # the older entry fails again, the next one passes
    assert outbox.deliver_pending() == 1  # in the same round
    assert outbox.case_number_for(second.reference) and outbox.case_number_for(first.reference) is None
    assert outbox.pending_count() == 1 and outbox.parked() == []  # the failing one waits for its next try
    client.close()


# -- the real sandbox -------------------------------------------------------------------------


def set_faults(stack, **faults) -> None:
    requests.post(f"{stack.settings.portal.url}/v1/_sandbox/faults", json=faults,
                  headers={"Authorization": f"Bearer {stack.portal_key}"}, timeout=5).raise_for_status()


@pytest.fixture
def faults(sandbox):
    yield lambda **switches: set_faults(sandbox, **switches)
    set_faults(sandbox, latency_ms=0, error_rate=0.0, down=False)


def test_500s_past_the_budget_park_the_entry_for_staff(sandbox, faults, tmp_path):
    outbox, client = outbox_for(sandbox.settings.portal.url, sandbox.portal_key, tmp_path,
                                budget=RetryBudget(attempts=4, seconds=0.3))
    faults(error_rate=1.0)
    outbox.start()
    try:
        submission = outbox.submit_or_queue(a_request(3))
        wait_for(lambda: outbox.parked(), 20, "the entry to be parked")
    finally:
        outbox.stop()
        client.close()
    [parked] = outbox.parked()
    assert parked.reference == submission.reference and parked.attempts >= 4
    assert parked.reason == "gave_up:internal_error"
    assert parked.phone_masked == "139 **** 0000"
    assert outbox.pending_count() == 1  # kept, phone and all: staff still need it


def test_a_refused_entry_ahead_does_not_delay_a_good_one(sandbox, faults, tmp_path):
    outbox, client = outbox_for(sandbox.settings.portal.url, sandbox.portal_key, tmp_path,
                                base_delay=0.0001, max_delay=0.0001)
    faults(down=True)  # both wait in the outbox, the one that will be refused first
    refused, good = outbox.submit_or_queue(a_request(4, district="北京市")), outbox.submit_or_queue(a_request(5))
    assert refused.queued and good.queued
    faults(down=False)
    time.sleep(0.01)
    assert outbox.deliver_pending() == 1
    assert outbox.case_number_for(good.reference)
    assert [(entry.reference, entry.reason) for entry in outbox.parked()] == [
        (refused.reference, "refused:invalid_district")]
    client.close()


def test_an_unreachable_portal_ends_the_round_early_and_every_entry_gets_its_turn(tmp_path):
    from tests.stack import free_port

    outbox, client = outbox_for(f"http://127.0.0.1:{free_port()}", "key", tmp_path, base_delay=0.0001,
                                max_delay=0.0001)
    for index in range(5):
        assert outbox.submit_or_queue(a_request(10 + index)).queued
    time.sleep(0.01)

    def attempts() -> List[int]:
        with sqlite3.connect(outbox.path) as db:
            return [row[0] for row in db.execute("SELECT attempts FROM pending ORDER BY created_at")]

    outbox.deliver_pending()
    assert sorted(attempts()) == [1, 1, 2, 2, 2]  # three could not connect: the portal is away for all
    time.sleep(0.01)
    outbox.deliver_pending()
    assert min(attempts()) == 2  # the next round started with the ones not tried yet
    client.close()


def test_entries_an_older_version_set_aside_are_shown_to_staff(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    with sqlite3.connect(path) as db:  # the schema before parking existed
        db.executescript("""
            CREATE TABLE pending (reference TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE,
                payload TEXT NOT NULL, created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt REAL NOT NULL, status TEXT NOT NULL DEFAULT 'waiting');
            CREATE TABLE delivered (reference TEXT PRIMARY KEY, case_number TEXT NOT NULL,
                delivered_at REAL NOT NULL);""")
        db.execute("INSERT INTO pending VALUES ('123456', 'k' || hex(randomblob(8)), ?, ?, 3, 0, 'needs_staff')",
                   (json.dumps(a_request(20).as_json(), ensure_ascii=False), time.time()))
    outbox = Outbox(path, PortalClient("http://127.0.0.1:9", "key"))
    [parked] = outbox.parked()
    assert (parked.reference, parked.reason, parked.attempts) == ("123456", "refused:unknown", 3)
    assert outbox.handled("123456") and outbox.pending_count() == 0
