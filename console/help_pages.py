"""Help request pages: the live list, one request's detail, and what a volunteer does with it
(claim it, ask the resident's consent, type for them, close it; staff: take it over).

Who may do what is decided in console/help_desk.py; a refusal is shown as the plain sentence
it gives, with a way back, never as an error page.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from datetime import datetime
from typing import Any, Callable, Dict, List, Tuple

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from common.kiosk_protocol import task_of
from console.app import form_value, message, render, require
from console.help_desk import Refused
from console.place_names import place_names

help_pages = Blueprint("help_pages")
STREAM_SECONDS = 3600  # then the browser reconnects by itself


def _clock(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%H:%M")


def help_view(row: Dict[str, Any], now: float, username: str) -> Dict[str, Any]:
    """A request as the page shows it: how long the resident waited, whose it is, where they were."""
    waited = int(now - row["created_at"])
    handovers = [dict(h, clock=_clock(h["at"])) for h in row.get("handovers", [])]
    return dict(row, waited=f"{waited // 60}分{waited % 60:02d}秒", mine=row.get("claimed_by") == username,
                handovers=handovers, **place_names(row.get("errand") or "", row.get("step") or ""))


def _help_list(request: Request) -> List[Dict[str, Any]]:
    now, username = time.time(), request.ctx.session.username
    return [help_view(row, now, username) for row in request.app.ctx.help_desk.requests()]


@help_pages.get("/help")
async def help_page(request: Request) -> HTTPResponse:
    return require(request) or render(request, "help.html", requests=_help_list(request))


@help_pages.get("/help/list")
async def help_fragment(request: Request) -> HTTPResponse:
    return require(request) or render(request, "help_list.html", requests=_help_list(request))


@help_pages.get("/help/stream")
async def help_stream(request: Request) -> HTTPResponse:
    """Server-sent events: a 'changed' event whenever the list of requests changes."""
    refused = require(request)
    if refused:
        return refused
    response = await request.respond(content_type="text/event-stream", headers={"Cache-Control": "no-store"})
    last = ""
    for _ in range(STREAM_SECONDS):
        rows = request.app.ctx.help_desk.requests()
        state = [(r["id"], r["status"], r["claimed_by"]) for r in rows]
        version = hashlib.sha256(json.dumps(state).encode()).hexdigest()
        if version != last:
            last = version
            await response.send(f"event: changed\ndata: {version}\n\n")
        await asyncio.sleep(1)
    await response.eof()
    return response


def _acting(request: Request, request_id: int, act: Callable[[], Any], then: str) -> HTTPResponse:
    refused = require(request)
    if refused:
        return refused
    try:
        act()
    except Refused as why:
        return message(request, why.message, status=why.status, back=f"/help/{request_id}")
    return redirect(then)


def _who(request: Request) -> Tuple[str, bool]:
    session = request.ctx.session
    return session.username, session.role == "staff"


@help_pages.post("/help/<request_id:int>/claim")
async def claim(request: Request, request_id: int) -> HTTPResponse:
    return _acting(request, request_id, lambda: request.app.ctx.help_desk.claim(request_id, _who(request)[0]),
                   f"/help/{request_id}")


@help_pages.post("/help/<request_id:int>/take-over")
async def take_over(request: Request, request_id: int) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    return _acting(request, request_id, lambda: request.app.ctx.help_desk.take_over(request_id, _who(request)[0]),
                   f"/help/{request_id}")


@help_pages.post("/help/<request_id:int>/done")
async def done(request: Request, request_id: int) -> HTTPResponse:
    return _acting(request, request_id, lambda: request.app.ctx.help_desk.finish(request_id, *_who(request)),
                   "/help")


@help_pages.post("/help/<request_id:int>/ask-consent")
async def ask_consent(request: Request, request_id: int) -> HTTPResponse:
    desk = request.app.ctx.help_desk

    def ask() -> None:
        row = desk.claimed_by(request_id, *_who(request))
        request.app.ctx.store.send_to_kiosk(row["kiosk_id"], {"type": "ask_consent"})

    return _acting(request, request_id, ask, f"/help/{request_id}")


@help_pages.post("/help/<request_id:int>/type")
async def type_into_kiosk(request: Request, request_id: int) -> HTTPResponse:
    """Only by the one who has the request, and only with the resident's consent, which the
    kiosk reports and which ends with the visit."""
    desk, store = request.app.ctx.help_desk, request.app.ctx.store
    words = form_value(request, "text").strip()[:200]

    def send() -> None:
        row = desk.claimed_by(request_id, *_who(request))
        if not (store.kiosk(row["kiosk_id"]) or {}).get("consent"):
            raise Refused("居民还没有同意您帮他输入。请先点“请居民同意我帮他输入”。")
        if words:
            store.send_to_kiosk(row["kiosk_id"], {"type": "volunteer_text", "text": words})

    return _acting(request, request_id, send, f"/help/{request_id}")


@help_pages.get("/help/<request_id:int>")
async def detail(request: Request, request_id: int) -> HTTPResponse:
    refused = require(request)
    if refused:
        return refused
    row = request.app.ctx.help_desk.request(request_id)
    if row is None:
        return message(request, "这个求助已经办好了，或者已经不在了。", status=404, back="/help")
    kiosk = request.app.ctx.store.kiosk(row["kiosk_id"]) or {}
    view = help_view(row, time.time(), request.ctx.session.username)
    check = None
    checks = request.app.ctx.identity_checks
    if task_of(row.get("identity_check") or "")[0] == "identity" and checks is not None \
            and request.ctx.session.role == "staff":
        check = await asyncio.get_running_loop().run_in_executor(
            None, checks.view, row["identity_check"], request.ctx.session.username)
    return render(request, "help_detail.html", help=view, consent=bool(kiosk.get("consent")), check=check)


@help_pages.post("/help/<request_id:int>/identity")
async def decide_identity(request: Request, request_id: int) -> HTTPResponse:
    """Staff, with the resident's card in hand: 是本人 or 不是本人. The request becomes theirs
    (recorded), the portal records the decision under their account, the kiosk is told."""
    refused = require(request, "staff")
    if refused:
        return refused
    desk, store, checks = request.app.ctx.help_desk, request.app.ctx.store, request.app.ctx.identity_checks
    confirmed = form_value(request, "decision") == "confirm"
    staff = _who(request)[0]

    def decide() -> None:
        row = desk.take_over(request_id, staff)
        if not row.get("identity_check") or checks is None:
            raise Refused("这个求助不需要核对身份。", 400)
        checks.decide(row["identity_check"], staff, confirmed)
        store.send_to_kiosk(row["kiosk_id"], {"type": "identity_checked", "check_id": row["identity_check"]})

    try:
        await asyncio.get_running_loop().run_in_executor(None, decide)
    except Refused as why:
        return message(request, why.message, status=why.status, back=f"/help/{request_id}")
    return redirect(f"/help/{request_id}")
