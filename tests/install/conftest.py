"""Session fixtures for the kiosk PC tests: one bundle of this checkout, one fresh install of it.

Cost (two cores, warm wheel cache): the bundle ~30 s, the install 2-6 min (two environments
built from 288 wheels with pip --no-index, side by side), all of tests/install ~5 min. The
first run on a machine also downloads and builds the wheels: ~2 min here, ~1.4 GB from the
registry, kept in ~/.cache/elder-kiosk/wheelhouse (one bundle's worth, pruned to the locks).
Disk while running: ~3 GB of bundles and a ~4 GB root under tests/output/install/.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from tests.install import helpers


@dataclass
class Installed:
    root: Path
    bundle: Path
    output: str
    seconds: float

    @property
    def prefix(self) -> Path:
        return self.root / "opt" / "elder-kiosk"

    @property
    def data(self) -> Path:
        return self.root / "var" / "lib" / "elder-kiosk"

    @property
    def config(self) -> Path:
        return self.root / "etc" / "elder-kiosk"


@pytest.fixture(scope="session")
def install_area(request) -> Iterator[Path]:
    """tests/output/install/, emptied first; the bundles and roots (gigabytes) go at the end
    unless a test failed, the logs and the session's screenshot stay for a person to look at."""
    area = helpers.fresh_output()
    yield area
    if request.session.testsfailed:
        return
    for bulky in ("bundles", "root", "checkout-b", "verify-view"):
        shutil.rmtree(area / bulky, ignore_errors=True)


@pytest.fixture(scope="session")
def bundle(install_area: Path) -> Path:
    """A bundle of this working tree, as `main.py bundle` makes it."""
    return helpers.build_bundle(install_area / "bundles")


@pytest.fixture(scope="session")
def installed(install_area: Path, bundle: Path) -> Iterator[Installed]:
    """That bundle installed into a fresh root: offline, writing nowhere else, by the system Python."""
    root = install_area / "root"
    started = time.monotonic()
    result = helpers.install(root, bundle, "--kiosk-id", "test-kiosk-01", "--centre", "centre-test",
                             "--district", "赣县区")
    assert result.returncode == 0, result.stdout + result.stderr
    yield Installed(root, bundle, result.stdout, time.monotonic() - started)
