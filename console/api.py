"""The small JSON API kiosks use: raise a help request, report their state and anonymous
usage, and collect what the console has for them (a claim, a volunteer's words, a lesson)."""

from __future__ import annotations

import re

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse

from common.masking import redact
from console.app import kiosk_allowed

api = Blueprint("api", url_prefix="/api/kiosks")
KIOSK_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _checked(request: Request, kiosk_id: str):
    refused = kiosk_allowed(request)
    if refused:
        return refused, None
    if not KIOSK_ID.match(kiosk_id):
        return json({"error": "bad kiosk id"}, status=400), None
    content = request.json if isinstance(request.json, dict) else {}
    request.app.ctx.store.seen(kiosk_id)
    return None, content


@api.post("/<kiosk_id>/help")
async def raise_help(request: Request, kiosk_id: str) -> HTTPResponse:
    refused, content = _checked(request, kiosk_id)
    if refused:
        return refused
    # Kiosks send masked lines already; masking again costs nothing and guards against a bug.
    lines = [redact(str(line))[:200] for line in (content.get("transcript") or [])][-6:]
    request_id = request.app.ctx.store.raise_help(kiosk_id, str(content.get("errand", "")),
                                                  str(content.get("step", "")), lines)
    return json({"id": request_id}, status=201)


@api.get("/<kiosk_id>/events")
async def events(request: Request, kiosk_id: str) -> HTTPResponse:
    refused, _content = _checked(request, kiosk_id)
    return refused or json({"events": request.app.ctx.store.take_events(kiosk_id)})


@api.post("/<kiosk_id>/status")
async def status(request: Request, kiosk_id: str) -> HTTPResponse:
    refused, content = _checked(request, kiosk_id)
    if refused:
        return refused
    fields = {key: content[key] for key in ("consent", "lesson_id", "lesson_step", "lesson_steps", "step_since",
                                             "hints") if key in content}
    request.app.ctx.store.seen(kiosk_id, **fields)
    return json({"ok": True})


@api.post("/<kiosk_id>/usage")
async def usage(request: Request, kiosk_id: str) -> HTTPResponse:
    refused, content = _checked(request, kiosk_id)
    if refused:
        return refused
    events = [event for event in (content.get("events") or []) if isinstance(event, dict)][:500]
    return json({"stored": request.app.ctx.store.record_usage(kiosk_id, events)})
