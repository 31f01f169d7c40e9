"""`make bench`: measure the kiosk on this machine and write docs/benchmarks.md.

Measures (no pass/fail; figures for people to compare):
- time from `make services` (the set-up checks, the model check, every service started and
  answering its health check) to ready; `make run` adds only the window on top of this; and
  the Rasa server's own part (started until it answers);
- Rasa reply latency, p50/p95/p99 over 200 turns of the pension errand (start, the ID card on
  the reader, thanks), through the kiosk's own dialogue client and card checker; and parsing
  alone (`/model/parse`), which shows how much of a turn is understanding and how much is
  the policies, the action call and HTTP;
- a full training from nothing, into a temporary folder;
- speech: time to synthesise a typical reply, and the time to first sound (speak() until the
  first sample reaches the sink) for a prompt a voice pack has recorded and for a synthesised
  one (ACCESSIBILITY.md: a reply starts within 750 ms);
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
from config.settings import OVERRIDE_ENV, Settings  # noqa: E402
from kiosk.speech.speaking import time_to_first_sound  # noqa: E402
from tests.stack import write_config  # noqa: E402

TURNS = 200


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def start_services(config: Path) -> Tuple[subprocess.Popen, float, float, Dict[str, int]]:
    """`make services` until ready, and the Rasa server's own start (started until ready)."""
    env = dict(os.environ, **{OVERRIDE_ENV: str(config)})
    began = time.monotonic()
    process = subprocess.Popen(["make", "-s", "services"], cwd=REPO, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    pids: Dict[str, int] = {}
    rasa_started = rasa_ready = 0.0
    for line in process.stdout:
        found = re.search(r"started (\S+) \(pid (\d+)\)", line)
        if found:
            pids[found.group(1)] = int(found.group(2))
            if found.group(1) == "rasa-server":
                rasa_started = time.monotonic()
        if "rasa-server is ready" in line:
            rasa_ready = time.monotonic()
        if "services ready" in line:
            return process, time.monotonic() - began, rasa_ready - rasa_started, pids
    raise RuntimeError("services did not become ready")


def reply_latencies(settings: Settings, token: str) -> List[float]:
    """The pension errand as a resident with their card does it: three turns each."""
    from common.kiosk_protocol import CARD_PLACED
    from kiosk.card_check import CardChecker
    from kiosk.dialogue_client import DialogueClient
    from portal.sandbox.cards import demo_card

    checker = CardChecker.from_settings(settings)
    timings: List[float] = []
    while len(timings) < TURNS:
        client = DialogueClient(settings.dialogue.base_url, "bench-kiosk", 30, token)
        for message in ("/query_pension", CARD_PLACED, "谢谢"):
            if message == CARD_PLACED:
                checker.check(client.sender_id, demo_card(0))  # the reader, not a Rasa turn
            began = time.perf_counter()
            reply = client.send(message)
            timings.append(time.perf_counter() - began)
            if message == CARD_PLACED and "养老金" not in reply.text:
                raise RuntimeError(f"the pension errand did not answer as a resident sees it: {reply.text!r}")
        client.end_session()
    return timings[:TURNS]


def parse_latencies(settings: Settings, token: str) -> List[float]:
    """Understanding alone: the same kind of sentences through Rasa's /model/parse."""
    import requests

    sentences = ("我想查一下养老金", "于都县的办事大厅在哪里", "幸福小区门口的路灯坏了", "谢谢")
    url = f"{settings.dialogue.base_url}/model/parse"
    timings: List[float] = []
    with requests.Session() as http:
        while len(timings) < TURNS:
            for text in sentences:
                began = time.perf_counter()
                http.post(url, params={"token": token}, json={"text": text}, timeout=30).raise_for_status()
                timings.append(time.perf_counter() - began)
    return timings[:TURNS]


def training_seconds(settings: Settings) -> float:
    """A full training from nothing, into a temporary folder: no earlier model to reuse, and an
    empty training cache (Rasa otherwise restores unchanged components from `.rasa/cache`)."""
    from runtime.training import quiet_rasa_env, train_command

    with tempfile.TemporaryDirectory(prefix="bench-train-") as folder:
        command = train_command(settings, "bench")
        command[command.index("--out") + 1] = folder
        env = dict(quiet_rasa_env(), RASA_CACHE_DIRECTORY=str(Path(folder) / "cache"))
        began = time.monotonic()
        subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.monotonic() - began


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


def pinyin_seconds() -> List[float]:
    """The pronunciation front end on a 100-character reply (words cached, rules not)."""
    from kiosk.speech.pronounce import load

    pronouncer = load()
    reply = ("对不起，这件事我帮不上忙。我能帮您查养老金、查医保、向幺二三四五反映问题、查办件进度、预约办事。"
             "请点一下您要办的事。您还想办别的事吗？请点一下，或者直接说。好的，我已经请工作人员过来了。")
    timings = []
    for index in range(30):
        began = time.perf_counter()
        pronouncer.to_pinyin(reply + "。" * (index % 2))
        timings.append(time.perf_counter() - began)
    return timings


def first_sound_seconds() -> Tuple[float, float]:
    """Time to first sound (median of 5, after a warm-up) for a reply a voice pack has
    recorded and for one it has not (synthesised), with a pack recorded as the console does."""
    from kiosk.speech.prompts import catalogue_of
    from kiosk.speech.tts import Voice
    from tests.kiosk.voice_pack_files import SegmentSink, build_pack

    recorded = "您还想办别的事吗？请点一下，或者直接说。"
    synthesised = "对不起，系统暂时连不上。请您稍后再试。"
    catalogue = catalogue_of([("bench:what_else", recorded)])
    with tempfile.TemporaryDirectory(prefix="bench-pack-") as folder:
        build_pack(Path(folder), catalogue, [recorded])
        voice = Voice(SegmentSink(), packs_folder=Path(folder), voice_pack="putonghua-wang")
        try:
            time_to_first_sound(voice, synthesised)  # espeak-ng and the pinyin tables load
            return (statistics.median(time_to_first_sound(voice, recorded) for _ in range(5)),
                    statistics.median(time_to_first_sound(voice, synthesised) for _ in range(5)))
        finally:
            voice.close()


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
    from config import load_settings

    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    config = write_config(folder)
    settings = load_settings(str(config))
    token = "bench-" + os.urandom(8).hex()
    os.environ[settings.dialogue.auth_token_env] = token
    os.environ[settings.dialogue.card_key_env] = "bench-card-" + os.urandom(8).hex()
    process, ready_seconds, rasa_seconds, pids = start_services(config)
    try:
        latencies = reply_latencies(settings, token)
        parsing = parse_latencies(settings, token)
        memory = {name: rss_mib(pid) for name, pid in pids.items()}
    finally:
        os.killpg(process.pid, 2)
        process.wait(timeout=60)
    memory["kiosk (window)"] = kiosk_rss(config)
    speech = speech_synthesis_seconds()
    first_recorded, first_synthesised = first_sound_seconds()
    pinyin = pinyin_seconds()
    training = training_seconds(settings)
    rows = [
        ("`make services` until every service answers", f"{ready_seconds:.1f} s"),
        ("Rasa server: started until it answers", f"{rasa_seconds:.1f} s"),
        (f"Rasa reply latency, p50 ({TURNS} turns)", f"{percentile(latencies, 0.5) * 1000:.0f} ms"),
        ("Rasa reply latency, p95", f"{percentile(latencies, 0.95) * 1000:.0f} ms"),
        ("Rasa reply latency, p99", f"{percentile(latencies, 0.99) * 1000:.0f} ms"),
        ("Rasa reply latency, mean", f"{statistics.mean(latencies) * 1000:.0f} ms"),
        (f"understanding alone (`/model/parse`), p50 ({TURNS} sentences)",
         f"{percentile(parsing, 0.5) * 1000:.0f} ms"),
        ("understanding alone, p95", f"{percentile(parsing, 0.95) * 1000:.0f} ms"),
        ("full training from nothing", f"{training:.0f} s"),
        ("speech synthesis of a 45-character reply, median",
         f"{statistics.median(speech) * 1000:.0f} ms"),
        ("text to pinyin for a 100-character reply, median", f"{statistics.median(pinyin) * 1000:.1f} ms"),
        ("time to first sound, a prompt recorded in a voice pack (median)", f"{first_recorded * 1000:.0f} ms"),
        ("time to first sound, a synthesised sentence (median)", f"{first_synthesised * 1000:.0f} ms"),
    ] + [(f"resident memory: {name}", f"{mib:.0f} MiB") for name, mib in memory.items()]
    table = "\n".join(["| measure | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows])
    print(table)
    write_report(table)
    return 0


def write_report(table: str) -> None:
    replace_section("Latest run", f"{date.today().isoformat()} on {machine()}.\n\n{table}")


if __name__ == "__main__":
    sys.exit(main())
