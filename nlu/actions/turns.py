"""Every action call within its turn's budget, off the action server's event loop, and never
a traceback for the resident.

Why: actions call the portal with a synchronous client. Run inside the server's event loop,
one hanging portal call froze every conversation on the action server, from every kiosk
(15.7 s for an unrelated turn with the sandbox paused). Here an action that may touch the
portal runs in a worker thread with its own event loop, a bounded pool of them
(dialogue.max_concurrent_calls), so a slow portal costs only its own conversation; and the
portal client cuts its timeouts to the turn's budget (portal/deadline.py), so the action
still has time to say what happens next (a receipt, 请稍后再试, a person).

The budget is per resident turn, counted from the resident's message (one turn can run
several actions: the identity check, then the pension query). If an action still overruns
(something other than the portal hangs), or raises, the resident hears a plain sentence with
a way on; the error is logged masked, and nothing echoes the tracker.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Callable, Dict, Optional, TypeVar

from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection

from common.errands import HELP_PAYLOAD
from config import get_settings
from portal import deadline

T = TypeVar("T")

logger = logging.getLogger(__name__)

# After its budget, an action still gets this long to answer before the resident is told.
GRACE_SECONDS = 1.0
# However late a turn's action starts, it gets at least this long.
SHORTEST_SLICE_SECONDS = 1.0

SORRY = "对不起，刚才出了点问题。请您再说一遍，或者点“找人帮忙”。"
TOO_SLOW = "对不起，系统现在有点慢。请您稍后再试，或者点“找人帮忙”。"
HELP_BUTTON = {"title": "找人帮忙", "payload": HELP_PAYLOAD}


@lru_cache(maxsize=1)
def portal_pool() -> ThreadPoolExecutor:
    """The bounded pool every portal call runs in (a hanging portal ties up no more)."""
    return ThreadPoolExecutor(max_workers=get_settings().dialogue.max_concurrent_calls,
                              thread_name_prefix="action")


@lru_cache(maxsize=1)
def _side_pool() -> ThreadPoolExecutor:
    """For the portal calls one action makes side by side. Not portal_pool: the action waiting
    for them holds one of its workers, and a full pool would keep them queued behind it."""
    return ThreadPoolExecutor(max_workers=get_settings().dialogue.max_concurrent_calls,
                              thread_name_prefix="alongside")


def alongside(function: Callable[..., T], *arguments: Any) -> Future[T]:
    """function(*arguments) on another thread, in a copy of this turn's context (its portal
    budget, a lesson's practice mark), while the caller goes on."""
    return _side_pool().submit(contextvars.copy_context().run, function, *arguments)


def seconds_left(call: Dict[str, Any], budget: float, now: Optional[float] = None) -> float:
    """What is left of the turn's budget, counted from the resident's message (Rasa stamps
    its events with the wall clock)."""
    now = time.time() if now is None else now
    events = (call.get("tracker") or {}).get("events") or []
    said_at = next((event.get("timestamp") for event in reversed(events)
                    if isinstance(event, dict) and event.get("event") == "user"), None)
    if not isinstance(said_at, (int, float)) or said_at > now:
        return budget
    return max(SHORTEST_SLICE_SECONDS, budget - (now - said_at))


def uses_portal(executor: ActionExecutor, name: str) -> bool:
    """Actions that never wait on anything say so (`waits = False`) and run on the loop."""
    run = executor.actions.get(name)
    return bool(getattr(getattr(run, "__self__", None), "waits", True))


def apology(text: str) -> Dict[str, Any]:
    """An action result that says `text` and changes nothing: a form asks its question again."""
    return {"events": [], "responses": [{"text": text, "buttons": [HELP_BUTTON]}]}


async def run_action(executor: ActionExecutor, call: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The executor's result for one call, within the turn's budget; raises only
    ActionExecutionRejection (a form declining, which Rasa handles)."""
    name = str(call.get("next_action") or "")
    budget = seconds_left(call, get_settings().dialogue.turn_budget_seconds)
    try:
        if not uses_portal(executor, name):
            result = await executor.run(call)
        else:
            result = await asyncio.wait_for(_in_worker(executor, call, budget), budget + GRACE_SECONDS)
    except ActionExecutionRejection:
        raise
    except asyncio.TimeoutError:
        logger.warning("action %s overran its turn's budget (%.1f s)", name, budget)
        return apology(TOO_SLOW)
    except Exception:
        logger.exception("action %s failed", name)
        return apology(SORRY)
    return result.model_dump() if result else None


def _in_worker(executor: ActionExecutor, call: Dict[str, Any], budget: float) -> asyncio.Future[Any]:
    """The action on a worker thread with an event loop of its own; the request's context
    (a practice conversation's mark) goes with it, and the portal gets the budget."""
    context = contextvars.copy_context()

    def work() -> Any:
        with deadline.budget(budget):
            return asyncio.run(executor.run(call))

    return asyncio.get_running_loop().run_in_executor(portal_pool(), context.run, work)
