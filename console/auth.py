"""Accounts for volunteers and staff: PBKDF2 password hashes (common/hashing.py), sessions that
expire, and a CSRF token per session that every form must send back.

PBKDF2 is slow on purpose (~0.1 s), so it runs in a small thread pool: a burst of logins
then waits its turn there instead of stalling every page on the event loop. An unknown name
costs the same hashing as a known one, so timing does not tell who has an account. The
database keeps only SHA-256 hashes of session tokens: a copy of it opens no session.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from common.hashing import check_secret, hash_secret
from console.store import Store, digest
from console.throttle import LoginThrottle, account_subject

ROLES = ("volunteer", "staff")
HASHING_THREADS = 2  # the reference desk machine has two cores
USERNAME_CHARS = 64
PASSWORD_CHARS = 1024  # PBKDF2 hashes the whole password: no megabyte-long ones


@dataclass(frozen=True)
class Session:
    token: str
    username: str
    role: str
    csrf: str


@dataclass(frozen=True)
class LoginOutcome:
    """A session, or none; `wait_seconds` > 0 when the visitor must wait before trying again
    (refused unchecked, or this failure started a wait)."""

    session: Optional[Session] = None
    wait_seconds: float = 0.0


@lru_cache(maxsize=1)
def _unknown_user_hash() -> str:
    """What an unknown name's password is checked against: the same work, never a match."""
    return hash_secret(secrets.token_urlsafe(24))


class Accounts:
    def __init__(self, store: Store, idle_seconds: float, max_seconds: float,
                 throttle: Optional[LoginThrottle] = None) -> None:
        self.store = store
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self.throttle = throttle
        self._hashing = ThreadPoolExecutor(HASHING_THREADS, thread_name_prefix="password-hash")

    def add_user(self, username: str, role: str, password: str) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        if len(password) < 8:
            raise ValueError("a password needs at least 8 characters")
        if not 0 < len(username) <= USERNAME_CHARS:
            raise ValueError(f"a user name has 1 to {USERNAME_CHARS} characters")
        with self.store.db() as db:
            db.execute("INSERT INTO users VALUES (?, ?, ?) ON CONFLICT (username) DO UPDATE "
                       "SET role=excluded.role, password_hash=excluded.password_hash",
                       (username, role, hash_secret(password)))
            # A new password starts with a clean slate.
            db.execute("DELETE FROM login_failures WHERE subject=?", (account_subject(username),))

    def _check_password(self, username: str, password: str) -> Optional[str]:
        """The account's role when the password is right (in a pool thread)."""
        with self.store.db() as db:
            row = db.execute("SELECT role, password_hash FROM users WHERE username=?", (username,)).fetchone()
        stored = row["password_hash"] if row else _unknown_user_hash()
        matches = check_secret(password, stored)
        return row["role"] if row is not None and matches else None

    async def warm_up(self) -> None:
        """Make the unknown-name stand-in hash now: the first unknown name would otherwise pay
        for it, a timing hint."""
        await asyncio.get_running_loop().run_in_executor(self._hashing, _unknown_user_hash)

    async def log_in(self, username: str, password: str, address: str = "") -> LoginOutcome:
        username, password = username[:USERNAME_CHARS + 1], password[:PASSWORD_CHARS]
        throttle = self.throttle
        if throttle is not None:
            wait = throttle.begin(username, address)
            if wait is not None:
                return LoginOutcome(wait_seconds=wait)
        role: Optional[str] = None
        try:
            if len(username) <= USERNAME_CHARS:
                loop = asyncio.get_running_loop()
                role = await loop.run_in_executor(self._hashing, self._check_password, username, password)
        finally:
            wait = throttle.end(username, address, succeeded=role is not None) if throttle is not None else 0.0
        if role is None:
            return LoginOutcome(wait_seconds=wait)
        return LoginOutcome(session=self._new_session(username, role))

    def _new_session(self, username: str, role: str) -> Session:
        session = Session(secrets.token_urlsafe(32), username, role, secrets.token_urlsafe(32))
        now = time.time()
        with self.store.db() as db:
            db.execute("DELETE FROM sessions WHERE last_seen < ?", (now - self.idle_seconds,))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                       (digest(session.token), username, session.csrf, now, now))
        return session

    def session(self, token: Optional[str]) -> Optional[Session]:
        """The live session for a cookie, refreshed; None when unknown or expired."""
        if not token:
            return None
        hashed, now = digest(token), time.time()
        with self.store.db() as db:
            row = db.execute("SELECT s.*, u.role FROM sessions s JOIN users u USING (username) WHERE token=?",
                             (hashed,)).fetchone()
            if row is None:
                return None
            if now - row["last_seen"] > self.idle_seconds or now - row["created_at"] > self.max_seconds:
                db.execute("DELETE FROM sessions WHERE token=?", (hashed,))
                return None
            db.execute("UPDATE sessions SET last_seen=? WHERE token=?", (now, hashed))
        return Session(token, row["username"], row["role"], row["csrf"])

    def log_out(self, token: str) -> None:
        with self.store.db() as db:
            db.execute("DELETE FROM sessions WHERE token=?", (digest(token),))

    def forget_expired(self) -> None:
        with self.store.db() as db:
            db.execute("DELETE FROM sessions WHERE last_seen < ? OR created_at < ?",
                       (time.time() - self.idle_seconds, time.time() - self.max_seconds))
