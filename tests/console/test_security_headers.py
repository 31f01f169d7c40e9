"""Headers on every response (pages, static files, the kiosk API, errors), a policy strict
enough that no inline script or style could run, and the console over HTTPS (its own
process, a self-signed certificate): Secure cookies, HSTS, a kiosk that checks the
certificate."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import requests

from console.kiosk_keys import KioskKeys
from console.server import store_for
from kiosk.console_link import ConsoleLink
from kiosk.help_queue import HelpQueue
from tests.console.conftest import PASSWORD, OwnConsole, logged_in

TEMPLATES = Path(__file__).resolve().parents[2] / "console" / "templates"


def assert_headers(response: requests.Response, tls: bool = False) -> None:
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert ("Strict-Transport-Security" in headers) == tls


def test_every_kind_of_response_carries_the_headers(console_url):
    staff, _csrf = logged_in(console_url, "wang")
    for response in (requests.get(f"{console_url}/login"), staff.get(f"{console_url}/help"),
                     staff.get(f"{console_url}/usage"), staff.get(f"{console_url}/parked"),
                     requests.get(f"{console_url}/static/console.js"),
                     requests.get(f"{console_url}/api/kiosks/k1/events"),  # 401
                     requests.get(f"{console_url}/no-such-page"),  # 404
                     requests.post(f"{console_url}/api/kiosks/k1/help", data=b"x" * (600 * 1024))):  # 413
        assert_headers(response)
    assert requests.get(f"{console_url}/no-such-page").text.count("没有这一页") == 1


def test_templates_have_no_inline_script_or_style():
    """What the policy forbids is not there to begin with (so nothing breaks under it)."""
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert not re.search(r"\son[a-z]+\s*=", text), template.name
        assert not re.search(r"\sstyle\s*=|<style", text), template.name


@pytest.fixture(scope="module")
def tls_console(stack, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls-console")
    certificate, key = folder / "console.crt", folder / "console.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True)
    console = OwnConsole(stack, folder, {"tls_certificate": str(certificate), "tls_key": str(key),
                                         "ca_certificate": str(certificate)})
    console.start(verify=str(certificate))
    yield console, str(certificate)
    console.stop()


def test_over_tls_cookies_are_secure_and_hsts_is_sent(tls_console):
    console, certificate = tls_console
    assert console.url.startswith("https://")
    page = requests.get(f"{console.url}/login", verify=certificate, timeout=10)
    assert_headers(page, tls=True)
    answer = requests.post(f"{console.url}/login", data={"username": "wang", "password": PASSWORD},
                           verify=certificate, allow_redirects=False, timeout=30)
    cookie = answer.headers["Set-Cookie"]
    assert answer.status_code == 302 and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    help_page = requests.get(f"{console.url}/help", cookies=answer.cookies, verify=certificate, timeout=10)
    assert help_page.status_code == 200
    assert_headers(help_page, tls=True)
    with pytest.raises(requests.exceptions.SSLError):  # a kiosk that does not trust it refuses to talk
        requests.get(f"{console.url}/login", timeout=10)
    plain = console.url.replace("https://", "http://")
    with pytest.raises(requests.RequestException):
        requests.get(f"{plain}/login", timeout=10).raise_for_status()


def test_a_kiosk_reaches_an_https_console_checking_its_certificate(tls_console, tmp_path):
    console, _certificate = tls_console
    settings = console.settings
    key = KioskKeys(store_for(settings)).add("kiosk-tls-1")
    queue = HelpQueue(tmp_path / "queue.sqlite3")
    queue.raise_request("kiosk-tls-1", "id_number", "pension", ["居民：你好"])
    link = ConsoleLink(settings.console.base_url, key, "kiosk-tls-1", queue, on_event=lambda event: None,
                       ca_certificate=settings.console.ca_certificate)
    link.exchange_once()
    assert queue.open_requests() == []
