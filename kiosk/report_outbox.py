"""12345 reports left on this kiosk while the dialogue service could not be reached.

Each report waits here (`common.durable`: on disk once committed, overwritten once deleted,
0600) until the service is back; then it is delivered through the same conversation a
resident would have had (`kiosk.report_delivery`; the kiosk never calls the portal itself),
under a conversation id fixed per report, so a delivery that breaks off and is tried again
becomes the same case, not a second one. A delivered report is deleted at once: the phone
number does not stay.

Each report is tried on its own, so one that fails never holds back the ones behind it.
The service being away is nobody's fault: such reports wait (backoff up to five minutes)
for as long as it takes, and staff hear of one still waiting after a day. A delivery the
service answers but that goes wrong (an answer not accepted, a question out of place) is
tried a few times over at least an hour (a central service half up for a while parks
nothing), then *parked*: kept, with its phone number (needed to deliver or act on it), and
told to staff as a help request through the help queue, which the console link already
carries to the centre's help desk; the reminder repeats daily while it stays parked. Staff
then send it again (`retry`) or, once they dealt with it by hand, remove it (`handled`).
"""

from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import ContextManager, List, Optional

from common.background import BackgroundLoop
from common.durable import durable_sqlite
from common.masking import last_four
from kiosk.dialogue_client import DialogueClient, DialogueUnavailable
from kiosk.help_queue import HelpQueue
from kiosk.report_delivery import DeliveryFailed, deliver

