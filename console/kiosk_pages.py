"""自助机 / Kiosks (staff): every kiosk's version, when it was last seen, disk and memory, and the
state of its card reader, printer, microphone and camera, from the health record each kiosk
PC sends every ten minutes (runtime/health_record.py). A kiosk that is not healthy, or whose
record is older than half an hour, is marked at the top, so staff notice before residents do.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any, Dict, List, Optional

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from console.app import render, require

kiosk_pages = Blueprint("kiosk_pages")

STALE_SECONDS = 30 * 60  # three missed health records
PROBLEM_WORDS = {
    "disk almost full": "硬盘快满了",
    "memory almost exhausted": "内存快用完了",
    "card reader not connected": "读卡器没接上",
    "printer not connected": "打印机没接上",
    "no speech model: touch only": "没有语音模型，只能点屏幕",
}
_SERVICE = re.compile(r"^service (\S+) does not answer$")


def problem_words(problem: str) -> str:
    """The health record's fixed phrases, in the words the desk uses."""
    service = _SERVICE.match(problem)
    if service:
        return f"{service.group(1)} 没有响应"
    if problem.startswith("centre not set"):
        return "还没有设置所属的社区服务中心"
    return PROBLEM_WORDS.get(problem, problem)


def _when(stamp: Optional[float]) -> str:
    return datetime.fromtimestamp(stamp).strftime("%m-%d %H:%M") if stamp else "—"


def _iso_when(text: Optional[str]) -> str:
    """'' when there is no time (a kiosk never healthy yet)."""
    try:
        return datetime.fromisoformat(str(text)).astimezone().strftime("%m-%d %H:%M")
    except ValueError:
        return ""


def _device(state: Dict[str, Any], name: str) -> str:
    device = state.get(name) or {}
    if name == "card_reader":
        return "没装" if not device.get("enabled") else ("好" if device.get("present") else "没接上")
    if name == "printer":
        return "没装" if device.get("kind") in (None, "none") else ("好" if device.get("present") else "没接上")
    if name == "microphone":
        return "好" if device.get("capture_devices") else "没有"
    return "好" if device.get("devices") else "没有"


def kiosk_rows(kiosks: List[Dict[str, Any]], health: Dict[str, Dict[str, Any]], now: float) -> List[Dict[str, Any]]:
    """One row a kiosk, the ones needing attention first."""
    rows = []
    for kiosk_id in sorted({k["kiosk_id"] for k in kiosks} | set(health)):
        seen = next((k["last_seen"] for k in kiosks if k["kiosk_id"] == kiosk_id), None)
        record = health.get(kiosk_id)
        problems = [problem_words(p) for p in (record or {}).get("problems", [])]
        if record is None:
            problems.insert(0, "没有收到过体检记录")
        elif now - record["received_at"] > STALE_SECONDS:
            problems.insert(0, f"{_when(record['received_at'])} 以后没有体检记录")
        healthy = record is not None and record.get("healthy") and now - record["received_at"] <= STALE_SECONDS
        system = (record or {}).get("system") or {}
        devices = (record or {}).get("devices") or {}
        free = (system.get("disk") or {}).get("free_bytes")
        memory = (system.get("memory") or {}).get("available_bytes")
        rows.append({
            "kiosk_id": kiosk_id, "attention": not healthy, "version": (record or {}).get("version", "—"),
            "last_seen": _when(seen), "checked": _when(record["received_at"]) if record else "—",
            "healthy_since": _iso_when(record.get("last_healthy_at")) if record and not record.get("healthy") else "",
            "disk": f"{free / 1e9:.1f} GB" if free is not None else "—",
            "memory": f"{memory / 1e6:.0f} MB" if memory is not None else "—",
            "reader": _device(devices, "card_reader"), "printer": _device(devices, "printer"),
            "microphone": _device(devices, "microphone"), "camera": _device(devices, "camera"),
            "problems": problems})
    return sorted(rows, key=lambda row: (not row["attention"], row["kiosk_id"]))


@kiosk_pages.get("/kiosks")
async def kiosks_page(request: Request) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    store = request.app.ctx.store
    return render(request, "kiosks.html", rows=kiosk_rows(store.kiosks(), store.health(), time.time()))
