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


# Packages whose tests share one costly package- or session-wide set-up (a fleet of Rasa
# servers behind nginx; one bundle and one install of it): under pytest-xdist each must stay
# on one worker, or every worker would build its own.
ONE_WORKER_PACKAGES = ("fleet", "install")
LONG_UNITS = {f"tests/{package}" for package in ONE_WORKER_PACKAGES}


def work_unit(nodeid: str) -> str:
    """What `make test` hands to one pytest-xdist worker: a whole module, so a module's tests
    keep their order and its module fixtures start once, or a whole package of
    ONE_WORKER_PACKAGES."""
    module = nodeid.split("::", 1)[0]
    parts = module.split("/")
    if len(parts) > 2 and parts[0] == "tests" and parts[1] in ONE_WORKER_PACKAGES:
        return "/".join(parts[:2])
    return module


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Schedules by work_unit. (xdist's own `--dist loadgroup` marks do not reach its scheduler
    under pytest 9, which dropped the node attribute xdist 3.8 rewrites.)"""
    from xdist.scheduler import LoadScopeScheduling

    class WorkUnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return WorkUnitScheduling(config, log)


def pytest_collection_modifyitems(items) -> None:
    """A test that uses the whole stack needs the trained model: it counts as `services`
    whatever its file says, so `make test-fast` (-m "not services and not ui") never waits
    for Rasa or fails for want of a model."""
    for item in items:
        if "stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.services)
    # The two longest work units first (`make test` keeps this order: --no-loadscope-reorder),
    # so under xdist neither is left running alone at the end.
    items.sort(key=lambda item: work_unit(item.nodeid) not in LONG_UNITS)


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
