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
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from common.masking import redact_data

logger = logging.getLogger(__name__)

EXPIRY_CHECK_SECONDS = 60.0


class RedactingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, expire_after_minutes: float = 30.0,
                 expiry_check_seconds: float = EXPIRY_CHECK_SECONDS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expire_after_seconds = float(expire_after_minutes) * 60
        self.expiry_check_seconds = float(expiry_check_seconds)
        self._next_expiry_check = 0.0

    async def save(self, tracker: DialogueStateTracker) -> None:
        if not tracker.events:
            # The kiosk ends a session by replacing the events with none: forget it all.
            self.delete(tracker.sender_id)
            return
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = redact_data(event.as_dict())
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
        self._next_expiry_check = now + self.expiry_check_seconds
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
