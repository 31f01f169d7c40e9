"""Accounts for volunteers and staff: PBKDF2 password hashes (common/hashing.py), sessions that expire, and a
CSRF token per session that every form must send back."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Optional

from common.hashing import check_secret, hash_secret
from console.store import Store

ROLES = ("volunteer", "staff")


@dataclass(frozen=True)
class Session:
    token: str
    username: str
    role: str
    csrf: str


class Accounts:
    def __init__(self, store: Store, idle_seconds: float, max_seconds: float) -> None:
        self.store = store
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds

    def add_user(self, username: str, role: str, password: str) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        if len(password) < 8:
            raise ValueError("a password needs at least 8 characters")
        with self.store.db() as db:
            db.execute("INSERT INTO users VALUES (?, ?, ?) ON CONFLICT (username) DO UPDATE "
                       "SET role=excluded.role, password_hash=excluded.password_hash",
                       (username, role, hash_secret(password)))

    def log_in(self, username: str, password: str) -> Optional[Session]:
        with self.store.db() as db:
            row = db.execute("SELECT role, password_hash FROM users WHERE username=?", (username,)).fetchone()
        if row is None:
            hash_secret(password)  # the same work either way: no timing hint about who exists
            return None
        if not check_secret(password, row["password_hash"]):
            return None
        session = Session(secrets.token_urlsafe(32), username, row["role"], secrets.token_urlsafe(32))
        now = time.time()
        with self.store.db() as db:
            db.execute("DELETE FROM sessions WHERE last_seen < ?", (now - self.idle_seconds,))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                       (session.token, username, session.csrf, now, now))
        return session

    def session(self, token: Optional[str]) -> Optional[Session]:
        """The live session for a cookie, refreshed; None when unknown or expired."""
        if not token:
            return None
        now = time.time()
        with self.store.db() as db:
            row = db.execute("SELECT s.*, u.role FROM sessions s JOIN users u USING (username) WHERE token=?",
                             (token,)).fetchone()
            if row is None:
                return None
            if now - row["last_seen"] > self.idle_seconds or now - row["created_at"] > self.max_seconds:
                db.execute("DELETE FROM sessions WHERE token=?", (token,))
                return None
            db.execute("UPDATE sessions SET last_seen=? WHERE token=?", (now, token))
        return Session(token, row["username"], row["role"], row["csrf"])

    def log_out(self, token: str) -> None:
        with self.store.db() as db:
            db.execute("DELETE FROM sessions WHERE token=?", (token,))
