"""Rasa's Redis lock store, made safe for a server that dies while holding a conversation.

Rasa queues the turns of one conversation with numbered tickets that expire. When a server
is killed mid-turn its ticket blocks the queue until it expires; a turn waiting behind it
(the same request, retried on another server by the balancer) holds a ticket issued a
moment later with the same lifetime. Rasa polls once a second, so both tickets can expire
between two polls, and then the waiting turn is never served: the resident's kiosk hangs.
Here a waiting turn whose ticket has expired simply queues again, and polls more often.

The fleet's Redis asks for a password. Rasa's endpoints file names none for the lock store,
so, unless it gives `password`, the password is read from the environment variable that
ELDER_LOCK_STORE_PASSWORD_ENV names (the fleet sets both, runtime/fleet.py): never from a file.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, List, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore

POLL_SECONDS = 0.1
PASSWORD_POINTER = "ELDER_LOCK_STORE_PASSWORD_ENV"


def password_from_environment() -> Optional[str]:
    name = os.environ.get(PASSWORD_POINTER, "").strip()
    if not name:
        return None
    return os.environ.get(name, "").strip() or None


class FleetRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        if not kwargs.get("password"):
            kwargs["password"] = password_from_environment()
        super().__init__(**kwargs)

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = POLL_SECONDS) -> AsyncGenerator[TicketLock, None]:
        tickets: List[int] = [self.issue_ticket(conversation_id, lock_lifetime)]
        try:
            while True:
                lock = self.get_lock(conversation_id)
                if lock is None or lock._ticket_for_ticket_number(tickets[-1]) is None:
                    tickets.append(self.issue_ticket(conversation_id, lock_lifetime))
                    continue
                if not lock.is_locked(tickets[-1]):
                    break
                await asyncio.sleep(min(wait_time_in_seconds, POLL_SECONDS))
            yield lock
        finally:
            for ticket in tickets:
                self.cleanup(conversation_id, ticket)
