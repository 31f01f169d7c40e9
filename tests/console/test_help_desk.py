"""Help requests in a real browser: one raised on a kiosk appears on the page without a
reload (under the strict Content-Security-Policy), a volunteer claims it, and the claim
reaches the kiosk. Logins, CSRF, masking, consent."""

from __future__ import annotations

import re

import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

from kiosk.console_link import ConsoleLink
from kiosk.help_queue import HelpQueue
from tests.console.conftest import csp_violations, kiosk_key, log_in, logged_in


def kiosk_link(stack, tmp_path, kiosk_id, events):
    """A kiosk's real link to the session's console, with a key of its own."""
    queue = HelpQueue(tmp_path / f"{kiosk_id}.sqlite3")
    link = ConsoleLink(f"http://127.0.0.1:{stack.settings.console.port}", kiosk_key(stack, kiosk_id), kiosk_id,
                       queue, on_event=events.append)
    return queue, link


def test_help_request_appears_live_and_the_claim_reaches_the_kiosk(stack, console_url, browser, tmp_path,
                                                                    output_dir):
    log_in(browser, console_url, "xiaoli")
    WebDriverWait(browser, 20).until(seen.presence_of_element_located((By.ID, "help-list")))
    events = []
    queue, link = kiosk_link(stack, tmp_path, "kiosk-a7", events)
    queue.raise_request("kiosk-a7", "id_number", "pension",
                        ["助手：请输入您的身份证号码。", "居民：360702195003121226", "居民：我的电话13912345678"])
    link.exchange_once()  # the kiosk's link sends it (its thread does this every two seconds)
    card = WebDriverWait(browser, 20).until(seen.presence_of_element_located(
        (By.CSS_SELECTOR, "li.request[data-kiosk='kiosk-a7']")))  # arrived without a reload
    page = browser.page_source
    assert "360702195003121226" not in page and "13912345678" not in page
    assert "3607 ********** 1226" in page and "139 **** 5678" in page
    assert "在办：查养老金 · 这一步：身份证号" in page and "id_number" not in card.text  # names, not ids
    browser.save_screenshot(str(output_dir / "help-list.png"))
    request_id = int(card.get_attribute("data-id"))
    claim = (By.CSS_SELECTOR, f"li.request[data-id='{request_id}'] button.claim")

    def click_claim(driver) -> bool:  # the live list may be redrawn between finding and clicking
        driver.find_element(*claim).click()
        return True

    WebDriverWait(browser, 20, ignored_exceptions=[StaleElementReferenceException]).until(click_claim)
    WebDriverWait(browser, 20).until(seen.url_contains(f"/help/{request_id}"))
    link.exchange_once()
    assert {"type": "claimed", "request_id": request_id} in events
    assert queue.open_requests() == []  # sent, and the local copy of its lines is gone
    assert csp_violations(browser) == []  # the policy is strict and the page still needed nothing it forbids


def test_forms_need_the_session_csrf_token(stack, console_url):
    session = requests.Session()
    session.post(f"{console_url}/login", data={"username": "xiaoli", "password": "correct-horse-7"})
    refused = session.post(f"{console_url}/help/1/done", data={"csrf": "forged"}, allow_redirects=False)
    assert refused.status_code == 403
    anonymous = requests.post(f"{console_url}/help/1/done", data={}, allow_redirects=False)
    assert anonymous.status_code == 403


def test_wrong_password_and_pages_need_a_login(console_url):
    assert requests.post(f"{console_url}/login", data={"username": "xiaoli", "password": "nope"}).status_code == 401
    assert requests.get(f"{console_url}/help", allow_redirects=False).headers["location"] == "/login"


def test_volunteers_cannot_see_staff_pages(console_url):
    session = requests.Session()
    session.post(f"{console_url}/login", data={"username": "xiaoli", "password": "correct-horse-7"})
    assert session.get(f"{console_url}/usage").status_code == 403


def test_kiosk_api_needs_the_kiosk_key(console_url):
    assert requests.post(f"{console_url}/api/kiosks/k1/help", json={}).status_code == 401


def test_typing_for_a_resident_needs_their_consent(stack, console_url, tmp_path):
    events = []
    queue, link = kiosk_link(stack, tmp_path, "kiosk-b2", events)
    queue.raise_request("kiosk-b2", "free_speech", "hotline_report", [])
    link.exchange_once()
    staff, csrf = logged_in(console_url, "xiaoli")
    request_id = max(int(x) for x in re.findall(r'data-id="(\d+)"', staff.get(f"{console_url}/help").text))
    staff.post(f"{console_url}/help/{request_id}/claim", data={"csrf": csrf})
    staff.post(f"{console_url}/help/{request_id}/type", data={"csrf": csrf, "text": "路灯坏了"})
    link.exchange_once()
    assert not [e for e in events if e["type"] == "volunteer_text"]  # no consent: nothing sent
    staff.post(f"{console_url}/help/{request_id}/ask-consent", data={"csrf": csrf})
    link.exchange_once()
    assert {"type": "ask_consent"} in events
    link.report(consent=1)  # the resident tapped 可以
    link.exchange_once()
    staff.post(f"{console_url}/help/{request_id}/type", data={"csrf": csrf, "text": "路灯坏了"})
    link.exchange_once()
    assert {"type": "volunteer_text", "text": "路灯坏了"} in events


def test_numbers_in_any_form_are_masked_before_they_are_stored(stack, console_url):
    """A kiosk with a masking bug sends full numbers in every form residents and recognisers
    write them: the console masks them again, on the page and in its database file."""
    written = ["138 0797 1234", "138-0797-1234", "+8613807971234", "\uff11\uff13\uff18\uff10\uff17\uff19\uff17"
               "\uff11\uff12\uff13\uff14", "360702500312122", "3607 0219 5003 1212 26"]
    key = kiosk_key(stack, "kiosk-mask1")
    answer = requests.post(f"{console_url}/api/kiosks/kiosk-mask1/help", headers={"Authorization": f"Bearer {key}"},
                           json={"errand": "hotline_report", "step": "电话13807971234",
                                 "transcript": [f"居民：{number}" for number in written]}, timeout=10)
    assert answer.status_code == 201
    http, _csrf = logged_in(console_url, "xiaoli")
    page = http.get(f"{console_url}/help/{answer.json()['id']}").text
    stored = b"".join(p.read_bytes() for p in stack.settings.data_dir.glob("centre-console.sqlite3*"))
    for full in [*written, "13807971234", "360702195003121226"]:
        assert full not in page and full.encode() not in stored, full
    assert page.count("138 **** 1234") >= 5 and "3607 ******* 2122" in page
