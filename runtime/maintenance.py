"""`main.py maintenance`: the nightly upkeep of an installed kiosk, and the health record.

    maintenance               VACUUM every SQLite database in the data folder and rotate the
                              services' output files (elder-kiosk-maintenance.timer runs it at
                              night, with the window and services stopped)
    maintenance --if-due      the same, only when the last run is more than a day old (the
                              services run this as they start: a kiosk switched off every
                              night catches up at boot, before anything holds the files)
    maintenance --health      only the health record for the centre desk (every ten minutes)
    maintenance --wait-ready  wait until every service answers (the services unit's start)

Why VACUUM: the outboxes and the help queue are written and emptied all day; secure_delete
overwrites deleted rows, and VACUUM gives the freed pages back, so the files stay small.
Why rotate: the supervisor appends every line a service prints to <logs>/<service>.out and
never trims it (the journal rotates only what reaches it); seven nights are kept.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List

from config import Settings, secret
from runtime.health import ServiceNotReady, wait_until_healthy
from runtime.health_record import report_to_desk, write_health
from runtime.supervisor import service_specs

logger = logging.getLogger(__name__)

RECORD_FILE = "maintenance.json"
DUE_AFTER_SECONDS = 24 * 3600
KEEP_ROTATIONS = 7
BUSY_TIMEOUT_SECONDS = 30


def databases(settings: Settings) -> List[Path]:
    return sorted(path for path in settings.data_dir.glob("*.sqlite3") if path.is_file())


def vacuum(path: Path) -> Dict[str, Any]:
    """Check and compact one database; a database in use past the timeout is left for tomorrow."""
    before = path.stat().st_size
    try:
        connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            check = connection.execute("PRAGMA quick_check").fetchone()[0]
            connection.execute("PRAGMA secure_delete=ON")
            connection.execute("VACUUM")
        finally:
            connection.close()
    except sqlite3.Error as error:
        logger.warning("could not vacuum %s: %s", path.name, error)
        return {"file": path.name, "ok": False, "error": str(error), "bytes_before": before}
    after = path.stat().st_size
    if check != "ok":
        logger.error("%s fails its integrity check: %s", path.name, check)
    return {"file": path.name, "ok": check == "ok", "integrity": check, "bytes_before": before, "bytes_after": after}


def rotate(log_dir: Path, keep: int = KEEP_ROTATIONS) -> List[str]:
    """name.out -> name.out.1 -> … -> name.out.<keep>, the oldest dropped. A supervisor still
    running keeps writing to the renamed file until it restarts (the nightly run stops it)."""
    rotated = []
    for current in sorted(log_dir.glob("*.out")):
        if current.stat().st_size == 0:
            continue
        oldest = Path(f"{current}.{keep}")
        if oldest.exists():
            oldest.unlink()
        for number in range(keep - 1, 0, -1):
            older = Path(f"{current}.{number}")
            if older.exists():
                os.replace(older, Path(f"{current}.{number + 1}"))
        os.replace(current, Path(f"{current}.1"))
        rotated.append(current.name)
    return rotated


def last_run(settings: Settings) -> float:
    try:
        record = json.loads((settings.data_dir / RECORD_FILE).read_text(encoding="utf-8"))
        return datetime.fromisoformat(record["finished_at"]).timestamp()
    except (OSError, ValueError, KeyError, TypeError):
        return 0.0


def maintain(settings: Settings) -> Dict[str, Any]:
    started = time.monotonic()
    results = [vacuum(path) for path in databases(settings)]
    rotated = rotate(settings.log_dir) if settings.log_dir.is_dir() else []
    record = {
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started, 2), "databases": results, "rotated": rotated,
        "ok": all(result["ok"] for result in results),
    }
    path = settings.data_dir / RECORD_FILE
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(record, indent=1), encoding="utf-8")
    os.replace(partial, path)
    freed = sum(r.get("bytes_before", 0) - r.get("bytes_after", r.get("bytes_before", 0)) for r in results)
    logger.info("maintenance: %d databases (%d bytes freed), %d output files rotated", len(results), freed,
                len(rotated))
    return record


def wait_until_ready(settings: Settings) -> int:
    """Block until every service this kiosk runs answers; non-zero (the unit fails) if one does not."""
    token = secret(settings.dialogue.auth_token_env) or ""
    timeout = settings.supervisor.health_timeout_seconds + 60
    try:
        for spec in service_specs(settings):
            params = {"token": token} if spec.needs_token else None
            wait_until_healthy(spec.name, spec.health_url, None, timeout, params)
            logger.info("%s answers", spec.name)
    except ServiceNotReady as error:
        logger.error("%s", error)
        return 1
    return 0


def run_maintenance(settings: Settings, health_only: bool = False, if_due: bool = False,
                    wait_ready: bool = False) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if wait_ready:
        return wait_until_ready(settings)
    if health_only:
        record = write_health(settings)
        logger.info("health: %s%s", "healthy" if record["healthy"] else "NOT healthy",
                    "" if not record["problems"] else " (" + "; ".join(record["problems"]) + ")")
        report_to_desk(settings, record)
        return 0
    if if_due and time.time() - last_run(settings) < DUE_AFTER_SECONDS:
        return 0
    return 0 if maintain(settings)["ok"] else 1

