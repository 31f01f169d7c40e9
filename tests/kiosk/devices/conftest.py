"""The simulated reader on a real pseudo-terminal, shared by the reader's and the watcher's tests."""

from __future__ import annotations

from typing import Iterator

import pytest

from kiosk.devices.card_simulator import SimulatedReader


@pytest.fixture
def simulator() -> Iterator[SimulatedReader]:
    with SimulatedReader() as reader:
        yield reader
