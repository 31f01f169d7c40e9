"""Usage figures (anonymous) with charts and a CSV export, and the class view of lessons."""

from __future__ import annotations

import csv
import io

import requests
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.console.conftest import PASSWORD, csp_violations, log_in, page_replaced
from tests.console.test_help_desk import kiosk_link


def test_usage_page_shows_charts_and_exports_csv(stack, console_url, browser, tmp_path, output_dir):
    _queue, link = kiosk_link(stack, tmp_path, "kiosk-u1", [])
    for kind, errand, step, turns in [("session", "", "", 0), ("errand_started", "pension", "", 0),
                                      ("errand_finished", "pension", "", 5), ("session", "", "", 0),
                                      ("errand_started", "hotline_report", "", 0),
                                      ("gave_up", "hotline_report", "phone", 0), ("fallback", "", "", 0),
                                      ("help", "", "", 0)]:
        link.record(kind, errand=errand, step=step, turns=turns)
    link.exchange_once()
    log_in(browser, console_url, "wang")
    browser.get(f"{console_url}/usage")
    # The charts are SVG images of their own (inline SVG would need inline styles the CSP forbids).
    drawn = "return Array.from(document.querySelectorAll('figure.chart img')).filter(i => i.naturalWidth > 0).length"
    try:
        WebDriverWait(browser, 60).until(lambda driver: driver.execute_script(drawn) == 2)
    except TimeoutException:  # seen once in CI: say which image and what the browser logged
        images = browser.execute_script("return Array.from(document.querySelectorAll('figure.chart img'))"
                                        ".map(i => [i.src, i.complete, i.naturalWidth])")
        raise AssertionError(f"charts not drawn: {images}; browser log: {browser.get_log('browser')}") from None
    assert "向12345反映问题：输手机号" in browser.page_source  # names, not identifiers (issue 18)
    assert "求助（办完就删，只留次数）" in browser.page_source  # only counts remain of help requests
    browser.save_screenshot(str(output_dir / "usage.png"))
    assert csp_violations(browser) == []
    staff = requests.Session()
    staff.post(f"{console_url}/login", data={"username": "wang", "password": PASSWORD})
    rows = list(csv.DictReader(io.StringIO(staff.get(f"{console_url}/usage.csv").text)))
    mine = next(row for row in rows if row["kiosk_id"] == "kiosk-u1")
    counted = (mine["sessions"], mine["errands_started"], mine["errands_finished"], mine["gave_up"])
    assert counted == ("2", "2", "1", "1")
    assert mine["average_turns_per_errand"] == "5.0"


def test_class_view_shows_who_is_stuck_and_staff_can_start_a_lesson(stack, console_url, browser, tmp_path,
                                                                     output_dir):
    events = []
    _queue, link = kiosk_link(stack, tmp_path, "kiosk-c3", events)
    link.report(lesson_id="pension", lesson_step=1, lesson_steps=4, step_since=0, hints=3)
    link.exchange_once()
    log_in(browser, console_url, "wang")
    browser.get(f"{console_url}/class")
    row = WebDriverWait(browser, 20).until(seen.presence_of_element_located(
        (By.XPATH, "//tr[td[text()='kiosk-c3']]")))
    assert "查养老金" in row.text and "卡住了" in row.text and "2 / 4" in row.text
    browser.save_screenshot(str(output_dir / "class.png"))
    # Chosen as a mouse would, by the option's words: typing into a <select> is type-ahead,
    # which starts over after a pause and lands elsewhere on a busy machine.
    Select(browser.find_element(By.NAME, "kiosk_id")).select_by_visible_text("kiosk-c3")
    Select(browser.find_element(By.NAME, "lesson_id")).select_by_visible_text("向12345反映问题")
    start = browser.find_element(By.XPATH, "//button[text()='开始']")
    start.click()
    WebDriverWait(browser, 20).until(page_replaced(start))  # the form was posted and the page came back
    link.exchange_once()
    assert {"type": "start_lesson", "lesson_id": "hotline"} in events
