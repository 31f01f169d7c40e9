"""The fleet's Redis lock store (nlu/stores/lock_store.py) against a real redis-server on
loopback: a turn that outlasts the ticket lifetime keeps its conversation to itself, and a
ticket nobody renews (its server was killed) stops blocking once it expires."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from typing import Iterator, List

import pytest

from nlu.stores.lock_store import FleetRedisLockStore

LIFETIME = 1.0


def free_port() -> int:
    # tests/stack.py has one, but it imports the kiosk's settings (pydantic 2), which this
    # environment (Rasa's pins, pydantic 1) cannot.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/system-packages.sh installs it)")
    port = free_port()
    server = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def store(redis_port: int) -> FleetRedisLockStore:
    store = FleetRedisLockStore(host="127.0.0.1", port=redis_port)
    store.red.flushdb()
    return store


async def turn(store: FleetRedisLockStore, conversation: str, seconds: float, log: List[str], name: str) -> None:
    async with store.lock(conversation, lock_lifetime=LIFETIME):
        log.append(f"{name} begins")
        await asyncio.sleep(seconds)
        log.append(f"{name} ends")


def test_a_turn_longer_than_the_lifetime_is_not_overtaken(store):
    log: List[str] = []

    async def both() -> None:
        first = asyncio.ensure_future(turn(store, "kiosk-1", 3 * LIFETIME, log, "slow"))
        await asyncio.sleep(0.2)
        await asyncio.gather(first, turn(store, "kiosk-1", 0, log, "next"))

    asyncio.run(both())
    assert log == ["slow begins", "slow ends", "next begins", "next ends"]
    assert store.get_lock("kiosk-1") is None  # nothing left behind


def test_a_ticket_nobody_renews_stops_blocking_once_it_expires(store):
    store.issue_ticket("kiosk-2", LIFETIME)  # a server killed mid-turn: served, never finished
    log: List[str] = []

    async def retry() -> List[str]:
        retried = asyncio.ensure_future(turn(store, "kiosk-2", 0, log, "retried"))
        await asyncio.sleep(LIFETIME / 2)
        while_valid = list(log)
        await retried
        return while_valid

    assert asyncio.run(retry()) == []  # the dead server's ticket was still valid: it waited
    assert log == ["retried begins", "retried ends"]


def test_other_conversations_do_not_wait(store):
    log: List[str] = []

    async def both() -> None:
        first = asyncio.ensure_future(turn(store, "kiosk-3", 2 * LIFETIME, log, "slow"))
        await asyncio.sleep(0.2)
        await turn(store, "kiosk-4", 0, log, "other")
        await first

    asyncio.run(both())
    assert log == ["slow begins", "other begins", "other ends", "slow ends"]
