"""Staff certifying a resident's pension in person: the kiosk's help request carries the portal's
request; volunteers see that staff are needed but cannot certify; staff see the masked details,
confirm only with "seen in person" ticked, in a real browser; the portal records the way, the
account and the time, and the decision reaches the asking kiosk."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

from common.kiosk_protocol import staff_task
from common.masking import mask_id_number
from portal.sandbox.server import database_path
from tests.console.conftest import log_in, logged_in, page_replaced
from tests.console.test_help_desk import kiosk_link
from tests.portal.conftest import Raw


def _resident(stack, offset: int):
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute("SELECT id_number, name FROM residents ORDER BY id_number DESC LIMIT 1 OFFSET ?",
                          (offset,)).fetchone()


def _asked(stack, tmp_path, kiosk_id: str, offset: int):
    """A verified resident at the kiosk asked for staff; the kiosk raised the help request."""
    number, name = _resident(stack, offset)
    asked = stack.portal().request_staff_certification(Raw(stack).token(number), kiosk_id)
    events: list = []
    queue, link = kiosk_link(stack, tmp_path, kiosk_id, events)
    queue.raise_request(kiosk_id, "staff_certification", "certification", ["助手：好的，工作人员马上过来。"],
                        identity_check=staff_task("certification", asked.request_id))
    link.exchange_once()
    return number, name, asked.request_id, link, events


def _help_id(console_url: str, kiosk_id: str) -> int:
    session, _csrf = logged_in(console_url, "xiaoli")
    page = session.get(f"{console_url}/help/list", timeout=30).text
    found = re.search(f'data-kiosk="{kiosk_id}" data-id="([0-9]+)"', page)
    assert found, page
    assert "需工作人员当面认证" in page  # the list says so before anyone opens it
    return int(found.group(1))


def test_only_staff_certify_in_person_and_the_portal_records_who(stack, console_url, make_browser, tmp_path,
                                                                 output_dir):
    number, name, request_id, link, events = _asked(stack, tmp_path, "kiosk-cert1", 5)
    help_id = _help_id(console_url, "kiosk-cert1")

    volunteer = make_browser()
    log_in(volunteer, console_url, "xiaoli")
    volunteer.get(f"{console_url}/help/{help_id}")
    section = WebDriverWait(volunteer, 20).until(
        seen.presence_of_element_located((By.CSS_SELECTOR, ".certification-check")))
    assert "请找一位工作人员" in section.text and not section.find_elements(By.TAG_NAME, "a")
    session, csrf = logged_in(console_url, "xiaoli")
    assert session.get(f"{console_url}/help/{help_id}/certification", timeout=30).status_code == 403
    refused = session.post(f"{console_url}/help/{help_id}/certification",
                           data={"csrf": csrf, "decision": "confirm", "seen_in_person": "yes"}, timeout=30)
    assert refused.status_code == 403 and "只有工作人员" in refused.text
    assert stack.portal().staff_certification(request_id, "kiosk-cert1").status == "waiting"

    staff_session, staff_csrf = logged_in(console_url, "wang")
    unseen = staff_session.post(f"{console_url}/help/{help_id}/certification",
                                data={"csrf": staff_csrf, "decision": "confirm"}, timeout=30)
    assert unseen.status_code == 400 and "当面见到居民本人" in unseen.text  # not without seeing them
    assert stack.portal().staff_certification(request_id, "kiosk-cert1").status == "waiting"

    staff = make_browser()
    log_in(staff, console_url, "wang")
    staff.get(f"{console_url}/help/{help_id}")
    link_to_check = WebDriverWait(staff, 20).until(seen.element_to_be_clickable(
        (By.CSS_SELECTOR, ".certification-check a")))
    link_to_check.click()
    # The help page has a .certification-check section too: look only once it has been replaced.
    WebDriverWait(staff, 20).until(page_replaced(link_to_check))
    section = WebDriverWait(staff, 20).until(
        seen.presence_of_element_located((By.CSS_SELECTOR, ".certification-check")))
    assert mask_id_number(number) in section.text and number not in staff.page_source
    assert name not in staff.page_source and name[0] in section.text  # the masked name only
    staff.save_screenshot(str(output_dir / "console-certification-check.png"))
    section.find_element(By.CSS_SELECTOR, "input[name=seen_in_person]").click()
    section.find_element(By.CSS_SELECTOR, "button.confirm").click()
    WebDriverWait(staff, 20).until(seen.text_to_be_present_in_element((By.CSS_SELECTOR, ".certification-check"),
                                                                      "已认证"))
    next_due = date.today() + timedelta(days=365)
    outcome = staff.find_element(By.CSS_SELECTOR, ".certification-check").text
    assert "wang" in outcome and next_due.isoformat() in outcome

    link.exchange_once()
    assert {"type": "certification_decided", "request_id": request_id} in events
    status = stack.portal().staff_certification(request_id, "kiosk-cert1")
    assert status.status == "confirmed" and status.certification.due_date == next_due
    record = stack.portal().sandbox_certification(number).records[-1]
    assert (record.way, record.staff_account, record.kiosk_id) == ("community_staff", "wang", "kiosk-cert1")
    assert record.at.date() == date.today()


def test_staff_refuse_and_the_refusal_is_final(stack, console_url, tmp_path):
    number, _name, request_id, link, events = _asked(stack, tmp_path, "kiosk-cert2", 6)
    before = len(stack.portal().sandbox_certification(number).records)
    help_id = _help_id(console_url, "kiosk-cert2")
    session, csrf = logged_in(console_url, "wang")
    page = session.post(f"{console_url}/help/{help_id}/certification", data={"csrf": csrf, "decision": "refuse"},
                        timeout=30)
    assert page.status_code == 200 and "没有认证" in page.text
    twice = session.post(f"{console_url}/help/{help_id}/certification",
                         data={"csrf": csrf, "decision": "confirm", "seen_in_person": "yes"}, timeout=30)
    assert twice.status_code == 409 and "已经有人处理过了" in twice.text
    link.exchange_once()
    assert {"type": "certification_decided", "request_id": request_id} in events
    assert stack.portal().staff_certification(request_id, "kiosk-cert2").status == "refused"
    assert len(stack.portal().sandbox_certification(number).records) == before  # nothing recorded
