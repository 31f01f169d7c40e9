"""The kiosk's health, written where the centre desk can read it: <data>/health.json.

`main.py maintenance --health` (every ten minutes, elder-kiosk-health.timer) records the
version, whether each service answers, disk and memory, and the state of the card reader,
printer, microphone and camera, with a plain list of problems, and sends it to the centre
desk, which shows every kiosk's on its 自助机 page. `last_healthy_at` survives
an unhealthy spell, so the desk can say "not healthy since 14:20"; a short history
(health-history.jsonl, a week) shows how often it happens. Everything is read from the
system without opening a device, so the record never disturbs a resident's session.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests

from config import Settings, secret
from runtime.supervisor import service_specs
from runtime.version import installed_version

logger = logging.getLogger(__name__)

HEALTH_FILE = "health.json"
HISTORY_FILE = "health-history.jsonl"
HISTORY_SECONDS = 7 * 24 * 3600
MIN_FREE_BYTES = 1_000_000_000
MIN_AVAILABLE_MEMORY = 300_000_000


def probe_services(settings: Settings) -> Dict[str, bool]:
    """Every service this kiosk should run, by its own health check (as the supervisor waits for it)."""
    token = secret(settings.dialogue.auth_token_env) or ""
    answers = {}
    for spec in service_specs(settings):
        params = {"token": token} if spec.needs_token else None
        try:
            answers[spec.name] = requests.get(spec.health_url, params=params, timeout=3).status_code == 200
        except requests.RequestException:
            answers[spec.name] = False
    return answers


def _meminfo() -> Dict[str, int]:
    values = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            name, _, rest = line.partition(":")
            values[name] = int(rest.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return values


def system_state(settings: Settings) -> Dict[str, Any]:
    disk = shutil.disk_usage(settings.data_dir)
    memory = _meminfo()
    try:
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        uptime = None
    return {"disk": {"free_bytes": disk.free, "total_bytes": disk.total},
            "memory": {"available_bytes": memory.get("MemAvailable"), "total_bytes": memory.get("MemTotal")},
            "load": list(os.getloadavg()), "uptime_seconds": uptime}


def _usb_present(vendor: Optional[int], product: Optional[int]) -> bool:
    for device in Path("/sys/bus/usb/devices").glob("*"):
        try:
            ids = (int((device / "idVendor").read_text(), 16), int((device / "idProduct").read_text(), 16))
        except (OSError, ValueError):
            continue
        if ids == (vendor, product):
            return True
    return False


def _answers_tcp(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.5):
            return True
    except OSError:
        return False


def device_state(settings: Settings) -> Dict[str, Any]:
    reader = settings.devices.card_reader
    printer = settings.kiosk.printer
    present: Optional[bool] = None
    if printer.kind == "file":
        present = Path(str(printer.file_path)).exists()
    elif printer.kind == "usb":
        present = _usb_present(printer.usb_vendor, printer.usb_product)
    elif printer.kind == "network":
        present = _answers_tcp(str(printer.host), printer.port)
    try:
        pcm = Path("/proc/asound/pcm").read_text()
    except OSError:
        pcm = ""
    return {
        "card_reader": {"enabled": reader.enabled, "port": reader.port,
                        "present": Path(reader.port).exists() if reader.port.startswith("/") else None},
        "printer": {"kind": printer.kind, "present": present},
        "microphone": {"capture_devices": sum("capture" in line for line in pcm.splitlines())},
        "camera": {"devices": len(list(Path("/dev").glob("video*")))},
        "speech_model": {"present": (settings.path(settings.speech.vosk_model_dir) / "am").is_dir()},
    }


def problems_of(record: Dict[str, Any]) -> List[str]:
    """Short, fixed phrases the desk can show as they are (and translate by key if it likes)."""
    found = [f"service {name} does not answer" for name, ok in record["services"].items() if not ok]
    system, devices = record["system"], record["devices"]
    if system["disk"]["free_bytes"] < MIN_FREE_BYTES:
        found.append("disk almost full")
    available = system["memory"]["available_bytes"]
    if available is not None and available < MIN_AVAILABLE_MEMORY:
        found.append("memory almost exhausted")
    if devices["card_reader"]["enabled"] and devices["card_reader"]["present"] is False:
        found.append("card reader not connected")
    if devices["printer"]["kind"] != "none" and devices["printer"]["present"] is False:
        found.append("printer not connected")
    if not devices["speech_model"]["present"]:
        found.append("no speech model: touch only")
    if record["centre_id"] == "centre-unset":
        found.append("centre not set in /etc/elder-kiosk/kiosk.yaml")
    return found


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(str(partial), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as sink:
        sink.write(text)
    os.replace(partial, path)


def _previous(path: Path) -> Dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_health(settings: Settings, maintenance: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Take the record, write health.json, append to the history; return the record."""
    now = datetime.now(timezone.utc)
    path = settings.data_dir / HEALTH_FILE
    record: Dict[str, Any] = {
        "kiosk_id": settings.kiosk.kiosk_id, "centre_id": settings.kiosk.centre_id, "version": installed_version(),
        "checked_at": now.isoformat(timespec="seconds"), "services": probe_services(settings),
        "system": system_state(settings), "devices": device_state(settings),
    }
    record["problems"] = problems_of(record)
    record["healthy"] = not any(problem.startswith(("service", "disk", "memory")) for problem in record["problems"])
    record["last_healthy_at"] = (record["checked_at"] if record["healthy"]
                                 else _previous(path).get("last_healthy_at"))
    record["last_maintenance"] = maintenance or _previous(settings.data_dir / "maintenance.json") or None
    _write_atomically(path, json.dumps(record, indent=1, ensure_ascii=False))
    _append_history(settings.data_dir / HISTORY_FILE, record)
    return record


def report_to_desk(settings: Settings, record: Dict[str, Any]) -> bool:
    """Send the record to the centre desk (its 自助机 page), with this kiosk's own key; False
    when there is no desk for this kiosk or it is away (the record on disk stays)."""
    console = settings.console
    key = secret(console.kiosk_key_env)
    if not key:
        return False
    verify: Any = str(settings.path(console.ca_certificate)) if console.ca_certificate else True
    try:
        answer = requests.post(f"{console.base_url}/api/kiosks/{settings.kiosk.kiosk_id}/health", json=record,
                               headers={"Authorization": f"Bearer {key}"}, timeout=5, verify=verify)
    except requests.RequestException as error:
        logger.warning("the centre desk did not take the health record: %s", type(error).__name__)
        return False
    if answer.status_code != 200:
        logger.warning("the centre desk answered %d to the health record", answer.status_code)
    return answer.status_code == 200


def _append_history(path: Path, record: Dict[str, Any]) -> None:
    line = json.dumps({"at": record["checked_at"], "healthy": record["healthy"], "problems": record["problems"],
                       "free": record["system"]["disk"]["free_bytes"]}, ensure_ascii=False)
    cutoff = time.time() - HISTORY_SECONDS
    kept = []
    for old in (path.read_text(encoding="utf-8").splitlines() if path.exists() else []):
        try:
            if datetime.fromisoformat(json.loads(old)["at"]).timestamp() >= cutoff:
                kept.append(old)
        except (ValueError, KeyError, TypeError):
            continue
    _write_atomically(path, "\n".join([*kept, line]) + "\n")
