"""The centre console application: sessions, CSRF, templates, and the two sets of routes
(pages for people, a small JSON API for kiosks)."""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any, Dict, List, Optional

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request, Sanic, html, json
from sanic.response import HTTPResponse, redirect

from common.lessons import Lesson
from console.auth import Accounts
from console.store import Store

COOKIE = "console_session"
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def create_app(store: Store, kiosk_key: str, lessons: List[Lesson], idle_seconds: float = 1800,
               max_seconds: float = 8 * 3600, name: str = "centre_console") -> Sanic:
    from console import api, pages

    app = Sanic(name, configure_logging=False)
    app.ctx.store = store
    app.ctx.accounts = Accounts(store, idle_seconds, max_seconds)
    app.ctx.kiosk_key = kiosk_key
    app.ctx.lessons = {lesson.id: lesson for lesson in lessons}
    app.ctx.templates = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                                    autoescape=select_autoescape(["html"]))
    app.static("/static", str(STATIC))
    app.blueprint(pages.pages)
    app.blueprint(api.api)

    @app.on_request
    async def sessions_and_csrf(request: Request) -> Optional[HTTPResponse]:
        request.ctx.session = None
        if request.path.startswith("/api/") or request.path.startswith("/static/"):
            return None
        request.ctx.session = request.app.ctx.accounts.session(request.cookies.get(COOKIE))
        if request.method == "POST" and request.path != "/login":
            session = request.ctx.session
            sent = (request.form.get("csrf") if request.form else None) or request.headers.get("X-CSRF-Token", "")
            if session is None or not hmac.compare_digest(str(sent), session.csrf):
                return html("<h1>请求已过期，请刷新页面再试。</h1>", status=403)
        return None

    @app.on_response
    async def no_caching(request: Request, response: HTTPResponse) -> None:
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"

    return app


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    session = request.ctx.session
    page = request.app.ctx.templates.get_template(template).render(session=session, **context)
    return html(page, status=status)


def require(request: Request, role: str = "volunteer") -> Optional[HTTPResponse]:
    """A redirect to the login page, or a refusal, when the visitor may not see this page."""
    session = request.ctx.session
    if session is None:
        return redirect("/login")
    if role == "staff" and session.role != "staff":
        return html("<h1>这一页只有工作人员能看。</h1>", status=403)
    return None


def kiosk_allowed(request: Request) -> Optional[HTTPResponse]:
    supplied = request.headers.get("Authorization", "")
    if not hmac.compare_digest(supplied.encode(), f"Bearer {request.app.ctx.kiosk_key}".encode()):
        return json({"error": "unauthorised"}, status=401)
    return None


def help_view(request_row: Dict[str, Any], now: float) -> Dict[str, Any]:
    waited = int(now - request_row["created_at"])
    return dict(request_row, waited=f"{waited // 60}分{waited % 60:02d}秒")
