"""One key per kiosk, over real HTTP: a key speaks only for its own kiosk id, `main.py
add-kiosk` prints a new one once and keeps only its hash, the embedded set-up's own kiosk
needs no step, and a fleet's console accepts no kiosk it was not told about."""

from __future__ import annotations

import logging
import re
import subprocess

import requests

from config.settings import OVERRIDE_ENV, REPO_ROOT
from console.kiosk_keys import KioskKeys
from console.server import store_for
from kiosk.console_link import ConsoleLink
from kiosk.help_queue import HelpQueue
from runtime.supervisor import main_py
from tests.console.conftest import kiosk_key
from tests.console.test_help_desk import kiosk_link


def status(console_url: str, kiosk_id: str, key: str) -> int:
    return requests.post(f"{console_url}/api/kiosks/{kiosk_id}/status", json={"consent": 0},
                         headers={"Authorization": f"Bearer {key}"}, timeout=10).status_code


def test_a_key_speaks_only_for_its_own_kiosk(stack, console_url):
    first, second = kiosk_key(stack, "kiosk-key-a"), kiosk_key(stack, "kiosk-key-b")
    assert status(console_url, "kiosk-key-a", first) == 200
    assert status(console_url, "kiosk-key-b", first) == 401  # today's bug: any kiosk could set another's status
    assert status(console_url, "kiosk-key-b", second) == 200
    assert status(console_url, "kiosk-never-added", first) == 401
    refused = requests.get(f"{console_url}/api/kiosks/kiosk-never-added/events", timeout=10)
    assert refused.status_code == 401 and "add-kiosk kiosk-never-added" in refused.json()["error"]


def test_the_embedded_kiosk_needs_no_step_but_its_key_is_only_its_own(stack, console_url):
    """`make run`: the supervisor gives the console and the kiosk one key; the console accepts
    it for this machine's kiosk id only."""
    shared = stack.env[stack.settings.console.kiosk_key_env]
    assert status(console_url, stack.settings.kiosk.kiosk_id, shared) == 200
    assert status(console_url, "kiosk-key-a", shared) == 401


def test_add_kiosk_prints_a_key_once_and_stores_only_its_hash(stack, console_url):
    def add() -> str:
        done = subprocess.run(main_py("add-kiosk", "kiosk-cli-1"), cwd=REPO_ROOT, capture_output=True, text=True,
                              env=dict(stack.env, **{OVERRIDE_ENV: str(stack.config_path)}), timeout=120)
        assert done.returncode == 0, done.stderr
        return re.search(rf"^{stack.settings.console.kiosk_key_env}=(\S+)$", done.stdout, re.MULTILINE).group(1)

    key = add()
    assert status(console_url, "kiosk-cli-1", key) == 200
    database = b"".join(p.read_bytes() for p in stack.settings.data_dir.glob("centre-console.sqlite3*"))
    assert key.encode() not in database
    replacement = add()  # a lost kiosk: its key is replaced, and the old one stops working
    assert status(console_url, "kiosk-cli-1", key) == 401
    assert status(console_url, "kiosk-cli-1", replacement) == 200
    bad = subprocess.run(main_py("add-kiosk", "no spaces/allowed"), cwd=REPO_ROOT, capture_output=True, text=True,
                         env=dict(stack.env, **{OVERRIDE_ENV: str(stack.config_path)}), timeout=120)
    assert bad.returncode == 2 and "bad kiosk id" in bad.stdout


def test_a_fleet_console_accepts_only_registered_kiosks(stack, fleet_console):
    local_id, shared = stack.settings.kiosk.kiosk_id, stack.env[stack.settings.console.kiosk_key_env]
    assert status(fleet_console.url, local_id, shared) == 401  # no local kiosk in a fleet
    key = KioskKeys(store_for(fleet_console.settings)).add("kiosk-fleet-3")
    assert status(fleet_console.url, "kiosk-fleet-3", key) == 200
    assert status(fleet_console.url, local_id, key) == 401


def test_a_kiosk_with_a_refused_key_says_so_once(console_url, tmp_path, caplog):
    link = ConsoleLink(console_url, "not-a-key", "kiosk-key-c", HelpQueue(tmp_path / "queue.sqlite3"),
                       on_event=lambda event: None)
    with caplog.at_level(logging.INFO, logger="kiosk.console_link"):
        for _ in range(3):
            link._exchange_quietly()
    told = [r.getMessage() for r in caplog.records if "does not accept this kiosk's key" in r.getMessage()]
    assert len(told) == 1 and "add-kiosk kiosk-key-c" in told[0]


def test_a_report_the_console_refuses_does_not_hold_up_the_kiosk(stack, tmp_path, caplog):
    events = []
    _queue, link = kiosk_link(stack, tmp_path, "kiosk-odd-1", events)
    link.report(consent="yes")  # a bug on the kiosk: the console answers 400
    store_for(stack.settings).send_to_kiosk("kiosk-odd-1", {"type": "ask_consent"})
    with caplog.at_level(logging.ERROR, logger="kiosk.console_link"):
        link.exchange_once()
    assert {"type": "ask_consent"} in events  # what the console had still arrived
    assert any("refused this kiosk's status as malformed" in r.getMessage() for r in caplog.records)
