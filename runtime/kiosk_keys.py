"""Per-kiosk credentials for a city fleet's conversation gate.

Every kiosk of a fleet holds a key of its own, issued once on the central machine by
`python main.py fleet add-kiosk KIOSK_ID` and printed once; the central machine keeps only
its SHA-256. A key is 256 random bits, so a fast hash is as strong as a slow one (PBKDF2
protects passwords people choose) and lets the gate check every turn in microseconds.
Issuing a key again for the same kiosk replaces it (a stolen kiosk PC: re-issue or remove).

A key opens only that kiosk's conversations. Conversation ids are `<kiosk_id>-<random>`
(`practice-<kiosk_id>-…` in a guided lesson, kiosk/dialogue_client.py), so ownership is a
prefix. To keep a prefix from naming two kiosks, an id is refused when it, followed by "-",
begins another kiosk's id or the practice prefix (kiosk "a" would otherwise own "a-1-…").
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterator, Optional

from common.kiosk_protocol import PRACTICE_PREFIX
from config import Settings

logger = logging.getLogger(__name__)

KEYS_FILE = "kiosk-keys.json"
KIOSK_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")  # as kiosk.kiosk_id in config/settings.py
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.-]{3,200}$")


class KioskIdRefused(ValueError):
    """The id cannot be given a key; the message says why."""


def keys_file(settings: Settings) -> Path:
    configured = settings.fleet.kiosk_keys_file
    return settings.path(configured) if configured else settings.data_dir / "fleet" / KEYS_FILE


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def read_entries(path: Path) -> Dict[str, Dict[str, str]]:
    """kiosk id -> {"sha256": ..., "issued_at": ...}; an absent file holds no kiosk."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    kiosks = content.get("kiosks") if isinstance(content, dict) else None
    return {str(k): dict(v) for k, v in (kiosks or {}).items() if isinstance(v, dict) and v.get("sha256")}


def _write_entries(path: Path, entries: Dict[str, Dict[str, str]]) -> None:
    """Atomically, mode 600: the gate may read the file at any moment."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"version": 1, "kiosks": entries}, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Two add-kiosk commands at once must not lose one of the keys."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def refusal(kiosk_id: str, others: Dict[str, object]) -> Optional[str]:
    """Why `kiosk_id` cannot have a key next to `others`, or None."""
    if not KIOSK_ID.match(kiosk_id):
        return "a kiosk id is 1-64 letters, digits, '.', '_' or '-'"
    if (kiosk_id + "-").startswith(PRACTICE_PREFIX):
        return f"a kiosk id cannot begin with {PRACTICE_PREFIX!r} (guided lessons' conversations do)"
    for other in others:
        if other != kiosk_id and (other.startswith(kiosk_id + "-") or kiosk_id.startswith(other + "-")):
            return f"{kiosk_id!r} and the existing {other!r}: one id followed by '-' begins the other"
    return None


def issue_key(settings: Settings, kiosk_id: str) -> str:
    """A new key for `kiosk_id` (replacing any earlier one); only its hash is stored."""
    path = keys_file(settings)
    with _locked(path):
        entries = read_entries(path)
        why = refusal(kiosk_id, entries)
        if why:
            raise KioskIdRefused(why)
        key = secrets.token_urlsafe(32)
        entries[kiosk_id] = {"sha256": digest(key),
                             "issued_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        _write_entries(path, entries)
    return key


def revoke_key(settings: Settings, kiosk_id: str) -> bool:
    path = keys_file(settings)
    with _locked(path):
        entries = read_entries(path)
        if entries.pop(kiosk_id, None) is None:
            return False
        _write_entries(path, entries)
    return True


class KioskKeys:
    """The gate's view of the key file. Its stamp is looked at on every request (one stat)
    and the file read again when it changed, so a key issued or removed counts at once,
    without restarting anything."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._by_digest: Dict[str, str] = {}
        self._stamp: Optional[tuple] = None

    def _refresh(self) -> None:
        try:
            info = self.path.stat()
            stamp: Optional[tuple] = (info.st_mtime_ns, info.st_size, info.st_ino)
        except FileNotFoundError:
            stamp = None
        if stamp != self._stamp:
            try:
                entries = read_entries(self.path)
            except (OSError, ValueError, AttributeError) as error:  # a damaged file opens nothing
                logger.error("kiosk keys unreadable (%s): every kiosk refused", type(error).__name__)
                entries = {}
            self._by_digest = {entry["sha256"]: kiosk for kiosk, entry in entries.items()}
            self._stamp = stamp

    def kiosk_for(self, key: str) -> Optional[str]:
        """The kiosk this key belongs to. A dict lookup by the key's hash: timing reveals
        nothing about a key, since nobody can choose what a hash begins with."""
        self._refresh()
        return self._by_digest.get(digest(key)) if key else None

    def owner_of(self, conversation_id: str) -> Optional[str]:
        """The kiosk whose conversation this is: the longest registered id that, with "-",
        begins it (after the practice prefix). None for an id no kiosk owns."""
        self._refresh()
        if not CONVERSATION_ID.match(conversation_id):
            return None
        bare = conversation_id[len(PRACTICE_PREFIX):] if conversation_id.startswith(PRACTICE_PREFIX) \
            else conversation_id
        kiosks = set(self._by_digest.values())
        owner = None
        for position, character in enumerate(bare):
            if character == "-" and position < len(bare) - 1 and bare[:position] in kiosks:
                owner = bare[:position]
        return owner


def kiosk_key_command(settings: Settings, action: str, kiosk_id: Optional[str]) -> int:
    """`fleet add-kiosk ID` prints the new key once; `fleet remove-kiosk ID` revokes it."""
    if not kiosk_id:
        print(f"usage: python main.py fleet {action} KIOSK_ID")
        return 2
    if action == "remove-kiosk":
        removed = revoke_key(settings, kiosk_id)
        print(f"{kiosk_id}: key removed" if removed else f"{kiosk_id} has no key")
        return 0 if removed else 1
    try:
        key = issue_key(settings, kiosk_id)
    except KioskIdRefused as error:
        print(f"refused: {error}")
        return 2
    print(f"{kiosk_id}: set {settings.dialogue.kiosk_key_env} on that kiosk to this key (shown once; "
          f"only its hash is kept in {keys_file(settings)}):\n{key}")
    return 0