__all__ = ["DeliveryFailed", "OutboxSender", "ReportOutbox", "WaitingReport", "deliver"]

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
    next_attempt REAL NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'waiting',
    reason TEXT NOT NULL DEFAULT '',
    failures INTEGER NOT NULL DEFAULT 0,
    first_failed_at REAL NOT NULL DEFAULT 0,
    alerted_at REAL NOT NULL DEFAULT 0
)
"""
# Files written before parking existed get the new columns.
_NEW_COLUMNS = {"status": "TEXT NOT NULL DEFAULT 'waiting'", "reason": "TEXT NOT NULL DEFAULT ''",
                "failures": "INTEGER NOT NULL DEFAULT 0", "first_failed_at": "REAL NOT NULL DEFAULT 0",
                "alerted_at": "REAL NOT NULL DEFAULT 0"}
_FIELDS = "id, token, description, place, district, phone, status, reason"

MAX_FAILURES = 3  # deliveries gone wrong before a report is parked, and over at least
PARK_AFTER_SECONDS = 3600.0  # this long: a central service half up for a while parks nothing
LONG_WAIT_SECONDS = 24 * 3600  # staff hear of a report still waiting for the service
REMIND_SECONDS = 24 * 3600  # and again of one still parked
AWAY_IN_A_ROW = 2  # the service unreachable for this many reports in a row: away for all


@dataclass(frozen=True)
class WaitingReport:
    id: int
    token: str
    description: str
    place: str
    district: str
    phone: str
    status: str = "waiting"
    reason: str = ""

    @property
    def reference(self) -> str:
        return f"K{self.id:04d}"


def _report_id(reference: str) -> Optional[int]:
    text = reference.strip().upper().removeprefix("K")
    return int(text) if text.isdigit() else None


class ReportOutbox:
    def __init__(self, path: Path, max_delay: float = 300.0, max_failures: int = MAX_FAILURES,
                 park_after: float = PARK_AFTER_SECONDS) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.max_delay = max_delay
        self.max_failures = max_failures
        self.park_after = park_after
        with self._db() as db:
            db.execute(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(reports)")}
            for name, definition in _NEW_COLUMNS.items():
                if name not in columns:
                    db.execute(f"ALTER TABLE reports ADD COLUMN {name} {definition}")

    def _db(self) -> ContextManager[sqlite3.Connection]:
        return durable_sqlite(self.path)

    def keep(self, description: str, place: str, district: str, phone: str) -> WaitingReport:
        token = uuid.uuid4().hex
        with self._db() as db:
            cursor = db.execute("INSERT INTO reports (token, created_at, description, place, district, phone) "
                                "VALUES (?, ?, ?, ?, ?, ?)", (token, time.time(), description, place, district, phone))
            return WaitingReport(int(cursor.lastrowid), token, description, place, district, phone)

    def waiting(self, due_only: bool = False) -> List[WaitingReport]:
        """Reports still to be delivered (not the parked ones), oldest first."""
        query, params = f"SELECT {_FIELDS} FROM reports WHERE status='waiting'", ()
        if due_only:
            query, params = query + " AND next_attempt <= ?", (time.time(),)
        with self._db() as db:
            return [WaitingReport(*row) for row in db.execute(query + " ORDER BY id", params).fetchall()]

    def parked(self) -> List[WaitingReport]:
        with self._db() as db:
            rows = db.execute(f"SELECT {_FIELDS} FROM reports WHERE status='parked' ORDER BY id").fetchall()
        return [WaitingReport(*row) for row in rows]

    def delivered(self, report: WaitingReport) -> None:
        with self._db() as db:
            db.execute("DELETE FROM reports WHERE id=?", (report.id,))

    def postpone(self, report: WaitingReport) -> None:
        """The service could not be reached: try again later, however long it takes."""
        with self._db() as db:
            attempts = db.execute("SELECT attempts FROM reports WHERE id=?", (report.id,)).fetchone()[0] + 1
            delay = min(self.max_delay, 5.0 * 2 ** (attempts - 1))
            db.execute("UPDATE reports SET attempts=?, next_attempt=? WHERE id=?",
                       (attempts, time.time() + delay, report.id))

    def failed(self, report: WaitingReport, reason: str) -> bool:
        """The service answered but the delivery went wrong; True when the report is now parked."""
        self.postpone(report)
        now = time.time()
        with self._db() as db:
            db.execute("UPDATE reports SET failures=failures+1, reason=?, first_failed_at=CASE first_failed_at "
                       "WHEN 0 THEN ? ELSE first_failed_at END WHERE id=?", (reason[:200], now, report.id))
            parked = db.execute("UPDATE reports SET status='parked', alerted_at=0 WHERE id=? AND failures>=? "
                                "AND first_failed_at<=?",
                                (report.id, self.max_failures, now - self.park_after)).rowcount
        if parked:
            logger.error("report %s parked for staff: %s", report.reference, reason)
        return bool(parked)

    def retry(self, reference: str) -> bool:
        """Staff: deliver a parked report again now, with a fresh count of failures."""
        with self._db() as db:
            return bool(db.execute("UPDATE reports SET status='waiting', failures=0, first_failed_at=0, attempts=0, "
                                   "next_attempt=0, alerted_at=0 WHERE id=? AND status='parked'",
                                   (_report_id(reference),)).rowcount)

    def handled(self, reference: str) -> bool:
        """Staff dealt with a parked report by hand: it and its phone number go."""
        with self._db() as db:
            return bool(db.execute("DELETE FROM reports WHERE id=? AND status='parked'",
                                   (_report_id(reference),)).rowcount)

    def to_tell_staff(self) -> List[WaitingReport]:
        """Parked reports staff have not heard of today, and reports waiting for over a day."""
        now = time.time()
        with self._db() as db:
            rows = db.execute(f"SELECT {_FIELDS} FROM reports WHERE (status='parked' AND alerted_at<?) "
                              "OR (status='waiting' AND created_at<? AND alerted_at=0) ORDER BY id",
                              (now - REMIND_SECONDS, now - LONG_WAIT_SECONDS)).fetchall()
        return [WaitingReport(*row) for row in rows]

    def told_staff(self, report: WaitingReport) -> None:
        with self._db() as db:
            db.execute("UPDATE reports SET alerted_at=? WHERE id=?", (time.time(), report.id))


class OutboxSender:
    """A background thread that delivers waiting reports whenever the service answers."""

    def __init__(self, outbox: ReportOutbox, client: DialogueClient, interval: float = 15.0,
                 help_queue: Optional[HelpQueue] = None) -> None:
        self.outbox = outbox
        self.client = client
        self.help_queue = help_queue
        self._loop = BackgroundLoop("report-outbox", self.send_due, interval)

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()

    def send_due(self) -> int:
        """One round over every due report; returns how many were delivered."""
        sent = away = 0
        for report in self.outbox.waiting(due_only=True):
            try:
                case = deliver(self.client, report)
            except DialogueUnavailable as error:
                logger.warning("report %s still waiting: %s", report.reference, type(error).__name__)
                self.outbox.postpone(report)
                away += 1
                if away >= AWAY_IN_A_ROW:
                    break  # the service is away for every report: the rest next round
                continue
            except DeliveryFailed as error:
                away = 0
                logger.warning("report %s not delivered: %s", report.reference, error)
                self.outbox.failed(report, str(error))
                continue
            away = 0
            self.outbox.delivered(report)
            sent += 1
            logger.info("report %s delivered (case %s)", report.reference, case)
        self.tell_staff()
        return sent

    def tell_staff(self) -> None:
        """A help request for each report staff should know of (masked, like every request)."""
        if self.help_queue is None:
            return
        for report in self.outbox.to_tell_staff():
            if report.status == "parked":
                lines = [f"12345反映 {report.reference} 自动提交了几次都没成功，请工作人员处理。",  # not spoken
                         f"（{report.reason}）"]
            else:
                lines = [f"12345反映 {report.reference} 等了一天多，还没能提交（连不上服务中心）。"]  # not spoken
            lines += [f"问题：{report.description}", f"地点：{report.place}，{report.district}",
                      f"联系电话尾号{last_four(report.phone)}"]
            self.help_queue.raise_request(self.client.kiosk_id, "12345反映未能提交", "hotline_report", lines)
            self.outbox.told_staff(report)
