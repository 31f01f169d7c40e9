"""The conversation gate: the only door from a fleet's kiosks to Rasa.

Rasa has one master token, and it opens everything: /model (load another model), /execute,
every conversation's tracker. Kiosks are PCs in community centres; one of them copied must
not open the city's dialogue. So kiosks never hold that token. The balancer sends their two
routes here, and refuses every other path itself:

    POST   /webhooks/rest/webhook            a turn, as Rasa's REST channel takes it
    DELETE /gate/conversations/<sender_id>   forget a conversation at the end of a session
    POST   /identity/card                    the ID card the kiosk's reader read, for its visit
    POST   /payment/status                   whether the order its payment screen shows is paid
    POST   /certification/face               the face check's frames, for its visit
    POST   /devices/camera                   whether its own camera works

Each request carries the kiosk's own key (`Authorization: Bearer …`, runtime/kiosk_keys.py),
and its conversation id must be that kiosk's. A turn is then passed on to Rasa's REST channel
(which needs no token); a forget becomes Rasa's "replace the events with none" with the
master token, which the fleet's tracker store turns into a delete. A card goes to the action
servers' card route (nlu/actions/card.py) with the central card key, which kiosks never hold
either. All go through the balancer's central side, so a dead instance is skipped as for any
other request.

The turn sent on is the JSON the gate checked, serialised again: were the kiosk's raw bytes
passed on, a body with two "sender" keys could be read one way here and another way by Rasa.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Optional, Tuple

import aiohttp
from sanic import Request, Sanic
from sanic.response import HTTPResponse, empty, raw
from sanic.response import json as json_response

from config import Settings, secret
from runtime.kiosk_keys import KioskKeys, keys_file
from runtime.services import rasa_token

logger = logging.getLogger(__name__)

# A turn is a sentence or a button payload (nginx holds those to 16 KiB); only the face check's
# frames are larger (nginx: 2 MiB on that one route).
MAX_BODY_BYTES = 2 * 1024 * 1024
TURN_TIMEOUT_SECONDS = 95.0  # longer than the balancer's 90 s wait for Rasa: Rasa's answer decides
FORGET_TIMEOUT_SECONDS = 10.0


def _json_object(request: Request) -> Optional[Dict[str, Any]]:
    """The request's JSON object, or None for anything else."""
    try:
        body = json.loads(request.body or b"")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _refusal(status: int, why: str) -> HTTPResponse:
    return json_response({"error": why}, status=status)


