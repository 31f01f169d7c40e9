"""The centre console application: sessions, CSRF, security headers, templates, and the sets
of routes (pages for people, a small JSON API for kiosks).

Every response carries a strict Content-Security-Policy (scripts and styles only from
/static, nothing inline), so a line a resident said can never run as script on the desk even
if escaping failed somewhere; over TLS also HSTS. Errors a visitor can cause are answered
with a plain sentence (pages) or a JSON message (API), never a stack trace.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from pathlib import Path
from typing import Any, List, Optional, Tuple

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request, Sanic, html, json
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, redirect

from common.lessons import Lesson
from config.service_settings import ConsoleSettings
from console.auth import Accounts
from console.help_desk import HelpDesk
from console.identity_checks import IdentityChecks
from console.kiosk_keys import KioskKeys
from console.parked import ParkedClient
from console.store import Store
from console.throttle import Backoff, LoginThrottle

logger = logging.getLogger(__name__)

COOKIE = "console_session"
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
MAX_BODY_BYTES = 512 * 1024  # a kiosk's 2000 usage events are ~200 KB
CLEAN_EVERY_SECONDS = 60
# media-src blob: lets the voice pack page play back a take recorded in this page, before upload.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "media-src 'self' blob:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HSTS = "max-age=31536000"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
STATUS_WORDS = {400: "这个请求看不懂。", 403: "这一页您不能打开。", 404: "没有这一页。", 405: "这一页不能这样打开。",
                413: "发来的内容太多了。", 429: "请求太频繁了，请稍后再试。"}


def create_app(store: Store, lessons: List[Lesson], console: Optional[ConsoleSettings] = None,
               local_kiosk: Optional[Tuple[str, str]] = None, parked: Optional[ParkedClient] = None,
               name: str = "centre_console", identity_checks: Optional[IdentityChecks] = None,
               voice_packs: Optional[Path] = None) -> Sanic:
    from console import api, certification_checks, help_pages, kiosk_pages, pages, parked_pages, voice_pages
    from console.certification_checks import CertificationChecks

    console = console or ConsoleSettings()
    app = Sanic(name, configure_logging=False)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.ctx.store = store
    backoff_cap = console.login_max_wait_minutes * 60
    app.ctx.accounts = Accounts(store, console.session_idle_minutes * 60, console.session_max_hours * 3600,
                                LoginThrottle(store,
                                              Backoff(console.login_free_failures, console.login_first_wait_seconds,
                                                      backoff_cap),
                                              Backoff(console.login_free_failures_per_address,
                                                      console.login_first_wait_seconds, backoff_cap)))
    app.ctx.help_desk = HelpDesk(store, console.help_retention_hours * 3600)
    app.ctx.kiosk_keys = KioskKeys(store, local_kiosk)
    app.ctx.parked = parked
    app.ctx.identity_checks = identity_checks
    # Staff certifying the pension in person: the same portal client as the identity checks.
    app.ctx.certification_checks = CertificationChecks(identity_checks.portal) if identity_checks else None
    app.ctx.lessons = {lesson.id: lesson for lesson in lessons}
    app.ctx.voice_packs = voice_packs  # the voice packs' folder (None: this desk records none)
    app.ctx.voice_catalogue = None  # the prompt catalogue, read on first use
    app.ctx.templates = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                                    autoescape=select_autoescape(["html"]))
    app.static("/static", str(STATIC))
    for blueprint in (pages.pages, help_pages.help_pages, certification_checks.certification_pages,
                      parked_pages.parked_pages, voice_pages.voice_pages, kiosk_pages.kiosk_pages, api.api):
        app.blueprint(blueprint)

    @app.before_server_start
    async def warm_up(app: Sanic) -> None:
        await app.ctx.accounts.warm_up()

    @app.after_server_start
    async def start_cleaning(app: Sanic) -> None:
        app.add_task(_clean(app), name="console-cleaning")

    @app.on_request
    async def sessions_and_csrf(request: Request) -> Optional[HTTPResponse]:
        request.ctx.session = None
        if request.path.startswith("/api/") or request.path.startswith("/static/"):
            return None
        request.ctx.session = request.app.ctx.accounts.session(request.cookies.get(COOKIE))
        if request.method not in SAFE_METHODS and request.path != "/login":
            session = request.ctx.session
            sent = form_value(request, "csrf") or request.headers.get("X-CSRF-Token", "")
            if session is None or not hmac.compare_digest(sent.encode("utf-8", "surrogatepass"),
                                                          session.csrf.encode()):
                return message(request, "请求已过期，请刷新页面再试。", status=403)
        return None

    @app.on_response
    async def security_headers(request: Request, response: HTTPResponse) -> None:
        headers = response.headers
        headers.setdefault("Cache-Control", "no-store")
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.scheme == "https":
            headers["Strict-Transport-Security"] = HSTS

    @app.exception(SanicException)
    async def plain_errors(request: Request, error: SanicException) -> HTTPResponse:
        status = getattr(error, "status_code", 500) or 500
        if status >= 500:
            logger.error("console error on %s: %s", request.path, type(error).__name__)
        if request.path.startswith("/api/"):
            return json({"error": str(error) or STATUS_WORDS.get(status, "error")}, status=status)
        return message(request, STATUS_WORDS.get(status, "出了点问题，请刷新页面再试。"), status=status)

    @app.exception(Exception)
    async def unexpected(request: Request, error: Exception) -> HTTPResponse:
        logger.exception("console error on %s", request.path)  # logs are masked after formatting
        if request.path.startswith("/api/"):
            return json({"error": "internal error"}, status=500)
        return message(request, "出了点问题，请刷新页面再试。", status=500)

    return app


async def _clean(app: Sanic) -> None:
    """Once a minute: expired help requests, unread messages for kiosks, old sessions and
    login failures go; the SQLite log is emptied so deleted rows do not linger in it."""
    ctx = app.ctx
    while True:
        try:
            now = time.time()
            ctx.help_desk.purge(now)
            ctx.store.purge_inbox(now - ctx.help_desk.retention_seconds)
            ctx.accounts.forget_expired()
            if ctx.accounts.throttle is not None:
                ctx.accounts.throttle.forget_old()
            ctx.store.checkpoint()
        except Exception:  # a busy database now is no reason to stop cleaning for good
            logger.exception("console clean-up failed; trying again in a minute")
        await asyncio.sleep(CLEAN_EVERY_SECONDS)


def form_value(request: Request, name: str) -> str:
    """A form field, or '' (also for a body that is no form at all), as text any database
    stores: lone surrogates become '?', NUL characters go."""
    try:
        form = request.form
    except (SanicException, ValueError, UnicodeDecodeError):
        return ""
    value = form.get(name) if form else None
    if value is None:
        return ""
    return str(value).encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    session = getattr(request.ctx, "session", None)
    page = request.app.ctx.templates.get_template(template).render(session=session, **context)
    return html(page, status=status)


def message(request: Request, text: str, status: int = 403, back: str = "") -> HTTPResponse:
    """A page with one plain sentence: why not, and a way back."""
    return render(request, "message.html", status=status, text=text, back=back)


def require(request: Request, role: str = "volunteer") -> Optional[HTTPResponse]:
    """A redirect to the login page, or a refusal, when the visitor may not see this page."""
    session = request.ctx.session
    if session is None:
        return redirect("/login")
    if role == "staff" and session.role != "staff":
        return message(request, "这一页只有工作人员能看。", status=403, back="/help")
    return None
