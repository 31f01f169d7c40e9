"""Back-off after wrong passwords, per account and per address.

A few mistakes are free; after that each further failure doubles the wait, up to a cap, so
guessing a volunteer's password from the desk's network takes years instead of minutes.
Counting per address as well stops one machine from trying a little against every account.
Failures are kept in the database (a restart does not forget them) and forgotten after a
quiet spell; a correct password clears the account's count, never the address's (or one
valid account would reset an attacker's address). Attempts still being checked count
against the limit too, so parallel guesses cannot slip past it.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass
from typing import List, Optional

from console.store import Store

SUBJECT_CHARS = 80


@dataclass(frozen=True)
class Backoff:
    free_failures: int
    first_wait_seconds: float
    max_wait_seconds: float

    def wait_after(self, failures: int) -> float:
        """Seconds to wait after this many failures in a row."""
        if failures < self.free_failures:
            return 0.0
        doublings = min(failures - self.free_failures, 32)
        return min(self.max_wait_seconds, self.first_wait_seconds * 2 ** doublings)


def account_subject(username: str) -> str:
    return f"user:{username.strip().casefold()}"[:SUBJECT_CHARS]


def wait_words(seconds: float) -> str:
    """'30 秒', '4 分钟': how long, as a person would say it (rounded up)."""
    if seconds <= 60:
        return f"{max(1, math.ceil(seconds))} 秒"
    return f"{math.ceil(seconds / 60)} 分钟"


class LoginThrottle:
    def __init__(self, store: Store, per_account: Backoff, per_address: Backoff,
                 forget_after_seconds: float = 6 * 3600) -> None:
        self.store = store
        self.per_account = per_account
        self.per_address = per_address
        self.forget_after_seconds = forget_after_seconds
        self._checking: Counter = Counter()  # attempts whose password is being checked now

    def _subjects(self, username: str, address: str) -> List[tuple]:
        return [(account_subject(username), self.per_account),
                (f"addr:{address}"[:SUBJECT_CHARS], self.per_address)]

    def _failures(self, subject: str, now: float) -> tuple:
        with self.store.db() as db:
            row = db.execute("SELECT failures, last_failure FROM login_failures WHERE subject=?",
                             (subject,)).fetchone()
        if row is None or now - row["last_failure"] > self.forget_after_seconds:
            return 0, 0.0
        return int(row["failures"]), float(row["last_failure"])

    def begin(self, username: str, address: str) -> Optional[float]:
        """Seconds still to wait, or None: the attempt may go ahead (and `end` must follow).

        Runs on the event loop without awaiting, so no other attempt interleaves between
        the check and the count of attempts in progress."""
        now = time.time()
        subjects = self._subjects(username, address)
        wait = 0.0
        for subject, backoff in subjects:
            failures, last = self._failures(subject, now)
            wait = max(wait, last + backoff.wait_after(failures) - now)
            checking = self._checking[subject]
            if checking and backoff.wait_after(failures + checking):
                wait = max(wait, backoff.wait_after(failures + checking))
        if wait > 0:
            return wait
        for subject, _backoff in subjects:
            self._checking[subject] += 1
        return None

    def end(self, username: str, address: str, succeeded: bool) -> float:
        """Record the outcome; the wait this failure starts (0 when none)."""
        now = time.time()
        subjects = self._subjects(username, address)
        for subject, _backoff in subjects:
            self._checking[subject] -= 1
            if self._checking[subject] <= 0:
                del self._checking[subject]
        if succeeded:
            with self.store.db() as db:
                db.execute("DELETE FROM login_failures WHERE subject=?", (subjects[0][0],))
            return 0.0
        wait = 0.0
        for subject, backoff in subjects:
            failures = self._failures(subject, now)[0] + 1
            with self.store.db() as db:
                db.execute("INSERT INTO login_failures VALUES (?, ?, ?) ON CONFLICT (subject) DO UPDATE "
                           "SET failures=excluded.failures, last_failure=excluded.last_failure",
                           (subject, failures, now))
            wait = max(wait, backoff.wait_after(failures))
        return wait

    def forget_old(self) -> None:
        """Failures from long ago are of no use to anyone; names typed by strangers go too."""
        with self.store.db() as db:
            db.execute("DELETE FROM login_failures WHERE last_failure < ?", (time.time() - self.forget_after_seconds,))
