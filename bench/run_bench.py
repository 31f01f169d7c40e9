"""`make bench`: measure the kiosk on this machine and write docs/benchmarks.md.

Measures (no pass/fail; figures for people to compare):
- time from `make services` (the set-up checks, the model check, every service started and
  answering its health check) to ready; `make run` adds only the window on top of this;
- Rasa reply latency, p50/p95/p99 over 200 turns of the pension slice, through the kiosk's
  own dialogue client;
- speech: time to synthesise a typical reply (the first sound can start after this);
- resident memory (RSS) of each process, the kiosk window included (under Xvfb).
Everything runs on loopback ports chosen free, with its data in a temporary folder.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Dict, List, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.report import machine, replace_section  # noqa: E402
from config.settings import OVERRIDE_ENV  # noqa: E402
from tests.stack import write_config  # noqa: E402

TURNS = 200
DEMO_ID = "360702195003121226"


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def start_services(config: Path) -> Tuple[subprocess.Popen, float, Dict[str, int]]:
    env = dict(os.environ, **{OVERRIDE_ENV: str(config)})
    began = time.monotonic()
    process = subprocess.Popen(["make", "-s", "services"], cwd=REPO, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    pids: Dict[str, int] = {}
    for line in process.stdout:
        found = re.search(r"started (\S+) \(pid (\d+)\)", line)
        if found:
            pids[found.group(1)] = int(found.group(2))
        if "services ready" in line:
            return process, time.monotonic() - began, pids
    raise RuntimeError("services did not become ready")


def reply_latencies(base_url: str, token: str) -> List[float]:
    from kiosk.dialogue_client import DialogueClient

    timings: List[float] = []
    while len(timings) < TURNS:
        client = DialogueClient(base_url, "bench-kiosk", 30, token)
        for message in ("/query_pension", f'/inform{{"id_number": "{DEMO_ID}"}}', "我叫张桂英", "谢谢"):
            began = time.perf_counter()
            client.send(message)
            timings.append(time.perf_counter() - began)
        client.end_session()
    return timings[:TURNS]


def speech_synthesis_seconds() -> List[float]:
    from kiosk.speech.audio_out import NullSink
    from kiosk.speech.tts import Voice

    voice = Voice(NullSink())
    reply = "您11月的养老金 3,215.60 元，已于11月15日发放。您还想办别的事吗？请点一下，或者直接说。"
    timings = []
    for _ in range(20):
        began = time.perf_counter()
        voice.render(reply)
        timings.append(time.perf_counter() - began)
    voice.close()
    return timings


def kiosk_rss(config: Path) -> float:
    """Start the window under Xvfb, let it settle, read its memory, close it."""
    from tests.kiosk.ui import Xvfb

    display = Xvfb()
    env = dict(os.environ, **{OVERRIDE_ENV: str(config), "DISPLAY": display.display})
    process = subprocess.Popen([sys.executable, str(REPO / "main.py"), "kiosk"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(15)
        return rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)
        display.stop()


def percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    config = write_config(folder)
    token = "bench-" + os.urandom(8).hex()
    os.environ["ELDER_RASA_TOKEN"] = token
    process, ready_seconds, pids = start_services(config)
    try:
        from config import load_settings

        settings = load_settings(str(config))
        latencies = reply_latencies(settings.dialogue.base_url, token)
        memory = {name: rss_mib(pid) for name, pid in pids.items()}
    finally:
        os.killpg(process.pid, 2)
        process.wait(timeout=60)
    memory["kiosk (window)"] = kiosk_rss(config)
    speech = speech_synthesis_seconds()
    rows = [
        ("`make services` until every service answers", f"{ready_seconds:.1f} s"),
        (f"Rasa reply latency, p50 ({TURNS} turns)", f"{percentile(latencies, 0.5) * 1000:.0f} ms"),
        ("Rasa reply latency, p95", f"{percentile(latencies, 0.95) * 1000:.0f} ms"),
        ("Rasa reply latency, p99", f"{percentile(latencies, 0.99) * 1000:.0f} ms"),
        ("Rasa reply latency, mean", f"{statistics.mean(latencies) * 1000:.0f} ms"),
        ("speech synthesis of a 45-character reply, median",
         f"{statistics.median(speech) * 1000:.0f} ms"),
    ] + [(f"resident memory: {name}", f"{mib:.0f} MiB") for name, mib in memory.items()]
    table = "\n".join(["| measure | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows])
    print(table)
    write_report(table)
    return 0


def write_report(table: str) -> None:
    replace_section("Latest run", f"{date.today().isoformat()} on {machine()}.\n\n{table}")


if __name__ == "__main__":
    sys.exit(main())
