"""The centre console in real headless Chromium (Debian's chromium and chromedriver)."""

from __future__ import annotations

import shutil
from typing import Iterator

import pytest

from console.auth import Accounts
from console.server import store_for

PASSWORD = "correct-horse-7"


@pytest.fixture(scope="session")
def console_url(stack) -> str:
    accounts = Accounts(store_for(stack.settings), 1800, 8 * 3600)
    accounts.add_user("xiaoli", "volunteer", PASSWORD)
    accounts.add_user("wang", "staff", PASSWORD)
    return f"http://127.0.0.1:{stack.settings.console.port}"


@pytest.fixture
def browser(tmp_path) -> Iterator:
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        pytest.fail("Debian's chromium and chromium-driver are missing: make setup installs them")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def log_in(browser, console_url: str, username: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{console_url}/login")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(seen.url_contains("/help"))
