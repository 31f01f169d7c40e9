"""Who may act on a help request, in real browsers: only the volunteer who claimed it types
for the resident or closes it; another volunteer is told why not, in words; staff take it
over, and the page shows who took it from whom, and when. Done requests leave nothing of
the resident's words in the console's database file, only a count."""

from __future__ import annotations

import re
import sqlite3
import time

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

from console.help_desk import HelpDesk
from console.store import Store
from tests.console.conftest import csp_violations, log_in, logged_in, page_replaced
from tests.console.test_help_desk import kiosk_link

WORDS = "居民：我家门口那棵杨梅树倒了"


def _raise(stack, tmp_path, kiosk_id, events):
    queue, link = kiosk_link(stack, tmp_path, kiosk_id, events)
    queue.raise_request(kiosk_id, "free_speech", "hotline_report", [WORDS])
    link.exchange_once()
    return link


def _card(browser, selector: str) -> dict:
    """What a card in the live list says; retried when the list is redrawn while it is read."""

    def read(driver):
        card = driver.find_element(By.CSS_SELECTOR, selector)
        return {"id": int(card.get_attribute("data-id")), "text": card.text,
                "buttons": len(card.find_elements(By.CSS_SELECTOR, "button"))}

    return WebDriverWait(browser, 20, ignored_exceptions=[NoSuchElementException, StaleElementReferenceException]
                         ).until(read)


def _open(browser, console_url, request_id):
    browser.get(f"{console_url}/help/{request_id}")
    return WebDriverWait(browser, 20).until(seen.presence_of_element_located((By.TAG_NAME, "main")))


def _console_file_text(stack) -> str:
    folder = stack.settings.data_dir
    return b"".join(path.read_bytes() for path in folder.glob("centre-console.sqlite3*")).decode("utf-8", "replace")


def test_only_the_claimer_types_or_closes_and_staff_take_over(stack, console_url, make_browser, tmp_path,
                                                              output_dir):
    events = []
    link = _raise(stack, tmp_path, "kiosk-claim1", events)
    xiaoli, laoli = make_browser(), make_browser()
    log_in(xiaoli, console_url, "xiaoli")
    request_id = _card(xiaoli, "li.request[data-kiosk='kiosk-claim1']")["id"]
    _open(xiaoli, console_url, request_id)
    xiaoli.find_element(By.CSS_SELECTOR, "button.claim").click()
    WebDriverWait(xiaoli, 20).until(seen.presence_of_element_located((By.CSS_SELECTOR, "button.done")))

    # Another volunteer sees whose it is, and has no buttons for it.
    log_in(laoli, console_url, "laoli")
    _open(laoli, console_url, request_id)
    owner = laoli.find_element(By.CSS_SELECTOR, "p.owner").text
    assert "xiaoli 在帮忙。只有 xiaoli 能帮居民输入或结束这个求助。" in owner
    assert not laoli.find_elements(By.CSS_SELECTOR, "button.done, button.take-over, input[name=text]")
    laoli.get(f"{console_url}/help")
    theirs = _card(laoli, f"li.request[data-id='{request_id}']")
    assert "xiaoli 在帮忙" in theirs["text"] and theirs["buttons"] == 0
    # Posting anyway (with a valid session and CSRF token) is refused in words, not with a 500.
    http, csrf = logged_in(console_url, "laoli")
    for action in ("done", "type", "ask-consent"):
        refused = http.post(f"{console_url}/help/{request_id}/{action}", data={"csrf": csrf, "text": "我来"})
        assert refused.status_code == 403 and "只有 xiaoli 能输入或结束它" in refused.text, action

    # The resident agrees; the claimer types for them.
    link.report(consent=1)
    link.exchange_once()
    _open(xiaoli, console_url, request_id)
    typed = xiaoli.find_element(By.NAME, "text")
    typed.send_keys("路灯坏了")
    xiaoli.find_element(By.XPATH, "//button[text()='发到自助机']").click()
    WebDriverWait(xiaoli, 20).until(page_replaced(typed))  # the form was sent and the page came back
    WebDriverWait(xiaoli, 20).until(seen.presence_of_element_located((By.NAME, "text")))
    link.exchange_once()
    assert {"type": "volunteer_text", "text": "路灯坏了"} in events

    # Staff take it over: recorded with the time, shown on the page.
    log_in(laoli, console_url, "wang")  # the second window logs in as staff now
    _open(laoli, console_url, request_id)
    laoli.find_element(By.CSS_SELECTOR, "button.take-over").click()
    handover = WebDriverWait(laoli, 20).until(seen.presence_of_element_located((By.CSS_SELECTOR, ".handovers li")))
    assert re.fullmatch(r"\d\d:\d\d wang 从 xiaoli 手里接手", handover.text), handover.text
    laoli.save_screenshot(str(output_dir / "taken-over.png"))
    # xiaoli's page is now out of date: typing there is refused, and says who has it.
    xiaoli.find_element(By.NAME, "text").send_keys("我还在")
    xiaoli.find_element(By.XPATH, "//button[text()='发到自助机']").click()
    told = WebDriverWait(xiaoli, 20).until(seen.presence_of_element_located((By.CSS_SELECTOR, "p.message")))
    assert "这个求助由 wang 在帮忙，只有 wang 能输入或结束它。" in told.text
    xiaoli.save_screenshot(str(output_dir / "refused.png"))
    link.exchange_once()
    assert {"type": "volunteer_text", "text": "我还在"} not in events
    _open(xiaoli, console_url, request_id)
    assert "wang 从 xiaoli 手里接手" in xiaoli.page_source

    # Staff close it: it is gone, its words with it.
    assert WORDS in _console_file_text(stack)
    _open(laoli, console_url, request_id)
    laoli.find_element(By.CSS_SELECTOR, "button.done").click()
    WebDriverWait(laoli, 20).until(seen.url_matches(r"/help$"))
    assert not laoli.find_elements(By.CSS_SELECTOR, f"li.request[data-id='{request_id}']")
    assert csp_violations(xiaoli) == [] and csp_violations(laoli) == []
    assert WORDS not in _console_file_text(stack)  # not in the table, the free pages or the write-ahead log
    _open(xiaoli, console_url, request_id)
    assert "这个求助已经办好了，或者已经不在了。" in xiaoli.page_source
    with sqlite3.connect(stack.settings.data_dir / "centre-console.sqlite3") as db:
        tallies = db.execute("SELECT outcome, requests FROM help_tallies WHERE kiosk_id='kiosk-claim1'").fetchall()
        handovers = db.execute("SELECT count(*) FROM help_handovers WHERE request_id=?", (request_id,)).fetchone()
    assert tallies == [("done", 1)] and handovers == (0,)


