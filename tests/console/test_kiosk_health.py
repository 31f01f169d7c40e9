"""自助机 on the desk: a kiosk PC's real health record (runtime/health_record.py, taken on this
machine) sent with the kiosk's own key to the session's console, shown to staff with the
version, disk, memory and devices, the kiosks needing attention first; a record gone stale
is marked; volunteers get no page; a record that does not fit is refused with a 400."""

from __future__ import annotations

import time

import requests
from selenium.webdriver.common.by import By

from config import load_settings
from console.server import store_for
from runtime.health_record import report_to_desk, write_health
from runtime.version import installed_version
from tests.console.conftest import kiosk_key, log_in, logged_in
from tests.stack import write_config


def kiosk_settings(stack, tmp_path, kiosk_id: str):
    """This machine as kiosk `kiosk_id` of the session's console (nothing of it runs)."""
    settings = load_settings(str(write_config(tmp_path / kiosk_id, {
        "kiosk": {"kiosk_id": kiosk_id}, "console": {"url": stack.settings.console.base_url}})))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def test_a_kiosks_health_reaches_the_desk_and_staff_see_it(stack, console_url, browser, tmp_path, monkeypatch,
                                                           output_dir):
    settings = kiosk_settings(stack, tmp_path, "kiosk-health-01")
    record = write_health(settings)  # its services are not running: not healthy
    monkeypatch.delenv(settings.console.kiosk_key_env, raising=False)
    assert not report_to_desk(settings, record)  # no key: nothing sent
    monkeypatch.setenv(settings.console.kiosk_key_env, kiosk_key(stack, "kiosk-health-01"))
    assert report_to_desk(settings, record)

    healthy = kiosk_settings(stack, tmp_path, "kiosk-health-02")
    monkeypatch.setenv(healthy.console.kiosk_key_env, kiosk_key(stack, "kiosk-health-02"))
    fine = dict(write_health(healthy), healthy=True, problems=[])
    assert report_to_desk(healthy, fine)
    stale = kiosk_settings(stack, tmp_path, "kiosk-health-03")
    monkeypatch.setenv(stale.console.kiosk_key_env, kiosk_key(stack, "kiosk-health-03"))
    assert report_to_desk(stale, dict(fine, kiosk_id="kiosk-health-03"))
    with store_for(stack.settings).db() as db:  # its last record came an hour ago
        db.execute("UPDATE kiosk_health SET received_at=? WHERE kiosk_id=?", (time.time() - 3600, "kiosk-health-03"))

    log_in(browser, console_url, "wang")
    browser.find_element(By.LINK_TEXT, "自助机").click()
    rows = {row.get_attribute("data-kiosk"): row for row in browser.find_elements(By.CSS_SELECTOR, "tr[data-kiosk]")}
    browser.save_screenshot(str(output_dir / "kiosks.png"))
    sick, fine_row, quiet = rows["kiosk-health-01"], rows["kiosk-health-02"], rows["kiosk-health-03"]
    assert "attention" in sick.get_attribute("class") and "healthy" in fine_row.get_attribute("class")
    assert installed_version() in sick.text and "rasa-server 没有响应" in sick.text and "GB" in sick.text
    assert "attention" in quiet.get_attribute("class") and "以后没有体检记录" in quiet.text
    order = [row.get_attribute("data-kiosk") for row in browser.find_elements(By.CSS_SELECTOR, "tr[data-kiosk]")]
    assert order.index("kiosk-health-02") > max(order.index("kiosk-health-01"), order.index("kiosk-health-03"))


def test_volunteers_get_no_page_and_a_record_that_does_not_fit_is_refused(stack, console_url):
    volunteer, _csrf = logged_in(console_url, "xiaoli")
    assert volunteer.get(f"{console_url}/kiosks", timeout=30).status_code == 403
    key = kiosk_key(stack, "kiosk-health-04")
    url = f"{console_url}/api/kiosks/kiosk-health-04/health"
    bad = requests.post(url, json={"version": "1", "checked_at": "x", "healthy": "yes", "system": {}},
                        headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert bad.status_code == 400 and "healthy" in bad.text
    other = requests.post(url, json={}, headers={"Authorization": "Bearer not-the-key"}, timeout=30)
    assert other.status_code == 401
