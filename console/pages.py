"""Pages for volunteers and staff: log in and out, lessons and the class view, usage figures.
Help requests are in console/help_pages.py, parked submissions in console/parked_pages.py."""

from __future__ import annotations

import time

from sanic import Blueprint, Request, text
from sanic.response import HTTPResponse, redirect

from console import charts
from console.app import COOKIE, form_value, render, require
from console.throttle import wait_words
from console.usage import csv_export, help_summary, summary

pages = Blueprint("pages")
STUCK_SECONDS = 60
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"  # matplotlib styles inline; an image runs no script


@pages.get("/login")
async def login_form(request: Request) -> HTTPResponse:
    return render(request, "login.html")


@pages.post("/login")
async def log_in(request: Request) -> HTTPResponse:
    outcome = await request.app.ctx.accounts.log_in(form_value(request, "username"), form_value(request, "password"),
                                                    request.ip or "")
    if outcome.session is None:
        if outcome.wait_seconds > 0:
            error = f"密码错的次数太多了。为了安全，请等 {wait_words(outcome.wait_seconds)}再试。"
            return render(request, "login.html", status=429, error=error)
        return render(request, "login.html", status=401, error="用户名或密码不对。")
    response = redirect("/help")
    response.add_cookie(COOKIE, outcome.session.token, path="/", httponly=True, samesite="Strict",
                        secure=request.scheme == "https")
    return response


@pages.post("/logout")
async def log_out(request: Request) -> HTTPResponse:
    if request.ctx.session:
        request.app.ctx.accounts.log_out(request.ctx.session.token)
    response = redirect("/login")
    response.add_cookie(COOKIE, "", path="/", max_age=0, httponly=True, samesite="Strict",
                        secure=request.scheme == "https")
    return response


@pages.get("/")
async def root(request: Request) -> HTTPResponse:
    return redirect("/help")


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
    lesson_id, kiosk_id = form_value(request, "lesson_id"), form_value(request, "kiosk_id")
    if lesson_id in request.app.ctx.lessons and request.app.ctx.store.kiosk(kiosk_id):
        request.app.ctx.store.send_to_kiosk(kiosk_id, {"type": "start_lesson", "lesson_id": lesson_id})
    return redirect("/class")


@pages.get("/usage")
async def usage(request: Request) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    figures = summary(request.app.ctx.store.usage_rows())
    return render(request, "usage.html", figures=figures, charts=charts.available(figures),
                  help=help_summary(request.app.ctx.store.help_tallies()))


@pages.get("/charts/<name:str>")
async def usage_chart(request: Request, name: str) -> HTTPResponse:
    """Charts are images of their own: inline SVG would need inline styles on the page."""
    refused = require(request, "staff")
    if refused:
        return refused
    svg = await charts.chart(name, summary(request.app.ctx.store.usage_rows()))
    if svg is None:
        return text("没有数据。", status=404)
    return text(svg, content_type="image/svg+xml", headers={"Content-Security-Policy": SVG_CSP})


@pages.get("/usage.csv")
async def usage_csv(request: Request) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    return text(csv_export(summary(request.app.ctx.store.usage_rows())),
                headers={"Content-Disposition": "attachment; filename=usage.csv"}, content_type="text/csv")
