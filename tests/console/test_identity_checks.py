"""A resident without a phone or a readable card, checked in person: the kiosk's help request
carries the portal's check; only staff see the masked details and decide, in a real browser;
the decision reaches the kiosk, and only that kiosk gets the resident's token."""

from __future__ import annotations

import re
import sqlite3

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

from common.masking import mask_id_number
from portal.errors import PortalNotFound
from portal.sandbox.server import database_path
from tests.console.conftest import log_in, logged_in
from tests.console.test_help_desk import kiosk_link


def _resident(stack, offset: int):
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute("SELECT id_number, name FROM residents ORDER BY id_number DESC LIMIT 1 OFFSET ?",
                          (offset,)).fetchone()


def _asked(stack, tmp_path, kiosk_id, offset):
    """The kiosk asked the portal for a staff check and raised the help request with it."""
    number, name = _resident(stack, offset)
    check = stack.portal().request_staff_check(number, kiosk_id)
    events = []
    queue, link = kiosk_link(stack, tmp_path, kiosk_id, events)
    queue.raise_request(kiosk_id, "staff_check", "pension", ["助手：好的，工作人员马上过来。"],
                        identity_check=check.check_id)
    link.exchange_once()
    return number, name, check.check_id, link, events


def _request_id(stack, console_url, kiosk_id):
    session, _csrf = logged_in(console_url, "wang")
    page = session.get(f"{console_url}/help/list", timeout=30).text
    found = re.search(f'data-kiosk="{kiosk_id}" data-id="([0-9]+)"', page)
    assert found, page
    assert "需工作人员核对身份" in page  # the list says so before anyone opens it
    return int(found.group(1))


def test_staff_confirm_in_person_and_only_the_asking_kiosk_is_verified(stack, console_url, make_browser, tmp_path,
                                                                        output_dir):
    number, name, check_id, link, events = _asked(stack, tmp_path, "kiosk-idc1", 0)
    request_id = _request_id(stack, console_url, "kiosk-idc1")

    volunteer = make_browser()
    log_in(volunteer, console_url, "xiaoli")
    volunteer.get(f"{console_url}/help/{request_id}")
    section = WebDriverWait(volunteer, 20).until(seen.presence_of_element_located((By.CSS_SELECTOR, ".identity-check")))
    assert "请找一位工作人员" in section.text and not section.find_elements(By.CSS_SELECTOR, "button.confirm")
    session, csrf = logged_in(console_url, "xiaoli")
    refused = session.post(f"{console_url}/help/{request_id}/identity", data={"csrf": csrf, "decision": "confirm"},
                           timeout=30)
    assert refused.status_code == 403 and "只有工作人员" in refused.text

    staff = make_browser()
    log_in(staff, console_url, "wang")
    staff.get(f"{console_url}/help/{request_id}")
    section = WebDriverWait(staff, 20).until(seen.presence_of_element_located((By.CSS_SELECTOR, ".identity-check")))
    assert mask_id_number(number) in section.text and number not in staff.page_source
    assert name not in staff.page_source and name[0] in section.text  # the masked name only
    staff.save_screenshot(str(output_dir / "console-identity-check.png"))
    section.find_element(By.CSS_SELECTOR, "button.confirm").click()
    WebDriverWait(staff, 20).until(seen.text_to_be_present_in_element((By.CSS_SELECTOR, ".identity-check"),
                                                                      "已确认是本人"))
    assert "wang" in staff.find_element(By.CSS_SELECTOR, ".identity-check").text

    link.exchange_once()
    assert {"type": "identity_checked", "check_id": check_id} in events
    portal = stack.portal()
    status = portal.staff_check(check_id, "kiosk-idc1")
    assert status.status == "confirmed" and status.token
    with pytest.raises(PortalNotFound):
        portal.staff_check(check_id, "kiosk-other")  # no other kiosk can collect the token
    again = session.post(f"{console_url}/help/{request_id}/identity", data={"csrf": csrf, "decision": "refuse"},
                         timeout=30)
    assert again.status_code == 403  # still staff only, however it is sent


def test_staff_refuse_and_the_resident_is_not_verified(stack, console_url, tmp_path):
    _number, _name, check_id, link, events = _asked(stack, tmp_path, "kiosk-idc2", 1)
    request_id = _request_id(stack, console_url, "kiosk-idc2")
    session, csrf = logged_in(console_url, "wang")
    page = session.post(f"{console_url}/help/{request_id}/identity", data={"csrf": csrf, "decision": "refuse"},
                        timeout=30)
    assert page.status_code == 200 and "已确认不是本人" in page.text
    twice = session.post(f"{console_url}/help/{request_id}/identity", data={"csrf": csrf, "decision": "confirm"},
                         timeout=30)
    assert twice.status_code == 409 and "已经有人确认过了" in twice.text  # a refusal is final
    link.exchange_once()
    assert any(event.get("type") == "identity_checked" for event in events)
    status = stack.portal().staff_check(check_id, "kiosk-idc2")
    assert status.status == "refused" and not status.token
