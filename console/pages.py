"""Pages for volunteers and staff: log in, help requests (live), a request's detail and
typing into the kiosk with consent, lessons and the class view, usage figures."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time

from sanic import Blueprint, Request, text
from sanic.response import HTTPResponse, redirect

from console import charts
from console.app import COOKIE, help_view, render, require
from console.usage import csv_export, summary

pages = Blueprint("pages")
STUCK_SECONDS = 60


@pages.get("/login")
async def login_form(request: Request) -> HTTPResponse:
    return render(request, "login.html")


@pages.post("/login")
async def log_in(request: Request) -> HTTPResponse:
    session = request.app.ctx.accounts.log_in(request.form.get("username", ""), request.form.get("password", ""))
    if session is None:
        return render(request, "login.html", status=401, error="用户名或密码不对。")
    response = redirect("/help")
    response.add_cookie(COOKIE, session.token, path="/", httponly=True, samesite="Strict",
                        secure=request.scheme == "https")
    return response


@pages.post("/logout")
async def log_out(request: Request) -> HTTPResponse:
    if request.ctx.session:
        request.app.ctx.accounts.log_out(request.ctx.session.token)
    response = redirect("/login")
    response.delete_cookie(COOKIE, path="/")
    return response


@pages.get("/")
async def root(request: Request) -> HTTPResponse:
    return redirect("/help")


def _help_list(request: Request):
    now = time.time()
    return [help_view(row, now) for row in request.app.ctx.store.help_requests()]


@pages.get("/help")
async def help_page(request: Request) -> HTTPResponse:
    return require(request) or render(request, "help.html", requests=_help_list(request))


@pages.get("/help/list")
async def help_fragment(request: Request) -> HTTPResponse:
    return require(request) or render(request, "help_list.html", requests=_help_list(request))


@pages.get("/help/stream")
async def help_stream(request: Request) -> HTTPResponse:
    """Server-sent events: a 'changed' event whenever the list of requests changes."""
    refused = require(request)
    if refused:
        return refused
    response = await request.respond(content_type="text/event-stream", headers={"Cache-Control": "no-store"})
    last = ""
    for _ in range(3600):  # an hour, then the browser reconnects by itself
        rows = request.app.ctx.store.help_requests()
        version = hashlib.sha256(json.dumps([(r["id"], r["status"]) for r in rows]).encode()).hexdigest()
        if version != last:
            last = version
            await response.send(f"event: changed\ndata: {version}\n\n")
        await asyncio.sleep(1)
    await response.eof()
    return response


@pages.post("/help/<request_id:int>/claim")
async def claim(request: Request, request_id: int) -> HTTPResponse:
    refused = require(request)
    if refused:
        return refused
    request.app.ctx.store.claim(request_id, request.ctx.session.username)
    return redirect(f"/help/{request_id}")


@pages.post("/help/<request_id:int>/done")
async def done(request: Request, request_id: int) -> HTTPResponse:
    refused = require(request)
    if refused:
        return refused
    request.app.ctx.store.finish(request_id)
    return redirect("/help")


@pages.get("/help/<request_id:int>")
async def detail(request: Request, request_id: int) -> HTTPResponse:
    refused = require(request)
    if refused:
        return refused
    row = request.app.ctx.store.help_request(request_id)
    if row is None:
        return text("没有这个求助。", status=404)
    kiosk = request.app.ctx.store.kiosk(row["kiosk_id"]) or {}
    return render(request, "help_detail.html", help=help_view(row, time.time()), consent=bool(kiosk.get("consent")))


@pages.post("/help/<request_id:int>/ask-consent")
async def ask_consent(request: Request, request_id: int) -> HTTPResponse:
    refused = require(request)
    if refused:
        return refused
    row = request.app.ctx.store.help_request(request_id)
    if row:
        request.app.ctx.store.send_to_kiosk(row["kiosk_id"], {"type": "ask_consent"})
    return redirect(f"/help/{request_id}")


@pages.post("/help/<request_id:int>/type")
async def type_into_kiosk(request: Request, request_id: int) -> HTTPResponse:
    """Only with the resident's consent, which the kiosk reports and which ends with the visit."""
    refused = require(request)
    if refused:
        return refused
    store = request.app.ctx.store
    row = store.help_request(request_id)
    words = (request.form.get("text") or "").strip()[:200]
    if row and words and (store.kiosk(row["kiosk_id"]) or {}).get("consent"):
        store.send_to_kiosk(row["kiosk_id"], {"type": "volunteer_text", "text": words})
    return redirect(f"/help/{request_id}")


@pages.get("/class")
async def class_view(request: Request) -> HTTPResponse:
    refused = require(request)
    if refused:
        return refused
    now = time.time()
    lessons = request.app.ctx.lessons
    rows = []
    for kiosk in request.app.ctx.store.kiosks():
        lesson = lessons.get(kiosk.get("lesson_id") or "")
        on_step = now - (kiosk.get("step_since") or now)
        rows.append(dict(kiosk, lesson=lesson.title if lesson else "", on_step=int(on_step),
                         stuck=bool(lesson) and (on_step > STUCK_SECONDS or (kiosk.get("hints") or 0) >= 2)))
    return render(request, "class.html", kiosks=rows, lessons=list(lessons.values()))


@pages.post("/lessons/start")
async def start_lesson(request: Request) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    lesson_id, kiosk_id = request.form.get("lesson_id", ""), request.form.get("kiosk_id", "")
    if lesson_id in request.app.ctx.lessons and request.app.ctx.store.kiosk(kiosk_id):
        request.app.ctx.store.send_to_kiosk(kiosk_id, {"type": "start_lesson", "lesson_id": lesson_id})
    return redirect("/class")


@pages.get("/usage")
async def usage(request: Request) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    figures = summary(request.app.ctx.store.usage_rows())
    return render(request, "usage.html", figures=figures, charts=charts.for_summary(figures))


@pages.get("/usage.csv")
async def usage_csv(request: Request) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    return text(csv_export(summary(request.app.ctx.store.usage_rows())),
                headers={"Content-Disposition": "attachment; filename=usage.csv"}, content_type="text/csv")
