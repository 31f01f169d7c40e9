"""One key per kiosk, so a kiosk speaks only for itself.

`python main.py add-kiosk KIOSK_ID` makes a random key, stores its SHA-256 and prints the key
once; the centre puts it in that kiosk's environment (ELDER_CONSOLE_KIOSK_KEY). Running it
again for the same kiosk replaces the key: the old one stops working (a lost or stolen kiosk).
A key opens only the API routes with its own kiosk id in the URL, so one kiosk cannot raise
help or set the status of another.

The embedded set-up (everything on one machine) needs no manual step: the console accepts
the local kiosk (kiosk.kiosk_id) with the key the supervisor put in both environments. That
key is held in memory only, for this run; in a fleet there is no local kiosk at all.
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from typing import List, Optional, Tuple

from console.store import Store, digest

KIOSK_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class KioskKeys:
    def __init__(self, store: Store, local: Optional[Tuple[str, str]] = None) -> None:
        self.store = store
        self._local = (local[0], digest(local[1])) if local else None

    def add(self, kiosk_id: str) -> str:
        """A new key for this kiosk (replacing any other); only its hash is stored."""
        if not KIOSK_ID.match(kiosk_id):
            raise ValueError("a kiosk id has 1 to 64 letters, digits, '.', '_' or '-'")
        key = secrets.token_urlsafe(32)
        with self.store.db() as db:
            db.execute("INSERT INTO kiosk_keys VALUES (?, ?, ?) ON CONFLICT (kiosk_id) DO UPDATE "
                       "SET key_hash=excluded.key_hash, created_at=excluded.created_at",
                       (kiosk_id, digest(key), time.time()))
        return key

    def remove(self, kiosk_id: str) -> bool:
        with self.store.db() as db:
            return bool(db.execute("DELETE FROM kiosk_keys WHERE kiosk_id=?", (kiosk_id,)).rowcount)

    def allows(self, kiosk_id: str, key: str) -> bool:
        """True when `key` is this kiosk's own key."""
        if not key or not KIOSK_ID.match(kiosk_id):
            return False
        supplied = digest(key)
        if self._local and self._local[0] == kiosk_id and hmac.compare_digest(self._local[1], supplied):
            return True
        with self.store.db() as db:
            row = db.execute("SELECT key_hash FROM kiosk_keys WHERE kiosk_id=?", (kiosk_id,)).fetchone()
        return row is not None and hmac.compare_digest(row["key_hash"], supplied)

    def registered(self) -> List[str]:
        with self.store.db() as db:
            rows = db.execute("SELECT kiosk_id FROM kiosk_keys ORDER BY kiosk_id").fetchall()
        return [row["kiosk_id"] for row in rows]
