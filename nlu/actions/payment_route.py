"""`POST /payment/status` for the kiosk's payment screen: is the order it shows still waiting?

Why a route of its own: the kiosk follows the QR code's order while the resident's phone pays
it, without a dialogue turn every few seconds (each turn would speak). It asks here; when the
order is no longer waiting, it says /payment_update and the dialogue tells the resident
(nlu/actions/payments.py). Only the status comes back; orders are the kiosk's own at the
portal (another kiosk's order id is not found). Heard only from a caller with the card key.
"""

from __future__ import annotations

import asyncio
from typing import Dict

from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sanic.response import json as json_reply

from config import get_settings
from nlu.actions import practice
from nlu.actions.device_routes import authorised, body, refused
from nlu.actions.portal_access import portal
from nlu.actions.resident import kiosk_id
from nlu.actions.turns import portal_pool
from portal import deadline
from portal.errors import PortalError, PortalNotFound


def order_status(conversation: str, order_id: str) -> Dict[str, str]:
    practice.mark_request(conversation)  # a lesson's order is the practice portal's
    try:
        with deadline.budget(get_settings().dialogue.turn_budget_seconds):
            return {"status": portal().order(order_id, kiosk_id(conversation)).status}
    except PortalNotFound:
        return {"status": "unknown"}
    except PortalError:
        return {"status": "unavailable"}


def payment_route() -> Blueprint:
    routes = Blueprint("payment_status")

    @routes.post("/payment/status")
    async def status(request: Request) -> HTTPResponse:
        if not authorised(request):
            return refused()
        content = body(request)
        if content is None or not all(isinstance(content.get(k), str) and content.get(k)
                                                    for k in ("conversation", "order_id")):
            return json_reply({"error": "conversation and order_id are needed"}, status=400)
        answer = await asyncio.get_running_loop().run_in_executor(
            portal_pool(), order_status, content["conversation"], content["order_id"])
        return json_reply(answer)

    return routes
