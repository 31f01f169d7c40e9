"""12345 reports left on this kiosk while the dialogue service could not be reached.

Each report waits here (SQLite, synchronous writes, secure delete) until the service is back;
then it is delivered through the same conversation a resident would have had (the kiosk
never calls the portal itself), under a conversation id fixed per report, so a delivery
that breaks off and is tried again becomes the same case, not a second one. A delivered
report is deleted at once: the phone number does not stay on the kiosk.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ContextManager, List

from common.background import BackgroundLoop
from common.durable import durable_sqlite
from kiosk.dialogue_client import DialogueClient, DialogueUnavailable, Reply

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    description TEXT NOT NULL,
    place TEXT NOT NULL,
    district TEXT NOT NULL,
    phone TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL DEFAULT 0
)
"""


@dataclass(frozen=True)
class WaitingReport:
    id: int
    token: str
    description: str
    place: str
    district: str
    phone: str

    @property
    def reference(self) -> str:
        return f"K{self.id:04d}"


class DeliveryFailed(RuntimeError):
    pass


class ReportOutbox:
    def __init__(self, path: Path, max_delay: float = 300.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.max_delay = max_delay
        with self._db() as db:
            db.execute(SCHEMA)

    def _db(self) -> ContextManager[sqlite3.Connection]:
        return durable_sqlite(self.path)

    def keep(self, description: str, place: str, district: str, phone: str) -> WaitingReport:
        token = uuid.uuid4().hex
        with self._db() as db:
            cursor = db.execute("INSERT INTO reports (token, created_at, description, place, district, phone) "
                                "VALUES (?, ?, ?, ?, ?, ?)", (token, time.time(), description, place, district, phone))
            return WaitingReport(int(cursor.lastrowid), token, description, place, district, phone)

    def waiting(self, due_only: bool = False) -> List[WaitingReport]:
        query = "SELECT id, token, description, place, district, phone FROM reports"
        params: tuple = ()
        if due_only:
            query += " WHERE next_attempt <= ?"
            params = (time.time(),)
        with self._db() as db:
            return [WaitingReport(*row) for row in db.execute(query + " ORDER BY id", params).fetchall()]

    def delivered(self, report: WaitingReport) -> None:
        with self._db() as db:
            db.execute("DELETE FROM reports WHERE id=?", (report.id,))

    def postpone(self, report: WaitingReport) -> None:
        with self._db() as db:
            attempts = db.execute("SELECT attempts FROM reports WHERE id=?", (report.id,)).fetchone()[0] + 1
            delay = min(self.max_delay, 5.0 * 2 ** (attempts - 1))
            db.execute("UPDATE reports SET attempts=?, next_attempt=? WHERE id=?",
                       (attempts, time.time() + delay, report.id))


def deliver(client: DialogueClient, report: WaitingReport) -> str:
    """Walk the 12345 conversation for a stored report; return the case number (or the
    central service's own outbox reference). Raises DeliveryFailed or DialogueUnavailable."""
    client.sender_id = f"{client.kiosk_id}-outbox-{report.token}"
    client.forget(client.sender_id)  # a delivery that broke off earlier starts again cleanly

    def step(message: str, expected: Callable[[Reply], bool], what: str) -> Reply:
        reply = client.send(message)
        if not expected(reply):
            raise DeliveryFailed(f"{what} not asked where expected")
        return reply

    try:
        step("/hotline_report", lambda r: r.input_kind == "free_speech", "the description")
        step(report.description, lambda r: "在哪里" in r.text, "the place")
        reply = step(report.place, lambda r: bool(r.buttons), "the district")
        button = next((b for b in reply.buttons if b.title == report.district), reply.buttons[0])
        step(button.payload, lambda r: r.input_kind == "phone", "the phone number")
        step(f"/inform{json.dumps({'phone_number': report.phone})}",
             lambda r: r.input_kind == "yes_no", "the read-back")
        reply = step("/affirm", lambda r: bool(r.result), "the case number")
        return str(reply.result.get("value", "")).replace(" ", "")
    finally:
        client.forget(client.sender_id)


class OutboxSender:
    """A background thread that delivers waiting reports whenever the service answers."""

    def __init__(self, outbox: ReportOutbox, client: DialogueClient, interval: float = 15.0) -> None:
        self.outbox = outbox
        self.client = client
        self._loop = BackgroundLoop("report-outbox", self.send_due, interval)

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()

    def send_due(self) -> int:
        sent = 0
        for report in self.outbox.waiting(due_only=True):
            try:
                case = deliver(self.client, report)
            except (DialogueUnavailable, DeliveryFailed) as error:
                logger.warning("report %s still waiting: %s", report.reference, error)
                self.outbox.postpone(report)
                break  # the service is away or confused: try the rest later
            self.outbox.delivered(report)
            sent += 1
            logger.info("report %s delivered (case %s)", report.reference, case)
        return sent
