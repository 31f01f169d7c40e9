"""The card watcher against the simulated reader, over a real pseudo-terminal.

Every byte crosses a real tty: the simulator answers at 115200 baud's pace in small pieces,
unplugging closes the pty under the reader. Tests wait on events (or on requests the
simulator has served), never for a fixed time.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import date
from typing import Iterator, List, Type

import pytest

from kiosk.devices.card_protocol import Command
from kiosk.devices.card_reader import CardReader
from kiosk.devices.card_simulator import SimulatedReader
from kiosk.devices.card_watcher import (
    CardEvent,
    CardPlaced,
    CardRemoved,
    CardUnreadable,
    CardWatcher,
    ReaderBack,
    ReaderLost,
    UnreadableReason,
    watcher_from_settings,
)
from tests.kiosk.devices.test_card_reader import EXPIRED, LI, WAIT, ZHANG


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
    from config.kiosk_settings import CardReaderSettings

    assert watcher_from_settings(CardReaderSettings(), print) is None
    watching = watcher_from_settings(CardReaderSettings(enabled=True, port="/dev/ttyACM0"), print)
    assert isinstance(watching, CardWatcher) and watching.port == "/dev/ttyACM0"
