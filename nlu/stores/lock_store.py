"""Rasa's Redis lock store, made safe for a server that dies while holding a conversation.

Rasa queues the turns of one conversation with numbered tickets that expire. When a server
is killed mid-turn its ticket blocks the queue until it expires; a turn waiting behind it
(the same request, retried on another server by the balancer) holds a ticket issued a
moment later with the same lifetime. Rasa polls once a second, so both tickets can expire
between two polls, and then the waiting turn is never served: the resident's kiosk hangs.
Here a waiting turn whose ticket has expired simply queues again, and polls more often.

A dead server's ticket blocks its conversation until it expires, so the lifetime should be
short; but a live turn that outlasts it (a slow portal call) would then let the next turn
of the same conversation run beside it. So the ticket being served is renewed while its turn
runs, a few times per lifetime (`keep_serving`): a lifetime of seconds is safe, and a killed
server holds up its residents for no longer than that.

The fleet's Redis asks for a password. Rasa's endpoints file names none for the lock store,
so, unless it gives `password`, the password is read from the environment variable that
ELDER_LOCK_STORE_PASSWORD_ENV names (the fleet sets both, runtime/fleet.py): never from a file.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from contextlib import asynccontextmanager, suppress
from typing import Any, AsyncGenerator, List, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.1
RENEWALS_PER_LIFETIME = 3
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
            renewing = asyncio.ensure_future(self.keep_serving(conversation_id, tickets[-1], lock_lifetime))
            try:
                yield lock
            finally:
                renewing.cancel()
                with suppress(asyncio.CancelledError):
                    await renewing
        finally:
            for ticket in tickets:
                self.cleanup(conversation_id, ticket)

    async def keep_serving(self, conversation_id: str, ticket_number: int, lifetime: float) -> None:
        """Push the served ticket's expiry forward until the turn ends (cancelled then). If Redis
        cannot be reached the turn goes on unrenewed: its answer matters more than its lock."""
        while True:
            await asyncio.sleep(lifetime / RENEWALS_PER_LIFETIME)
            try:
                lock = self.get_lock(conversation_id)
                ticket = lock._ticket_for_ticket_number(ticket_number) if lock else None
                if ticket is None:
                    return  # already expired or cleaned up: nothing left to hold
                ticket.expires = time.time() + lifetime
                self.save_lock(lock)
            except RedisError as error:
                logger.warning("lock ticket not renewed (%s); the turn goes on", type(error).__name__)
                return
