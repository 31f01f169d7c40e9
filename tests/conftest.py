"""Session fixtures that start real services once: the portal sandbox alone, and the whole
stack (sandbox, action server, Rasa) on free loopback ports. Tests stop what they start."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from tests.stack import Stack, start_stack  # noqa: E402

OUTPUT = REPO / "tests" / "output"

# Code that runs inside Rasa is tested in the Rasa environment (`make test` runs that folder
# there, with --noconftest); the kiosk environment has no Rasa to import.
collect_ignore = [] if importlib.util.find_spec("rasa") else ["nlu/components"]


def pytest_collection_modifyitems(items) -> None:
    """A test that uses the whole stack needs the trained model: it counts as `services`
    whatever its file says, so `make test-fast` (-m "not services and not ui") never waits
    for Rasa or fails for want of a model."""
    for item in items:
        if "stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.services)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory) -> Iterator[Stack]:
    """The portal sandbox process alone (quick to start), for portal tests."""
    stack = start_stack(tmp_path_factory.mktemp("sandbox"), names=["portal-sandbox"])
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """Sandbox, action server and Rasa with the trained model: everything but the kiosk."""
    started = start_stack(tmp_path_factory.mktemp("stack"))
    yield started
    started.stop()


@pytest.fixture
def output_dir(request) -> Path:
    """tests/output/<test name>/ for screenshots, WAVs and transcripts a person can inspect."""
    folder = OUTPUT / request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
