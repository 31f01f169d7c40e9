"""Logins against the real console: the back-off after wrong passwords (per account, told in
words on the page in a real browser; per address), PBKDF2 off the event loop, the same time
for unknown names, and session tokens stored only as hashes."""

from __future__ import annotations

import hashlib
import sqlite3
import statistics
import threading
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

from console.auth import Accounts
from console.server import store_for
from console.throttle import Backoff, wait_words
from tests.console.conftest import PASSWORD, http_from, log_in


def test_the_wait_doubles_after_the_free_failures_up_to_its_cap():
    backoff = Backoff(free_failures=5, first_wait_seconds=30, max_wait_seconds=900)
    assert [backoff.wait_after(n) for n in range(4, 12)] == [0, 30, 60, 120, 240, 480, 900, 900]
    assert backoff.wait_after(10 ** 6) == 900
    assert (wait_words(30), wait_words(29.2), wait_words(61), wait_words(900)) == ("30 秒", "30 秒", "2 分钟",
                                                                                "15 分钟")


def test_a_throttled_login_is_told_in_words_in_the_browser(console_url, browser, output_dir):
    for attempt in range(5):
        log_in(browser, console_url, "zhao", password=f"wrong-{attempt}", expect="")
        WebDriverWait(browser, 20).until(seen.presence_of_element_located((By.CSS_SELECTOR, "p.error")))
    shown = browser.find_element(By.CSS_SELECTOR, "p.error").text
    assert "密码错的次数太多了" in shown and "请等 30 秒再试" in shown, shown
    browser.save_screenshot(str(output_dir / "login-throttled.png"))
    # While the wait lasts even the right password is not tried (and says so).
    log_in(browser, console_url, "zhao", password=PASSWORD, expect="")
    WebDriverWait(browser, 20).until(seen.presence_of_element_located((By.CSS_SELECTOR, "p.error")))
    assert "请等" in browser.find_element(By.CSS_SELECTOR, "p.error").text
    assert "/login" in browser.current_url


def test_one_address_trying_many_accounts_is_held_back(console_url):
    http = http_from("127.0.0.3")
    for number in range(20):  # 20 unknown names, one try each: no account reaches its own limit
        answer = http.post(f"{console_url}/login", data={"username": f"guess{number}", "password": "x" * 8})
        assert answer.status_code in (401, 429)
    assert answer.status_code == 429 and "请等 30 秒再试" in answer.text
    refused = http.post(f"{console_url}/login", data={"username": "xiaoli", "password": PASSWORD},
                        allow_redirects=False)
    assert refused.status_code == 429 and "请等" in refused.text
    # Another address is not affected.
    other = http_from("127.0.0.4").post(f"{console_url}/login", data={"username": "xiaoli", "password": PASSWORD},
                                        allow_redirects=False)
    assert other.status_code == 302


def test_parallel_logins_do_not_stall_other_pages(stack, console_url):
    """16 logins at once (each ~0.1 s of PBKDF2) while a page is fetched again and again: every
    login succeeds and the page keeps being served throughout."""
    accounts = Accounts(store_for(stack.settings), 1800, 8 * 3600)
    for number in range(16):
        accounts.add_user(f"crowd{number}", "volunteer", PASSWORD)
    timings, done, answers = [], threading.Event(), []

    def log_in_once(number: int) -> None:
        answers.append(http_from("127.0.0.5").post(f"{console_url}/login", allow_redirects=False, timeout=60,
                                                   data={"username": f"crowd{number}", "password": PASSWORD}))

    def fetch_pages() -> None:
        http = http_from("127.0.0.6")
        while not done.is_set():
            started = time.perf_counter()
            assert http.get(f"{console_url}/login", timeout=30).status_code == 200
            timings.append(time.perf_counter() - started)

    logins = [threading.Thread(target=log_in_once, args=(number,)) for number in range(16)]
    pages = threading.Thread(target=fetch_pages)
    pages.start()
    time.sleep(0.2)
    burst_started = time.perf_counter()
    for thread in logins:
        thread.start()
    for thread in logins:
        thread.join()
    burst = time.perf_counter() - burst_started
    done.set()
    pages.join()
    p90 = statistics.quantiles(timings, n=10)[-1]
    print(f"16 logins took {burst:.2f} s; page p50 {statistics.median(timings) * 1000:.0f} ms, "
          f"p90 {p90 * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms over {len(timings)} fetches")
    assert [answer.status_code for answer in answers] == [302] * 16
    assert len(timings) >= 10
    # Pages kept being served through the burst (how fast is a figure for people, printed above:
    # measured on 2 shared cores, in the pool p90 8 ms, max 42-63 ms; on the event loop p90
    # 125 ms, max 450-876 ms).
    assert all(seconds < 30 for seconds in timings)


def test_unknown_names_cost_the_same_time_as_wrong_passwords(stack, console_url):
    accounts = Accounts(store_for(stack.settings), 1800, 8 * 3600)
    for name in ("timing_a", "timing_b"):
        accounts.add_user(name, "volunteer", PASSWORD)
    http = http_from("127.0.0.7")

    def timed(username: str) -> float:
        started = time.perf_counter()
        assert http.post(f"{console_url}/login", data={"username": username, "password": "not-it-9"}).status_code == 401
        return time.perf_counter() - started

    known, unknown = [], []
    for number in range(6):  # interleaved, so a busy moment on the machine hits both alike
        known.append(timed(("timing_a", "timing_b")[number % 2]))  # 3 each: below the account's 5 free failures
        unknown.append(timed(f"nobody{number}"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2, (known, unknown)  # without the stand-in hash an unknown name answers ~20x faster
    assert statistics.median(unknown) > 0.03  # the hashing really ran


def test_session_tokens_are_stored_only_as_hashes(stack, console_url):
    http = http_from("127.0.0.8")
    answer = http.post(f"{console_url}/login", data={"username": "laoli", "password": PASSWORD},
                       allow_redirects=False)
    token = answer.cookies["console_session"]
    assert "HttpOnly" in answer.headers["Set-Cookie"] and "Secure" not in answer.headers["Set-Cookie"]  # plain HTTP
    with sqlite3.connect(stack.settings.data_dir / "centre-console.sqlite3") as db:
        stored = {row[0] for row in db.execute("SELECT token FROM sessions")}
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert http.get(f"{console_url}/help", allow_redirects=False).status_code == 200
