"""Staff routes for parked 12345 submissions, served by the action server (which holds the
outbox); the centre console's page for them calls these.

    GET  /outbox/parked                      -> [{reference, created_at, reason, category, district,
                                                  description_masked, phone_masked, attempts}, ...]
    POST /outbox/parked/<reference>/retry    -> 202 {"reference": ..., "status": "waiting"}
    POST /outbox/parked/<reference>/handled  -> 200 {"reference": ..., "status": "handled"}

Every route needs `Authorization: Bearer <key>`, the key in the environment variable that
`dialogue.outbox_key_env` names. Without a key set they answer 503: a route that shows
residents' reports is never open by default. An unknown reference, or one that is not parked
(already retried, already handled), is 404. Numbers in descriptions are masked, the phone
number too; the full one stays in the outbox, which needs it to deliver a retried entry.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Callable, Optional

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from config import get_settings, secret
from portal.outbox import Outbox

REFERENCE_LENGTH = 12  # references are six digits; anything much longer is not one


def parked_routes(outbox: Callable[[], Outbox]) -> Blueprint:
    """The routes, over the outbox `outbox()` returns (built on first use, off the event loop)."""
    routes = Blueprint("outbox_parked", url_prefix="/outbox/parked")

    def refused(request: Request) -> Optional[HTTPResponse]:
        key = secret(get_settings().dialogue.outbox_key_env)
        if key is None:
            return json({"error": "no outbox key is configured"}, status=503)
        supplied = request.headers.get("Authorization", "")
        if not hmac.compare_digest(supplied.encode("utf-8"), f"Bearer {key}".encode()):
            return json({"error": "missing or wrong key"}, status=401)
        return None

    @routes.get("")
    async def listing(request: Request) -> HTTPResponse:
        answer = refused(request)
        if answer is not None:
            return answer
        entries = await asyncio.to_thread(lambda: outbox().parked())
        return json([entry.as_json() for entry in entries])

    async def act(request: Request, reference: str, action: str) -> HTTPResponse:
        answer = refused(request)
        if answer is not None:
            return answer

        def change() -> bool:
            box = outbox()
            return (box.retry_parked if action == "retry" else box.handled)(reference)

        plausible = reference.isdigit() and len(reference) <= REFERENCE_LENGTH
        if not (plausible and await asyncio.to_thread(change)):
            return json({"error": "no parked submission with this reference"}, status=404)
        if action == "retry":
            return json({"reference": reference, "status": "waiting"}, status=202)
        return json({"reference": reference, "status": "handled"})

    @routes.post("/<reference>/retry")
    async def retry(request: Request, reference: str) -> HTTPResponse:
        return await act(request, reference, "retry")

    @routes.post("/<reference>/handled")
    async def handled(request: Request, reference: str) -> HTTPResponse:
        return await act(request, reference, "handled")

    return routes
