"""The pyserial reader and its command line against the simulated reader, over a real pseudo-terminal.

Every byte crosses a real tty: the simulator answers at 115200 baud's pace in small pieces.
The watcher that polls this reader has its own tests (test_card_watcher.py).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiosk.devices.card_protocol import Command
from kiosk.devices.card_reader import CardReader, ReaderUnavailable
from kiosk.devices.id_card import IdCard
from portal.sandbox.cards import EXPIRED_CARD_RESIDENT, demo_card

REPO = Path(__file__).resolve().parents[3]
WAIT = 5.0  # the longest any single expected event may take

ZHANG = demo_card(0)  # 张桂英, a card for life
LI = demo_card(1)  # 李德明
EXPIRED = demo_card(EXPIRED_CARD_RESIDENT)


def test_a_card_is_read_over_the_pty(simulator):
    with CardReader(simulator.device) as reader:
        assert reader.read_card() is None
        simulator.place(ZHANG)
        card = reader.read_card()
    assert card == ZHANG and card is not ZHANG  # decoded from the bytes, every field equal
    assert card.address == ZHANG.address and card.valid_until is None
    assert simulator.requests[-3:] == [Command.FIND_CARD, Command.SELECT_CARD, Command.READ_BASE]


def test_the_port_is_held_exclusively(simulator):
    with CardReader(simulator.device), pytest.raises(ReaderUnavailable):
        CardReader(simulator.device).open()


# -- the command line ---------------------------------------------------------------------------

@pytest.fixture
def cli_env(tmp_path) -> dict:
    """The repository's settings, with logs and data in a temporary folder."""
    override = tmp_path / "kiosk.yaml"
    override.write_text(f'paths:\n  data_dir: "{tmp_path / "data"}"\n  log_dir: "{tmp_path / "logs"}"\n',
                        encoding="utf-8")
    return {**os.environ, "ELDER_CONFIG": str(override), "PYTHONIOENCODING": "utf-8"}


def run_once(device: str, env: dict, wait: float = 5.0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), "card-reader", "--port", device, "--once", "--wait", str(wait)],
        cwd=REPO, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )


def assert_nothing_in_full(card: IdCard, result: subprocess.CompletedProcess) -> None:
    for secret in (card.id_number, card.name, card.address, card.id_number[6:14]):
        assert secret not in result.stdout and secret not in result.stderr


@pytest.mark.parametrize("card, valid", [(ZHANG, True), (EXPIRED, False)], ids=["valid", "expired"])
def test_cli_once_prints_the_masked_card(simulator, cli_env, card, valid):
    simulator.place(card)
    result = run_once(simulator.device, cli_env)
    assert result.returncode == 0, result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert last == {"number": card.masked_number, "name": card.masked_name, "valid_today": valid}
    assert_nothing_in_full(card, result)


def test_cli_once_without_a_card_says_so(simulator, cli_env):
    result = run_once(simulator.device, cli_env, wait=0.5)
    assert result.returncode == 1
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert last["number"] is None and last["valid_today"] is False and "no card" in last["error"]


class Lines:
    """A child's output lines as they come, each awaited with a deadline."""

    def __init__(self, stream) -> None:
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self._lines.put(line) for line in stream], daemon=True).start()

    def next(self, timeout: float = WAIT * 2) -> str:
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line from the simulator within {timeout} s") from None


def test_cli_simulate_serves_the_sandbox_cards(cli_env):
    process = subprocess.Popen(
        [sys.executable, str(REPO / "main.py"), "card-reader", "--simulate"], cwd=REPO, env=cli_env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
        bufsize=1,
    )
    lines = Lines(process.stdout)
    try:
        first = lines.next()
        assert first.startswith("device: ")
        device = first.split(": ", 1)[1].strip()
        lines.next()  # how to use it
        process.stdin.write("place 0\n")
        process.stdin.flush()
        assert lines.next().strip() == "ok: placed 张*英"
        with CardReader(device) as reader:
            assert reader.read_card() == ZHANG
        process.stdin.write("quit\n")
        process.stdin.flush()
        assert process.wait(timeout=10) == 0
        assert not Path(device).exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
