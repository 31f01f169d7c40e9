"""nlu/actions/turns.py: a portal call made alongside an action runs on another thread with the
turn's own context, the portal budget and a lesson's practice mark (so a lesson never reaches
the real portal, and a slow call still ends within the turn)."""

from __future__ import annotations

import threading

from nlu.actions.practice import practising
from nlu.actions.turns import alongside
from portal import deadline


def seen() -> tuple:
    return threading.current_thread().name, practising.get(), deadline.remaining()


def test_a_call_alongside_keeps_the_turns_budget_and_practice_mark():
    mark = practising.set(True)
    try:
        with deadline.budget(4.0):
            name, practice, left = alongside(seen).result(timeout=10)
    finally:
        practising.reset(mark)
    assert name.startswith("alongside") and name != threading.current_thread().name
    assert practice is True and 0 < left <= 4.0
    # Outside a turn nothing carries over from the one before.
    assert alongside(seen).result(timeout=10)[1:] == (False, None)
