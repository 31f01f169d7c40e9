"""The action server's web application: Rasa's action webhook, served by rasa_sdk's executor.

Why not rasa_sdk's own app: it answers an exception with a 500 whose body echoes the whole
request, the tracker with every number the resident typed, and Rasa then writes that body
into its log. Here an unexpected error is logged masked and answered with a 500 that
carries nothing (and actions turn their own failures into a polite sentence first:
nlu/actions/safety.py). A practice conversation (a guided lesson) is marked from its
sender id before its action runs, so it can only reach the practice portal.
"""

from __future__ import annotations

import contextvars
import logging

from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection
from sanic import Request, Sanic
from sanic.response import HTTPResponse, json

from nlu.actions.card import card_route
from nlu.actions.certification_face import face_routes
from nlu.actions.payment_route import payment_route
from nlu.actions.portal_access import outbox
from nlu.actions.practice import mark_request
from nlu.actions.turns import run_action
from portal.outbox_routes import parked_routes

logger = logging.getLogger(__name__)


def create_action_app(name: str = "elder_actions") -> Sanic:
    executor = ActionExecutor()
    executor.register_package("nlu.actions")
    app = Sanic(name, configure_logging=False)
    # Staff routes for parked 12345 submissions: in a fresh context, so always the real outbox
    # (a lesson's request on the same connection may have marked its context as practice).
    app.blueprint(parked_routes(lambda: contextvars.Context().run(outbox)))
    # The kiosk's card reader: the card goes to the portal from here, never into the dialogue.
    app.blueprint(card_route())
    # The kiosk's camera: whether it works, and the face check's frames (never into the dialogue).
    app.blueprint(face_routes())
    # The kiosk's payment screen: whether the order its QR code shows is still waiting.
    app.blueprint(payment_route())

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        try:
            call = request.json
        except Exception:  # Sanic raises its own error on a body that is not JSON
            call = None
        if not isinstance(call, dict):
            return json({"error": "the body must be a JSON object"}, status=400)
        mark_request(str(call.get("sender_id") or ""))
        name = str(call.get("next_action") or "")
        if name not in executor.actions:
            logger.error("no such action: %s", name)
            return json({"error": "no such action", "action_name": name}, status=404)
        if call.get("domain") is None and executor.domain is None:
            return json({"error": "send the domain", "action_name": name}, status=449)
        try:
            result = await run_action(executor, call)
        except ActionExecutionRejection as rejection:  # a form declines; Rasa then tries other policies
            return json({"error": rejection.message, "action_name": rejection.action_name}, status=400)
        return json(result)

    return app
