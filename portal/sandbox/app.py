"""The sandbox HTTP application: auth, fault switches, one SQLite connection per request.

Fault switches let tests make the portal slow, flaky or down without stubbing the client:
the kiosk meets the same failures it would meet on a bad day with the real gateway.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sanic import Request, Sanic, json
from sanic.exceptions import NotFound, SanicException
from sanic.response import HTTPResponse

from portal.sandbox import db as sandbox_db
from portal.sandbox import proxy
from portal.sandbox.family import family
from portal.sandbox.halls import halls
from portal.sandbox.hotline import advance, hotline
from portal.sandbox.identity_card import identity_card
from portal.sandbox.identity_sms import identity_sms
from portal.sandbox.identity_staff import identity_staff
from portal.sandbox.medical import medical
from portal.sandbox.pay_page import PAGE_PREFIX, pay_page
from portal.sandbox.payment_orders import payment_orders
from portal.sandbox.payments import payments
from portal.sandbox.pension import pension
from portal.sandbox.policies import policies
from portal.sandbox.replies import ContractError, body, error_reply
from portal.sandbox.sms_gateway import sms_admin

logger = logging.getLogger(__name__)

CONTRACT_VERSION = "2.0"


@dataclass
class Faults:
    """Test-only switches, per request: a delay, then down (503), an injected error at
    `error_rate` with `error_status` (500, 429 with `retry_after` seconds, 408, 503), or a 200
    whose body is not JSON at `malformed_rate`."""

    latency_ms: int = 0
    error_rate: float = 0.0
    down: bool = False
    error_status: int = 500
    retry_after: int = 0
    malformed_rate: float = 0.0


INJECTED = {500: "internal_error", 503: "unavailable", 429: "rate_limited", 408: "request_timeout"}


def create_app(db_path: Path, api_key: str, faults: Optional[Faults] = None,
               name: str = "portal_sandbox") -> Sanic:
    app = Sanic(name, configure_logging=False)
    app.config.KEEP_ALIVE_TIMEOUT = 30
    app.ctx.db_path = db_path
    app.ctx.api_key = api_key
    app.ctx.faults = faults or Faults()
    app.ctx.rng = random.Random()
    app.ctx.counts = {}
    for blueprint in (identity_card, identity_sms, identity_staff, sms_admin, pension, medical, hotline, halls,
                      policies, payments, payment_orders, family, pay_page):
        app.blueprint(blueprint)
    _add_service_routes(app)
    _add_middleware(app)
    _add_error_handlers(app)
    return app


def _add_middleware(app: Sanic) -> None:
    @app.on_request
    async def faults_auth_and_db(request: Request) -> Optional[HTTPResponse]:
        faults: Faults = request.app.ctx.faults
        is_admin = request.path.startswith("/v1/_sandbox/")
        if not is_admin:
            route = f"{request.method} {request.route.path if request.route else request.path}"
            request.app.ctx.counts[route] = request.app.ctx.counts.get(route, 0) + 1
            if faults.latency_ms:
                await asyncio.sleep(faults.latency_ms / 1000)
            if faults.down:
                return error_reply(503, "unavailable", "portal is down for maintenance")
            if faults.error_rate and request.app.ctx.rng.random() < faults.error_rate:
                wait = {"retry_after": faults.retry_after} if faults.error_status == 429 and faults.retry_after else {}
                return error_reply(faults.error_status, INJECTED[faults.error_status], "injected fault", **wait)
            if faults.malformed_rate and request.app.ctx.rng.random() < faults.malformed_rate:
                return HTTPResponse('{"payments": [', status=200, content_type="application/json")
        # A phone opens the sandbox's payment page from a QR code: it has no API key (the order's
        # own token in the link opens it).
        if request.path != "/v1/health" and not request.path.startswith(PAGE_PREFIX):
            supplied = request.headers.get("Authorization", "")
            expected = f"Bearer {request.app.ctx.api_key}"
            if not hmac.compare_digest(supplied.encode(), expected.encode()):
                return error_reply(401, "unauthorised", "missing or wrong API key")
        request.ctx.db = sandbox_db.connect(request.app.ctx.db_path)
        return proxy.guard(request)  # a relative acting for an elder: only what was authorised

    @app.on_response
    async def close_db(request: Request, response: HTTPResponse) -> None:
        connection = getattr(request.ctx, "db", None)
        if connection is not None:
            connection.close()


def _add_error_handlers(app: Sanic) -> None:
    @app.exception(ContractError)
    async def contract_error(request: Request, error: ContractError) -> HTTPResponse:
        return error_reply(error.status_code, error.code, str(error), **error.extra)

    @app.exception(NotFound)
    async def not_found(request: Request, error: Exception) -> HTTPResponse:
        return error_reply(404, "no_such_endpoint", "no such endpoint in contract version 2")

    @app.exception(SanicException)
    async def sanic_error(request: Request, error: SanicException) -> HTTPResponse:
        status = getattr(error, "status_code", 500) or 500
        return error_reply(status, "invalid_request" if status < 500 else "internal_error", str(error))

    @app.exception(Exception)
    async def unexpected(request: Request, error: Exception) -> HTTPResponse:
        logger.exception("sandbox handler failed")
        return error_reply(500, "internal_error", "internal error")


def _add_service_routes(app: Sanic) -> None:
    @app.get("/v1/health")
    async def health(request: Request) -> HTTPResponse:
        return json({"status": "ok", "contract": CONTRACT_VERSION})

    @app.post("/v1/_sandbox/faults")
    async def set_faults(request: Request) -> HTTPResponse:
        """Test-only switches (see Faults): {"latency_ms": 0, "error_rate": 0.0, "error_status": 429, ...}."""
        content = body(request)
        faults: Faults = request.app.ctx.faults
        faults.latency_ms = int(content.get("latency_ms", faults.latency_ms))
        faults.error_rate = float(content.get("error_rate", faults.error_rate))
        faults.down = bool(content.get("down", faults.down))
        status = int(content.get("error_status", faults.error_status))
        if status not in INJECTED:
            raise ContractError(400, "invalid_request", f"error_status must be one of {sorted(INJECTED)}")
        faults.error_status = status
        faults.retry_after = max(0, int(content.get("retry_after", faults.retry_after)))
        faults.malformed_rate = float(content.get("malformed_rate", faults.malformed_rate))
        return json(faults.__dict__)

    @app.post("/v1/_sandbox/cases/<number>/advance")
    async def advance_case(request: Request, number: str) -> HTTPResponse:
        """Move a 12345 case one step along its timeline (lessons and tests)."""
        return json(advance(request.ctx.db, number))

    @app.get("/v1/_sandbox/stats")
    async def stats(request: Request) -> HTTPResponse:
        """How many requests each route received (tests prove what was, or was not, retried)."""
        return json(request.app.ctx.counts)

    @app.post("/v1/_sandbox/reset")
    async def reset(request: Request) -> HTTPResponse:
        """Rebuild the fictional city (guided lessons start from a known state)."""
        request.ctx.db.close()
        sandbox_db.reset(request.app.ctx.db_path)
        request.ctx.db = sandbox_db.connect(request.app.ctx.db_path)
        return json({"status": "reset"})
