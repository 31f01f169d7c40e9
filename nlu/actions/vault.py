"""Full identity and phone numbers, kept out of the conversation record.

A number a resident types is needed for a few turns (to verify them, to submit a report).
The conversation record (Rasa's tracker, on disk in a city fleet) keeps only the masked
form; the full number waits here, keyed by conversation, and expires on its own. In the
embedded set-up this is the action server's memory; a fleet's stateless action servers
share it through Redis (dialogue.vault_url).
"""

from __future__ import annotations

import threading
import time
from functools import lru_cache
from typing import Dict, Optional, Protocol, Tuple

from config import get_settings, secret

TTL_SECONDS = 30 * 60


class Vault(Protocol):
    def put(self, conversation: str, kind: str, value: str) -> None: ...

    def get(self, conversation: str, kind: str) -> Optional[str]: ...

    def forget(self, conversation: str) -> None:
        """Everything kept for a conversation, gone (the visit ended)."""


class MemoryVault:
    def __init__(self, ttl: float = TTL_SECONDS) -> None:
        self.ttl = ttl
        self._items: Dict[Tuple[str, str], Tuple[float, str]] = {}
        self._lock = threading.Lock()

    def put(self, conversation: str, kind: str, value: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._items = {key: item for key, item in self._items.items() if item[0] > now}
            self._items[(conversation, kind)] = (now + self.ttl, value)

    def get(self, conversation: str, kind: str) -> Optional[str]:
        with self._lock:
            item = self._items.get((conversation, kind))
        return item[1] if item and item[0] > time.monotonic() else None

    def forget(self, conversation: str) -> None:
        with self._lock:
            self._items = {key: item for key, item in self._items.items() if key[0] != conversation}


class RedisVault:
    """The fleet's vault. Its Redis asks for a password, given here from the environment
    (dialogue.vault_password_env), so no settings file ever holds it in the URL."""

    def __init__(self, url: str, ttl: int = TTL_SECONDS, password: Optional[str] = None) -> None:
        import redis

        self.ttl = ttl
        self.client = redis.Redis.from_url(url, socket_timeout=2, password=password)

    def put(self, conversation: str, kind: str, value: str) -> None:
        self.client.set(f"vault:{conversation}:{kind}", value, ex=self.ttl)

    def get(self, conversation: str, kind: str) -> Optional[str]:
        value = self.client.get(f"vault:{conversation}:{kind}")
        return value.decode("utf-8") if value else None

    def forget(self, conversation: str) -> None:
        keys = list(self.client.scan_iter(match=f"vault:{conversation}:*", count=100))
        if keys:
            self.client.delete(*keys)


@lru_cache(maxsize=1)
def vault() -> Vault:
    dialogue = get_settings().dialogue
    return RedisVault(dialogue.vault_url, password=secret(dialogue.vault_password_env)) \
        if dialogue.vault_url else MemoryVault()
