"""The pyserial reader and its watcher against the simulated reader, over a real pseudo-terminal.

Every byte crosses a real tty: the simulator answers at 115200 baud's pace in small pieces,
unplugging closes the pty under the reader. Tests wait on events (or on requests the
simulator has served), never for a fixed time.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Iterator, List, Type

import pytest

from kiosk.devices.card_protocol import Command
from kiosk.devices.card_reader import (
    CardEvent,
    CardPlaced,
    CardReader,
    CardRemoved,
    CardUnreadable,
    CardWatcher,
    ReaderBack,
    ReaderLost,
    ReaderUnavailable,
    UnreadableReason,
    watcher_from_settings,
)
from kiosk.devices.card_simulator import SimulatedReader
from kiosk.devices.id_card import IdCard
from portal.sandbox.cards import EXPIRED_CARD_RESIDENT, demo_card

REPO = Path(__file__).resolve().parents[3]
WAIT = 5.0  # the longest any single expected event may take


class Events:
    """What the watcher reported, in order; `expect` takes the next ones and checks their kinds."""

    def __init__(self) -> None:
        self.seen: List[CardEvent] = []
        self._taken = 0
        self._changed = threading.Condition()

    def __call__(self, event: CardEvent) -> None:
        with self._changed:
            self.seen.append(event)
            self._changed.notify_all()

    def expect(self, *kinds: Type) -> List[CardEvent]:
        taken = []
        for kind in kinds:
            with self._changed:
                arrived = self._changed.wait_for(lambda: len(self.seen) > self._taken, WAIT)
                assert arrived, f"waited {WAIT} s for {kind.__name__}; events so far: {self.seen}"
                event = self.seen[self._taken]
                self._taken += 1
            assert isinstance(event, kind), f"expected {kind.__name__}, got {event}; all: {self.seen}"
            taken.append(event)
        return taken

    def none_new(self) -> bool:
        with self._changed:
            return len(self.seen) == self._taken


@pytest.fixture
def simulator() -> Iterator[SimulatedReader]:
    with SimulatedReader() as reader:
        yield reader


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def watcher(simulator, events) -> Iterator[CardWatcher]:
    watching = CardWatcher(simulator.device, events, poll_seconds=0.1, reply_timeout=0.5, read_timeout=1.0,
                           reopen_backoff=(0.05, 0.1, 0.2))
    watching.start()
    yield watching
    watching.stop()


def polls(simulator: SimulatedReader, count: int) -> None:
    """Let the watcher poll `count` more times (waits on the simulator serving them)."""
    assert simulator.wait_for_requests(len(simulator.requests) + count, WAIT), "the watcher stopped polling"


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


def test_watcher_reports_a_card_placed_and_removed(simulator, watcher, events):
    polls(simulator, 2)
    assert events.none_new() and watcher.connected
    simulator.place(ZHANG)
    placed, = events.expect(CardPlaced)
    assert placed.card == ZHANG and watcher.card == ZHANG
    polls(simulator, 3)
    assert events.none_new()  # a card lying there is reported once
    simulator.lift()
    events.expect(CardRemoved)
    assert watcher.card is None


def test_bad_checksum_is_unreadable_then_read_on_retry(simulator, watcher, events):
    simulator.corrupt_next_reply(Command.READ_BASE)
    simulator.place(ZHANG)
    unreadable, placed = events.expect(CardUnreadable, CardPlaced)
    assert unreadable.reason is UnreadableReason.CHECKSUM and unreadable.will_retry
    assert placed.card == ZHANG


def test_a_reply_that_never_comes_is_a_timeout_then_read_on_retry(simulator, watcher, events):
    simulator.drop_next_reply(Command.READ_BASE)
    simulator.place(LI)
    unreadable, placed = events.expect(CardUnreadable, CardPlaced)
    assert unreadable.reason is UnreadableReason.TIMEOUT and unreadable.will_retry
    assert placed.card == LI


def test_card_lifted_mid_read(simulator, watcher, events):
    simulator.lift_during_next_read()
    simulator.place(ZHANG)
    unreadable, = events.expect(CardUnreadable)
    assert unreadable.reason is UnreadableReason.LIFTED and not unreadable.will_retry
    polls(simulator, 3)
    assert events.none_new() and watcher.card is None  # no CardRemoved for a card never placed
    simulator.place(ZHANG)
    assert events.expect(CardPlaced)[0].card == ZHANG


def test_a_card_that_keeps_failing_waits_to_be_placed_again(simulator, watcher, events):
    for _ in range(3):
        simulator.corrupt_next_reply(Command.READ_BASE)
    simulator.place(ZHANG)
    failures = events.expect(CardUnreadable, CardUnreadable, CardUnreadable)
    assert [failure.will_retry for failure in failures] == [True, True, False]
    polls(simulator, 3)
    assert events.none_new()  # it gave up until the card is lifted
    assert Command.READ_BASE not in simulator.requests[-3:]
    simulator.lift()
    polls(simulator, 2)
    simulator.place(ZHANG)
    events.expect(CardPlaced)


def test_reader_unplugged_mid_session_then_back(simulator, watcher, events):
    simulator.place(ZHANG)
    events.expect(CardPlaced)
    simulator.unplug()
    lost, = events.expect(ReaderLost)
    assert lost.reason and not watcher.connected
    assert watcher.card == ZHANG  # still believed on the reader: nobody said otherwise
    plugged_at = len(simulator.requests)
    simulator.plug()
    events.expect(ReaderBack)
    polls(simulator, 4)  # it checked the card again: the same one, so nothing new
    assert events.none_new() and watcher.connected
    assert Command.READ_BASE in simulator.requests[plugged_at:]
    simulator.lift()
    events.expect(CardRemoved)


def test_a_card_taken_while_the_reader_was_out_is_reported_removed(simulator, watcher, events):
    simulator.place(ZHANG)
    events.expect(CardPlaced)
    simulator.unplug()
    events.expect(ReaderLost)
    simulator.lift()
    simulator.place(LI)
    simulator.plug()
    _back, _removed, placed = events.expect(ReaderBack, CardRemoved, CardPlaced)
    assert placed.card == LI


def test_a_card_swapped_between_two_polls_is_not_taken_for_the_first(simulator, events):
    watching = CardWatcher(simulator.device, events, poll_seconds=0.1, removal_misses=3)
    watching.start()
    try:
        simulator.place(ZHANG)
        events.expect(CardPlaced)
        simulator.lift()
        polls(simulator, 1)
        simulator.place(LI)
        _removed, placed = events.expect(CardRemoved, CardPlaced)
        assert placed.card == LI
    finally:
        watching.stop()


def test_expired_card(simulator, watcher, events):
    simulator.place(EXPIRED)
    card = events.expect(CardPlaced)[0].card
    assert card.id_number == EXPIRED.id_number and card.valid_until is not None
    assert not card.valid_on(date.today())
    assert ZHANG.valid_on(date.today())


def test_no_reader_at_start_is_reported_and_found_later(events, tmp_path):
    with SimulatedReader() as simulator:
        simulator.unplug()
        watching = CardWatcher(simulator.device, events, poll_seconds=0.1, reopen_backoff=(0.05,))
        watching.start()
        try:
            events.expect(ReaderLost)
            simulator.plug()
            events.expect(ReaderBack)
        finally:
            watching.stop()


def test_stop_ends_the_thread_within_a_second_even_mid_read(simulator, events):
    watching = CardWatcher(simulator.device, events, poll_seconds=0.1, read_timeout=30.0)
    simulator.drop_next_reply(Command.READ_BASE)
    simulator.place(ZHANG)
    watching.start()
    deadline = time.monotonic() + WAIT
    while Command.READ_BASE not in simulator.requests:  # the watcher now waits up to 30 s for a reply
        assert time.monotonic() < deadline
        polls(simulator, 1)
    started = time.monotonic()
    watching.stop()
    assert time.monotonic() - started < 1.0
    assert not any(thread.name == "card-watcher" and thread.is_alive() for thread in threading.enumerate())
    with CardReader(simulator.device) as reader:  # and it let go of the port
        assert reader.read_card() == ZHANG


def test_a_failing_listener_does_not_end_the_watcher(simulator):
    received = Events()

    def fussy(event: CardEvent) -> None:
        received(event)
        raise RuntimeError("the kiosk had a bad moment")

    watching = CardWatcher(simulator.device, fussy, poll_seconds=0.1)
    watching.start()
    try:
        simulator.place(ZHANG)
        received.expect(CardPlaced)
        simulator.lift()
        received.expect(CardRemoved)
    finally:
        watching.stop()


def test_nothing_logged_holds_card_text(simulator, watcher, events, caplog):
    caplog.set_level(logging.DEBUG)
    simulator.corrupt_next_reply(Command.READ_BASE)
    simulator.place(ZHANG)
    events.expect(CardUnreadable, CardPlaced)
    simulator.lift()
    events.expect(CardRemoved)
    simulator.unplug()
    events.expect(ReaderLost)
    logged = caplog.text + "".join(repr(event) for event in events.seen)
    assert "张*英" in logged
    for secret in (ZHANG.id_number, ZHANG.name, ZHANG.address, ZHANG.id_number[6:14]):
        assert secret not in logged


def test_settings_say_whether_there_is_a_reader():
    from config.settings import CardReaderSettings

    assert watcher_from_settings(CardReaderSettings(), print) is None
    watching = watcher_from_settings(CardReaderSettings(enabled=True, port="/dev/ttyACM0"), print)
    assert isinstance(watching, CardWatcher) and watching.port == "/dev/ttyACM0"


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