def create_gate_app(settings: Settings, master_token: str, name: str = "conversation_gate",
                    card_key: str = "") -> Sanic:
    rasa_url = f"http://127.0.0.1:{settings.fleet.rasa_balancer_port}"
    actions_url = f"http://127.0.0.1:{settings.fleet.action_balancer_port}"
    keys = KioskKeys(keys_file(settings))
    app = Sanic(name, configure_logging=False)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.RESPONSE_TIMEOUT = TURN_TIMEOUT_SECONDS + 5
    http: dict = {}

    @app.before_server_start
    async def open_client(*_: Any) -> None:
        # One pooled client per process: connections to the balancer are kept alive.
        http["session"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256))

    @app.after_server_stop
    async def close_client(*_: Any) -> None:
        await http["session"].close()

    def kiosk_of(request: Request) -> Optional[str]:
        scheme, _, key = (request.headers.get("authorization") or "").partition(" ")
        return keys.kiosk_for(key.strip()) if scheme.lower() == "bearer" else None

    def check(request: Request, conversation_id: Any) -> Tuple[Optional[str], Optional[HTTPResponse]]:
        kiosk = kiosk_of(request)
        if kiosk is None:
            return None, _refusal(401, "a kiosk key is needed")
        if not isinstance(conversation_id, str) or keys.owner_of(conversation_id) != kiosk:
            logger.warning("kiosk %s refused a conversation that is not its own", kiosk)
            return kiosk, _refusal(403, "not this kiosk's conversation")
        return kiosk, None

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return json_response({"status": "ok"})

    async def forward(url: str, body: Dict[str, Any], what: str, **headers: str) -> HTTPResponse:
        """Pass a checked request on to the central side and its answer back as it is."""
        try:
            async with http["session"].post(
                    url, data=json.dumps(body, ensure_ascii=False).encode(),
                    headers={"Content-Type": "application/json", **headers},
                    timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT_SECONDS)) as answer:
                return raw(await answer.read(), status=answer.status,
                           content_type=answer.headers.get("Content-Type", "application/json"))
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("%s unreachable: %s", what, type(error).__name__)
            return _refusal(502, f"{what} unavailable")

    @app.post("/webhooks/rest/webhook")
    async def turn(request: Request) -> HTTPResponse:
        if kiosk_of(request) is None:
            return _refusal(401, "a kiosk key is needed")
        body = _json_object(request)
        if body is None or not isinstance(body.get("message"), str):
            return _refusal(400, "a turn is {sender, message}")
        _, refused = check(request, body.get("sender"))
        if refused:
            return refused
        return await forward(f"{rasa_url}/webhooks/rest/webhook", body, "dialogue")

    async def to_actions(request: Request, path: str, what: str) -> HTTPResponse:
        """A kiosk device's request about one of its own visits (the card on the reader, the
        order on the payment screen, the face check's frames), passed on with the central
        device key; the answer is what the kiosk may know. Nothing of the body is logged."""
        body = _json_object(request)
        if body is None:
            return _refusal(400, f"a {what} request is a JSON object with its conversation")
        _, refused = check(request, body.get("conversation"))
        if refused:
            return refused
        if not card_key:
            return _refusal(503, f"{what} is not set up on this dialogue service")
        return await forward(f"{actions_url}{path}", body, what, Authorization=f"Bearer {card_key}")

    @app.post("/identity/card")
    async def card(request: Request) -> HTTPResponse:
        return await to_actions(request, "/identity/card", "card check")

    @app.post("/payment/status")
    async def payment_status(request: Request) -> HTTPResponse:
        return await to_actions(request, "/payment/status", "payment status")

    @app.post("/certification/face")
    async def face_check(request: Request) -> HTTPResponse:
        return await to_actions(request, "/certification/face", "face check")

    @app.post("/devices/camera")
    async def camera(request: Request) -> HTTPResponse:
        """Whether this kiosk's camera works: a kiosk speaks for its own camera only."""
        kiosk = kiosk_of(request)
        if kiosk is None:
            return _refusal(401, "a kiosk key is needed")
        body = _json_object(request)
        if body is None or body.get("kiosk_id") != kiosk:
            return _refusal(403, "a kiosk reports its own camera only")
        if not card_key:
            return _refusal(503, "camera reports are not set up on this dialogue service")
        return await forward(f"{actions_url}/devices/camera", body, "camera report",
                             Authorization=f"Bearer {card_key}")

    @app.delete("/gate/conversations/<conversation_id>")
    async def forget(request: Request, conversation_id: str) -> HTTPResponse:
        kiosk, refused = check(request, conversation_id)
        if refused:
            return refused
        try:
            async with http["session"].put(
                    f"{rasa_url}/conversations/{conversation_id}/tracker/events", params={"token": master_token},
                    json=[], timeout=aiohttp.ClientTimeout(total=FORGET_TIMEOUT_SECONDS)) as answer:
                await answer.read()  # the emptied tracker: nothing the kiosk needs back
                if answer.status != 200:
                    logger.warning("Rasa answered %d to forgetting a conversation of %s", answer.status, kiosk)
                    return _refusal(502, "could not forget the conversation")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("dialogue unreachable to forget a conversation: %s", type(error).__name__)
            return _refusal(502, "dialogue unavailable")
        return empty(status=204)

    return app


def serve_gate(settings: Settings, port: Optional[int] = None) -> int:
    app = create_gate_app(settings, rasa_token(settings), card_key=secret(settings.dialogue.card_key_env) or "")
    app.run(host="127.0.0.1", port=port or settings.fleet.gate_base_port, single_process=True,
            access_log=False, motd=False)
    return 0
