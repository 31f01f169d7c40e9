"""The centre console in real headless Chromium (Debian's chromium and chromedriver), over real
HTTP against the session's console process, plus consoles of their own where a test needs
other settings (HTTPS, a fleet's rules, another action server)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import requests
import yaml
from requests.adapters import HTTPAdapter

from config import load_settings
from config.settings import OVERRIDE_ENV, REPO_ROOT
from console.auth import Accounts
from console.kiosk_keys import KioskKeys
from console.server import store_for
from runtime.supervisor import main_py
from tests.stack import free_port

PASSWORD = "correct-horse-7"
USERS = {"xiaoli": "volunteer", "laoli": "volunteer", "wang": "staff", "zhao": "volunteer"}


@pytest.fixture(scope="session")
def console_url(stack) -> str:
    accounts = Accounts(store_for(stack.settings), 1800, 8 * 3600)
    for username, role in USERS.items():
        accounts.add_user(username, role, PASSWORD)
    return f"http://127.0.0.1:{stack.settings.console.port}"


def kiosk_key(stack, kiosk_id: str) -> str:
    """Register a kiosk the way `main.py add-kiosk` does (same database); its new key."""
    return KioskKeys(store_for(stack.settings)).add(kiosk_id)


class FromAddress(HTTPAdapter):
    """Connections from another loopback address (127.0.0.x), so login limits per address can
    be tested without throttling every other test, which comes from 127.0.0.1."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def http_from(address: str = "127.0.0.1") -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    session.mount("https://", FromAddress(address))
    return session


def logged_in(console_url: str, username: str, address: str = "127.0.0.1",
              verify: Any = True) -> Tuple[requests.Session, str]:
    """A requests session logged in as `username`, and its CSRF token."""
    session = http_from(address)
    session.verify = verify
    page = session.post(f"{console_url}/login", data={"username": username, "password": PASSWORD}, timeout=30)
    assert page.status_code == 200, page.text
    return session, re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


@pytest.fixture
def make_browser(tmp_path) -> Iterator[Callable[[], Any]]:
    """Start headless Chromium windows (one per person in a test); all closed afterwards."""
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        pytest.fail("Debian's chromium and chromium-driver are missing: make setup installs them")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    drivers: List[Any] = []

    def start(*extra_flags: str) -> Any:
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1400,1000", f"--user-data-dir={tmp_path / f'profile{len(drivers)}'}",
                     *extra_flags):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP violations are logged there
        driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
        driver.implicitly_wait(0)
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        driver.quit()


@pytest.fixture
def browser(make_browser) -> Any:
    return make_browser()


def csp_violations(browser) -> list:
    return [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]


def page_replaced(element: Any) -> Callable[[Any], bool]:
    """A wait condition: `element`'s page has been replaced (a form was posted and the answer
    came back). Selenium's `staleness_of` knows only StaleElementReferenceException; while the
    old page is being torn down chromedriver may instead answer "Node with given id does not
    belong to the document", which says the same thing."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def replaced(_driver: Any) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error.msg):
                return True
            raise
        return False

    return replaced


def log_in(browser, console_url: str, username: str, password: str = PASSWORD, expect: str = "/help") -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{console_url}/login")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    if expect:
        try:
            WebDriverWait(browser, 20).until(seen.url_contains(expect))
        except TimeoutException as error:
            raise AssertionError(f"{username} did not reach {expect}: {browser.current_url}\n"
                                 f"{browser.find_element(By.TAG_NAME, 'body').text}") from error


class OwnConsole:
    """A console process of a test's own (`main.py centre-console`), with the stack's
    settings plus `console` and `dialogue` overrides, its own port and database."""

    def __init__(self, stack, folder: Path, console: Dict[str, Any], dialogue: Optional[Dict[str, Any]] = None,
                 env: Optional[Dict[str, str]] = None) -> None:
        raw = yaml.safe_load(Path(stack.config_path).read_text(encoding="utf-8"))
        raw["paths"] = {"data_dir": str(folder / "data"), "log_dir": str(folder / "logs")}
        raw.setdefault("console", {}).update({"port": free_port(), **console})
        raw.setdefault("dialogue", {}).update(dialogue or {})
        self.config_path = folder / "settings.yaml"
        self.config_path.parent.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        self.settings = load_settings(str(self.config_path))
        self.url = self.settings.console.base_url
        self.env = dict(stack.env, **(env or {}), **{OVERRIDE_ENV: str(self.config_path)})
        self.log = folder / "console.out"
        self.process: Optional[subprocess.Popen] = None

    def add_users(self) -> None:
        accounts = Accounts(store_for(self.settings), 1800, 8 * 3600)
        for username, role in USERS.items():
            accounts.add_user(username, role, PASSWORD)

    def start(self, verify: Any = True) -> OwnConsole:
        self.add_users()
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(main_py("centre-console"), cwd=REPO_ROOT, env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")
            try:
                if requests.get(f"{self.url}/login", timeout=2, verify=verify).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the console at {self.url} did not start: {self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, 15)  # its own process group: only what this test started
            self.process.wait(timeout=20)


OUTBOX_KEY = "outbox-key-for-the-fake-action-server"


@pytest.fixture(scope="session")
def fake_outbox() -> Iterator[Any]:
    from tests.console.fake_outbox import FakeOutbox

    outbox = FakeOutbox(OUTBOX_KEY).start()
    yield outbox
    outbox.stop()


@pytest.fixture(scope="session")
def fleet_console(stack, fake_outbox, tmp_path_factory) -> Iterator[OwnConsole]:
    """A console with a fleet's rules (dialogue.rasa_url set: no local kiosk) whose parked
    submissions come from the fake action server."""
    console = OwnConsole(stack, tmp_path_factory.mktemp("fleet-console"), {"outbox_url": fake_outbox.url},
                         dialogue={"rasa_url": "http://127.0.0.1:9"},
                         env={stack.settings.dialogue.outbox_key_env: OUTBOX_KEY}).start()
    yield console
    console.stop()
