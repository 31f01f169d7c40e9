"""How often the ways in may be tried, per identity number and per kiosk: every number in one
place, and the counting behind them.

Why these limits: a one-time code is six digits and a staff check calls a person over, so
without limits a stranger with a neighbour's identity number (printed on many forms) could
guess codes or flood the centre. Everything is counted by the identity number as it was sent,
resident or not, so a limit reached never tells a stranger whether a number belongs to
somebody; and per kiosk, so one machine cannot be used to try many numbers.

Windows slide: a Retry-After says when enough of the counted events have aged out for one
more to be allowed. Numbers are counted under a hash, so this table holds no identity number.

The guided lessons' practice residents (config/practice_residents.yml) are neither limited nor
counted: they are fictional and public, and every learner of a class uses them in turn, so a
limit on them would stop the fourth learner of a session (or the one who mistyped a code three
times), and a class counted against the kiosk would use up its allowance for the real residents
who come after. A kiosk already paused stays paused for them too.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from typing import FrozenSet, Iterable

from common.lessons import practice_residents
from portal.sandbox.replies import ContractError

MINUTE, HOUR, DAY = 60, 3600, 24 * 3600

TOKEN_SECONDS = 10 * MINUTE  # a resident token's life (X-Resident-Token)
CODE_SECONDS = 5 * MINUTE  # a one-time code's life
CODE_DIGITS = 6
RESEND_SECONDS = MINUTE  # the least time between two codes for one number
FAILURES_PER_CODE = 3  # wrong codes for one number before its code is void and it is locked
LOCK_SECONDS = 15 * MINUTE  # how long that lock lasts
STAFF_CHECK_SECONDS = 10 * MINUTE  # how long a staff check waits for a person


@dataclass(frozen=True)
class Limit:
    """At most `count` events of kind `event` per `scope` within `window` seconds."""

    event: str  # "code_sent" | "failure" | "card_failure" | "staff_check"
    scope: str  # "number" | "kiosk"
    count: int
    window: int
    code: str  # the error code a 429 carries (the dialogue has plain words for each)


CODES_PER_NUMBER = Limit("code_sent", "number", 3, 15 * MINUTE, "too_many_codes")
CODES_PER_KIOSK = Limit("code_sent", "kiosk", 20, HOUR, "kiosk_limit")
FAILURES_PER_NUMBER = Limit("failure", "number", 10, DAY, "too_many_attempts")  # failures of any way in
CARD_FAILURES_PER_NUMBER = Limit("card_failure", "number", 10, DAY, "too_many_attempts")
FAILURES_PER_KIOSK = Limit("failure", "kiosk", 30, HOUR, "kiosk_limit")
CHECKS_PER_NUMBER = Limit("staff_check", "number", 3, HOUR, "too_many_checks")
CHECKS_PER_KIOSK = Limit("staff_check", "kiosk", 10, HOUR, "kiosk_limit")

# What each way in checks before it does anything. The card only minds wrong cards for its
# number: wrong codes typed by a stranger (anyone can type a number) must not lock a resident
# out of the strongest way in, which needs the card on a kiosk's reader.
CARD_LIMITS = (FAILURES_PER_KIOSK, CARD_FAILURES_PER_NUMBER)
VERIFY_LIMITS = (FAILURES_PER_KIOSK, FAILURES_PER_NUMBER)
SEND_LIMITS = (CODES_PER_KIOSK, CODES_PER_NUMBER, FAILURES_PER_NUMBER)
CHECK_LIMITS = (CHECKS_PER_KIOSK, CHECKS_PER_NUMBER)

_LONGEST_WINDOW = max(limit.window for limit in (CODES_PER_NUMBER, CODES_PER_KIOSK, FAILURES_PER_NUMBER,
                                                  CARD_FAILURES_PER_NUMBER, FAILURES_PER_KIOSK, CHECKS_PER_NUMBER,
                                                  CHECKS_PER_KIOSK))


def number_subject(number: str) -> str:
    """The key a number is counted under (a hash: the counts hold no identity numbers)."""
    return "n:" + hashlib.sha256(number.encode("ascii", "replace")).hexdigest()[:32]


@lru_cache(maxsize=1)
def _practice_numbers() -> FrozenSet[str]:
    return frozenset(resident.id_number for resident in practice_residents().values())


def practised(number: str) -> bool:
    """A lesson's fictional resident: counted by no limit (see the module's docstring)."""
    return number in _practice_numbers()


def _subject(scope: str, number: str, kiosk: str) -> str:
    return number_subject(number) if scope == "number" else "k:" + kiosk


def retry_after(seconds: float) -> int:
    """Whole seconds, never 0 (a 429 with Retry-After 0 would invite an immediate retry)."""
    return max(1, math.ceil(seconds))


def check(db: sqlite3.Connection, limits: Iterable[Limit], number: str, kiosk: str, now: float,
          with_lock: bool = False) -> None:
    """Raise the 429 of the first limit already reached: the kiosk's first (they say nothing
    about the number), then the number's code lock when asked, then the number's limits."""
    if practised(number):  # a kiosk paused for everyone stays paused for a lesson too
        limits, with_lock = [limit for limit in limits if limit.scope == "kiosk"], False
    ordered = sorted(limits, key=lambda limit: limit.scope != "kiosk")
    for limit in ordered:
        if with_lock and limit.scope == "number":
            with_lock = False
            check_lock(db, number, now)
        times = [row[0] for row in db.execute(
            "SELECT at FROM limit_events WHERE event=? AND subject=? AND at>? ORDER BY at",
            (limit.event, _subject(limit.scope, number, kiosk), now - limit.window))]
        if len(times) >= limit.count:
            wait = times[len(times) - limit.count] + limit.window - now
            raise ContractError(429, limit.code, f"limit reached: {limit.count} per {limit.scope} "
                                f"per {limit.window // 60} minutes", retry_after=retry_after(wait))
    if with_lock:
        check_lock(db, number, now)


def record(db: sqlite3.Connection, event: str, number: str, kiosk: str, now: float) -> None:
    """Count one event for the number and for the kiosk (inside the caller's transaction)."""
    if practised(number):
        return
    db.execute("DELETE FROM limit_events WHERE at<?", (now - _LONGEST_WINDOW,))
    db.executemany("INSERT INTO limit_events (event, subject, at) VALUES (?, ?, ?)",
                   [(event, number_subject(number), now), (event, "k:" + kiosk, now)])


def lock(db: sqlite3.Connection, number: str, now: float) -> None:
    """Pause code verification for the number (after FAILURES_PER_CODE wrong codes)."""
    if practised(number):
        return
    db.execute("INSERT OR REPLACE INTO identity_locks VALUES (?, ?)", (number_subject(number), now + LOCK_SECONDS))


def check_lock(db: sqlite3.Connection, number: str, now: float) -> None:
    row = db.execute("SELECT locked_until FROM identity_locks WHERE subject=?", (number_subject(number),)).fetchone()
    if row is not None and row[0] > now:
        raise ContractError(429, "too_many_attempts", "too many wrong codes for this number; try later",
                            retry_after=retry_after(row[0] - now), attempts_left=0)