def test_a_second_claim_is_told_who_has_it(stack, console_url, tmp_path):
    _raise(stack, tmp_path, "kiosk-claim2", [])
    first, first_csrf = logged_in(console_url, "xiaoli")
    second, second_csrf = logged_in(console_url, "laoli")
    request_id = max(int(x) for x in re.findall(r'data-id="(\d+)"', first.get(f"{console_url}/help").text))
    assert first.post(f"{console_url}/help/{request_id}/claim", data={"csrf": first_csrf}).status_code == 200
    late = second.post(f"{console_url}/help/{request_id}/claim", data={"csrf": second_csrf})
    assert late.status_code == 409 and "xiaoli 已经在帮这位居民了。" in late.text
    volunteer_takeover = second.post(f"{console_url}/help/{request_id}/take-over", data={"csrf": second_csrf})
    assert volunteer_takeover.status_code == 403 and "只有工作人员能看" in volunteer_takeover.text
    unclaimed = second.post(f"{console_url}/help/999999/done", data={"csrf": second_csrf})
    assert unclaimed.status_code == 404 and "已经不在了" in unclaimed.text
    first.post(f"{console_url}/help/{request_id}/done", data={"csrf": first_csrf})


def test_open_requests_past_the_retention_limit_are_deleted_and_counted(tmp_path):
    store = Store(tmp_path / "console.sqlite3")
    desk = HelpDesk(store, retention_seconds=24 * 3600)
    old = desk.raise_help("kiosk-r1", "pension", "id_number", ["居民：你好"])
    claimed = desk.raise_help("kiosk-r1", "pension", "id_number", ["居民：我要查养老金"])
    desk.claim(claimed, "xiaoli")
    assert desk.purge(time.time() + 3600) == 0  # a day has not passed
    assert desk.purge(time.time() + 25 * 3600) == 2  # open or claimed: both go after a day
    assert desk.request(old) is None and desk.request(claimed) is None and desk.requests() == []
    assert [(row["outcome"], row["requests"]) for row in store.help_tallies()] == [("expired", 2)]
    store.send_to_kiosk("kiosk-r1", {"type": "volunteer_text", "text": "13907971234"})
    assert store.purge_inbox(time.time() + 1) == 2  # messages no kiosk came for (the claim, the words) go too
    assert b"13907971234" not in b"".join(path.read_bytes() for path in tmp_path.glob("console.sqlite3*"))
