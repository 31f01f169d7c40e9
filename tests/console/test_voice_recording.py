"""声音包 in real headless Chromium with a fake microphone: staff make a pack with the speaker's
consent, record a prompt (MediaRecorder on a WAV that Chromium plays as the microphone), play
it back and keep it; the server stores it trimmed, 16 kHz mono, at the synthetic voice's
loudness, and the coverage page counts it. No consent, no pack; volunteers get no page."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import wave
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

from kiosk.speech import recording
from kiosk.speech.packs import list_packs, packs_root
from tests.console.conftest import csp_violations, log_in, logged_in

LEAD_SECONDS = 1.5  # silence in the fake microphone before and after the words


def microphone_file(folder: Path) -> Path:
    """espeak-ng saying a sentence, with silence around it, as Chromium's fake microphone."""
    spoken, padded = folder / "spoken.wav", folder / "microphone.wav"
    subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-w", str(spoken), "ni3 hao3, qing3 dian3 yi2 xia4"],
                   check=True)
    subprocess.run(["sox", str(spoken), "-r", "48000", "-c", "1", "-b", "16", str(padded),
                    "pad", str(LEAD_SECONDS), str(LEAD_SECONDS)], check=True)
    return padded


def click_when_enabled(browser, element_id: str, seconds: float = 20) -> None:
    WebDriverWait(browser, seconds).until(seen.element_to_be_clickable((By.ID, element_id))).click()


@pytest.fixture
def pack_id(stack) -> Iterator[str]:
    """A pack made by the test, removed afterwards: the session's kiosk shares this data folder,
    and a recorded pack there would put a voice button on every later test's home screen."""
    made = f"hak-test-{os.urandom(3).hex()}"
    yield made
    shutil.rmtree(packs_root(stack.settings.data_dir) / made, ignore_errors=True)


def test_staff_record_keep_and_see_a_prompt_counted(stack, console_url, make_browser, tmp_path, output_dir,
                                                     pack_id):
    browser = make_browser("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                           f"--use-file-for-fake-audio-capture={microphone_file(tmp_path)}")
    log_in(browser, console_url, "wang")
    browser.find_element(By.LINK_TEXT, "声音包").click()
    browser.find_element(By.NAME, "name").send_keys("客家话·测试")
    browser.find_element(By.NAME, "pack_id").send_keys(pack_id)
    browser.find_element(By.CSS_SELECTOR, "select[name=language] option[value=hak]").click()
    browser.find_element(By.NAME, "speaker").send_keys("王老师")
    assert "同意" in browser.find_element(By.CSS_SELECTOR, ".consent-text").text
    browser.find_element(By.NAME, "consent").click()
    browser.find_element(By.CSS_SELECTOR, "form.new-pack button[type=submit]").click()
    WebDriverWait(browser, 20).until(seen.url_contains(f"/voice/{pack_id}/record"))
    words = browser.find_element(By.ID, "prompt-words").text
    assert words.strip()
    browser.save_screenshot(str(output_dir / "record-page.png"))

    click_when_enabled(browser, "record-start")
    WebDriverWait(browser, 20).until(seen.element_to_be_clickable((By.ID, "record-stop")))
    time.sleep(2 * LEAD_SECONDS + 1.5)  # the whole sentence and its silences
    click_when_enabled(browser, "record-stop")
    click_when_enabled(browser, "record-play")
    assert browser.execute_script("return document.getElementById('record-audio').src").startswith("blob:")
    first_page = browser.current_url
    click_when_enabled(browser, "record-keep")
    WebDriverWait(browser, 60).until(lambda b: b.find_element(By.ID, "recorder").get_attribute("data-kept")
                                     or b.current_url != first_page)
    WebDriverWait(browser, 20).until(lambda b: b.current_url != first_page)
    assert csp_violations(browser) == []

    pack = next(p for p in list_packs(packs_root(stack.settings.data_dir)) if p.id == pack_id)
    assert pack.consent is not None and pack.consent.speaker == "王老师" and pack.consent.recorded_by == "wang"
    assert len(pack.files) == 1
    stored = pack.folder / next(iter(pack.files))
    with wave.open(str(stored)) as take:
        assert (take.getframerate(), take.getnchannels(), take.getsampwidth()) == (16000, 1, 2)
        samples = np.frombuffer(take.readframes(take.getnframes()), dtype=np.int16)
    seconds = len(samples) / 16000
    assert 0.3 < seconds < 2 * LEAD_SECONDS  # the words, not the silences around them
    level = recording.speech_level_dbfs(samples, 16000)
    assert abs(level - recording.TARGET_LEVEL_DBFS) < 1.5, level

    browser.get(f"{console_url}/voice/{pack_id}")
    assert browser.find_element(By.CSS_SELECTOR, "b.recorded").text == "1"
    browser.save_screenshot(str(output_dir / "coverage.png"))


def test_no_consent_no_pack_and_volunteers_get_no_page(stack, console_url):
    staff, csrf = logged_in(console_url, "wang")
    pack_id = f"cmn-test-{os.urandom(3).hex()}"
    page = staff.post(f"{console_url}/voice", data={"csrf": csrf, "pack_id": pack_id, "name": "普通话·测试",
                                                     "language": "cmn", "speaker": "李老师"}, timeout=30)
    assert page.status_code == 400 and "同意" in page.text
    assert pack_id not in {p.id for p in list_packs(packs_root(stack.settings.data_dir))}

    volunteer, csrf = logged_in(console_url, "xiaoli")
    assert volunteer.get(f"{console_url}/voice", timeout=30).status_code == 403
    kept = volunteer.post(f"{console_url}/voice/{pack_id}/takes?key=x", data=b"RIFF", timeout=30,
                          headers={"X-CSRF-Token": csrf})
    assert kept.status_code == 403
