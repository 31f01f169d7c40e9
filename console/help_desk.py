"""Help requests, from a kiosk's call to the volunteer who closes it.

One volunteer claims a request and from then on only that volunteer may type into the
resident's conversation or close it, so two people never act for the same resident at once.
Staff may take a request over; who took it from whom, and when, is kept with it and shown.
A request holds the resident's last (masked) lines, so it is deleted as soon as it is done,
and an open one after the retention limit: only anonymous counts per day and kiosk remain.
"""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any, Dict, List, Optional, Sequence

from common.masking import redact
from console.store import Store

LINES_KEPT = 6
LINE_CHARS = 200


class Refused(Exception):
    """Why a volunteer may not do this, as a plain sentence the page shows them."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


GONE = "这个求助已经办好了，或者已经不在了。"
COLUMNS = "h.*, COALESCE(c.check_id, '') AS identity_check"
WITH_CHECK = "LEFT JOIN help_identity_checks c ON c.request_id = h.id"


class HelpDesk:
    def __init__(self, store: Store, retention_seconds: float) -> None:
        self.store = store
        self.retention_seconds = retention_seconds

    def raise_help(self, kiosk_id: str, errand: str, step: str, transcript: Sequence[str],
                   identity_check: str = "") -> int:
        """A new request; with `identity_check`, the resident waits for staff to check their
        card in person (the portal's check id)."""
        # Kiosks send masked lines already; masking again costs nothing and guards against a bug.
        lines = [redact(line)[:LINE_CHARS] for line in transcript][-LINES_KEPT:]
        with self.store.db() as db:
            row = db.execute("INSERT INTO help_requests (kiosk_id, created_at, errand, step, transcript) "
                             "VALUES (?, ?, ?, ?, ?) RETURNING id",
                             (kiosk_id, time.time(), redact(errand)[:40], redact(step)[:40],
                              json.dumps(lines, ensure_ascii=False))).fetchone()
            if identity_check:
                db.execute("INSERT INTO help_identity_checks VALUES (?, ?)", (row["id"], identity_check[:64]))
            return int(row["id"])

    def requests(self) -> List[Dict[str, Any]]:
        """Open ones first, the longest waiting first."""
        with self.store.db() as db:
            rows = db.execute(f"SELECT {COLUMNS} FROM help_requests h {WITH_CHECK} WHERE status != 'done' "
                              "ORDER BY status = 'claimed', created_at").fetchall()
        return [dict(row, transcript=json.loads(row["transcript"])) for row in rows]

    def request(self, request_id: int) -> Optional[Dict[str, Any]]:
        """A request with its handovers, or None."""
        if not 0 < request_id < 2 ** 63:  # beyond SQLite's integers: no such request
            return None
        with self.store.db() as db:
            row = db.execute(f"SELECT {COLUMNS} FROM help_requests h {WITH_CHECK} WHERE id=? AND status != 'done'",
                             (request_id,)).fetchone()
            if row is None:
                return None
            handovers = db.execute("SELECT from_user, to_user, at FROM help_handovers WHERE request_id=? "
                                   "ORDER BY at", (request_id,)).fetchall()
        return dict(row, transcript=json.loads(row["transcript"]), handovers=[dict(h) for h in handovers])

    def _existing(self, request_id: int) -> Dict[str, Any]:
        row = self.request(request_id)
        if row is None:
            raise Refused(GONE, 404)
        return row

    def claim(self, request_id: int, volunteer: str) -> Dict[str, Any]:
        """Claim an open request; the kiosk is told someone is coming."""
        if self.request(request_id) is None:
            raise Refused(GONE, 404)
        with self.store.db() as db:
            claimed = db.execute("UPDATE help_requests SET status='claimed', claimed_by=?, claimed_at=? "
                                 "WHERE id=? AND status='open'", (volunteer, time.time(), request_id)).rowcount
        row = self._existing(request_id)
        if row["claimed_by"] != volunteer:
            raise Refused(f"{row['claimed_by']} 已经在帮这位居民了。", 409)
        if claimed:
            self.store.send_to_kiosk(row["kiosk_id"], {"type": "claimed", "request_id": request_id})
        return row

    def take_over(self, request_id: int, staff: str) -> Dict[str, Any]:
        """Staff take a claimed request from whoever has it; recorded with the time."""
        row = self._existing(request_id)
        if row["status"] == "open":
            return self.claim(request_id, staff)
        previous = row["claimed_by"]
        if previous == staff:
            return row
        now = time.time()
        with self.store.db() as db:
            changed = db.execute("UPDATE help_requests SET claimed_by=?, claimed_at=? WHERE id=? AND claimed_by=?",
                                 (staff, now, request_id, previous)).rowcount
            if changed:
                db.execute("INSERT INTO help_handovers VALUES (?, ?, ?, ?)", (request_id, previous, staff, now))
        if not changed:
            raise Refused("刚才有人改了这个求助，请刷新页面再看。", 409)
        return self._existing(request_id)

    def claimed_by(self, request_id: int, volunteer: str, is_staff: bool = False) -> Dict[str, Any]:
        """The request, when `volunteer` is the one who has it; otherwise why not."""
        row = self._existing(request_id)
        if row["status"] == "open":
            raise Refused("请先点“我去帮忙”接下这个求助。")
        if row["claimed_by"] != volunteer:
            who = row["claimed_by"]
            hint = "您是工作人员，可以先点“接手”。" if is_staff else ""
            raise Refused(f"这个求助由 {who} 在帮忙，只有 {who} 能输入或结束它。{hint}")
        return row

    def finish(self, request_id: int, volunteer: str, is_staff: bool = False) -> None:
        """Done: deleted with its lines and handovers; one more in the day's count."""
        row = self.claimed_by(request_id, volunteer, is_staff)
        with self.store.db() as db:
            self._forget(db, row, "done")
        self.store.checkpoint()  # the lines are gone from the log file too, not only from the table

    def purge(self, now: Optional[float] = None) -> int:
        """Delete requests past the retention limit (and any left marked done); counted."""
        cutoff = (now or time.time()) - self.retention_seconds
        with self.store.db() as db:
            rows = db.execute("SELECT * FROM help_requests WHERE created_at < ? OR status = 'done'",
                              (cutoff,)).fetchall()
            for row in rows:
                self._forget(db, dict(row), "done" if row["status"] == "done" else "expired")
        if rows:
            self.store.checkpoint()
        return len(rows)

    @staticmethod
    def _forget(db: Any, row: Dict[str, Any], outcome: str) -> None:
        # The wait counts only for requests someone came to: how long until a volunteer claimed it.
        claimed = row.get("claimed_at") is not None
        waited = max(0.0, row["claimed_at"] - row["created_at"]) if claimed else 0.0
        db.execute("INSERT INTO help_tallies VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (day, kiosk_id, outcome) DO UPDATE "
                   "SET requests = help_tallies.requests + 1, claimed = help_tallies.claimed + excluded.claimed, "
                   "wait_seconds = help_tallies.wait_seconds + excluded.wait_seconds",
                   (date.fromtimestamp(row["created_at"]).isoformat(), row["kiosk_id"], outcome, int(claimed), waited))
        db.execute("DELETE FROM help_handovers WHERE request_id=?", (row["id"],))
        db.execute("DELETE FROM help_identity_checks WHERE request_id=?", (row["id"],))
        db.execute("DELETE FROM help_requests WHERE id=?", (row["id"],))
