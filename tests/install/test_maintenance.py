"""The nightly maintenance and the health record on real SQLite files and real (absent)
services, in a settings folder of their own; no install needed."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from config import load_settings
from runtime import maintenance
from runtime.health_record import HISTORY_FILE, write_health
from tests.stack import write_config


@pytest.fixture
def settings(tmp_path):
    return load_settings(str(write_config(tmp_path)))


def _outbox(path, rows: int) -> None:
    with sqlite3.connect(str(path)) as db:
        db.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY, body TEXT)")
        db.executemany("INSERT INTO outbox (body) VALUES (?)", [("1" * 2000,)] * rows)
    with sqlite3.connect(str(path)) as db:
        db.execute("DELETE FROM outbox")


def test_vacuum_gives_back_what_delivered_rows_left(settings):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "kiosk-outbox.sqlite3"
    _outbox(path, 500)
    result = maintenance.vacuum(path)
    assert result["ok"] and result["integrity"] == "ok"
    assert result["bytes_after"] < result["bytes_before"] / 10


def test_a_database_in_use_is_left_for_tomorrow_without_hanging(settings, monkeypatch):
    monkeypatch.setattr(maintenance, "BUSY_TIMEOUT_SECONDS", 0.5)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "help-requests.sqlite3"
    _outbox(path, 10)
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        result = maintenance.vacuum(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not result["ok"] and "locked" in result["error"]
    assert time.monotonic() - started < 5


def test_rotation_keeps_seven_nights(settings):
    logs = settings.log_dir
    logs.mkdir(parents=True, exist_ok=True)
    for night in range(10):
        (logs / "rasa-server.out").write_text(f"night {night}\n")
        (logs / "empty.out").write_text("")
        maintenance.rotate(logs)
    kept = sorted(path.name for path in logs.glob("rasa-server.out*"))
    assert kept == [f"rasa-server.out.{n}" for n in range(1, 8)]
    assert (logs / "rasa-server.out.1").read_text() == "night 9\n"
    assert (logs / "rasa-server.out.7").read_text() == "night 3\n"
    assert (logs / "empty.out").exists() and not (logs / "empty.out.1").exists()


def test_if_due_runs_once_a_day(settings):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    assert maintenance.run_maintenance(settings, if_due=True) == 0
    first = json.loads((settings.data_dir / "maintenance.json").read_text())
    assert maintenance.run_maintenance(settings, if_due=True) == 0
    assert json.loads((settings.data_dir / "maintenance.json").read_text()) == first
    assert time.time() - maintenance.last_run(settings) < 60


def test_health_says_what_is_wrong_and_since_when(settings):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "health.json").write_text(json.dumps({"last_healthy_at": "2026-01-01T08:00:00+00:00"}))
    record = write_health(settings)  # nothing runs on the configured ports
    assert not record["healthy"]
    assert set(record["services"]) == {"portal-sandbox", "centre-console", "action-server", "rasa-server"}
    assert "service rasa-server does not answer" in record["problems"]
    assert record["last_healthy_at"] == "2026-01-01T08:00:00+00:00"
    assert record["devices"]["printer"] == {"kind": "none", "present": None}
    assert (settings.data_dir / "health.json").stat().st_mode & 0o777 == 0o600
    write_health(settings)
    history = (settings.data_dir / HISTORY_FILE).read_text().splitlines()
    assert len(history) == 2 and not json.loads(history[-1])["healthy"]
