"""Rasa's SQL tracker store, made fit for a city: nothing personal written, nothing kept long.

Rasa open source writes every event verbatim, so an identity number typed on the keypad or
a phone number spoken to 12345 would sit in PostgreSQL for good. This store masks such
numbers in every event before it is written (the turn in flight still sees the full
number in memory; the actions keep what they need in the vault), deletes a conversation
when the kiosk wipes it at the end of a session, and deletes conversations nobody has
touched for `expire_after_minutes`.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Dict, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from common.masking import redact

logger = logging.getLogger(__name__)

EXPIRY_CHECK_SECONDS = 60.0


def redact_event(data: Any) -> Any:
    """Every string inside an event's dict, masked; structure and other values untouched."""
    if isinstance(data, str):
        return redact(data)
    if isinstance(data, dict):
        return {key: redact_event(value) for key, value in data.items()}
    if isinstance(data, list):
        return [redact_event(value) for value in data]
    return data


class RedactingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, expire_after_minutes: float = 30.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expire_after_seconds = float(expire_after_minutes) * 60
        self._next_expiry_check = 0.0

    async def save(self, tracker: DialogueStateTracker) -> None:
        if not tracker.events:
            # The kiosk ends a session by replacing the events with none: forget it all.
            self.delete(tracker.sender_id)
            return
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = redact_event(event.as_dict())
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                ))
            session.commit()
        self.expire_if_due()

    def delete(self, sender_id: str) -> int:
        with self.session_scope() as session:
            removed = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return int(removed or 0)

    def expire_if_due(self, now: Optional[float] = None) -> int:
        now = time.time() if now is None else now
        if now < self._next_expiry_check:
            return 0
        self._next_expiry_check = now + EXPIRY_CHECK_SECONDS
        return self.expire(now - self.expire_after_seconds)

    def expire(self, cutoff: float) -> int:
        """Delete every conversation whose newest event is older than `cutoff` (epoch seconds)."""
        events = self.SQLEvent
        stale = (sa.select(events.sender_id).group_by(events.sender_id)
                 .having(sa.func.max(events.timestamp) < cutoff).scalar_subquery())
        with self.session_scope() as session:
            removed = session.query(events).filter(events.sender_id.in_(stale)).delete(
                synchronize_session=False)
            session.commit()
        if removed:
            logger.info("expired %d old conversation events", removed)
        return int(removed or 0)


def store_kwargs(host: str, port: int, db: str, username: str, password: str,
                 expire_after_minutes: float) -> Dict[str, Any]:
    """The endpoints.yml entry that selects this store (the password stays an ${ENV} reference)."""
    return {"type": f"{__name__}.RedactingSQLTrackerStore", "dialect": "postgresql", "url": host,
            "port": port, "db": db, "username": username, "password": password,
            "expire_after_minutes": expire_after_minutes}
