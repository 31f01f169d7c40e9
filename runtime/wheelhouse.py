"""The pinned wheels a bundle carries, kept in a local cache so a second bundle downloads nothing.

A bundle must install with pip --no-index, so every pin of a lock has to be a wheel built for
the interpreter that will install it: the kiosk environment's Python 3.11 and the Rasa
environment's Python 3.10. Running `pip wheel` with each environment's own interpreter gets
exactly that (the platform tags are the interpreter's) and builds the few pins that exist only
as source (jieba, face-recognition-models, docopt) into wheels once. The cache holds one folder
per interpreter tag; files the current locks no longer pin are removed, so it stays the size
of one bundle (about 1.4 GB, most of it TensorFlow and its friends).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

logger = logging.getLogger(__name__)

LOCK_FILE = ".lock"  # in each cache folder: taken by the one builder fetching into it
PIP_PIN = "pip==24.0"  # the pip every environment gets (as scripts/setup-venv.sh)
PIN_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


class WheelhouseError(RuntimeError):
    """The pinned wheels could not all be had; the message names what is missing."""


@dataclass(frozen=True)
class Pin:
    name: str  # canonical (lower case, dashes)
    version: Version
    line: str  # as written in the lock


def read_pins(lock: Path) -> List[Pin]:
    """Every `name==version` line of a lock (the locks pin everything, with --no-deps)."""
    return [read_pins_line(raw.strip()) for raw in lock.read_text(encoding="utf-8").splitlines()
            if PIN_LINE.match(raw.strip())]


def default_cache() -> Path:
    """Beside pip's own cache, outside the checkout, so `make clean` does not cost a download."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "elder-kiosk" / "wheelhouse"


def _index(folder: Path) -> Dict[tuple, Path]:
    found = {}
    for path in folder.glob("*.whl"):
        try:
            name, version, _, _ = parse_wheel_filename(path.name)
        except ValueError:
            continue
        found[(canonicalize_name(name), version)] = path
    return found


def _pip_env() -> Dict[str, str]:
    """This machine's pip configuration as it is: a builder behind a mirror keeps using it."""
    return {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


@contextlib.contextmanager
def _only_builder(folder: Path) -> Iterator[None]:
    """One fetch at a time per cache folder: two bundles built at once on one machine (a
    person and the tests, say) would otherwise both write the request file and half-written
    wheels into the same folder."""
    with open(folder / LOCK_FILE, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_wheels(python: Path, lock: Path, folder: Path, extra: List[str] = ()) -> List[Path]:
    """Wheels for every pin of `lock` (and `extra` requirement lines) built for `python`.

    Only the pins missing from `folder` are fetched. Returns the wheel files, one per pin.
    """
    folder.mkdir(parents=True, exist_ok=True)
    pins = read_pins(lock) + [read_pins_line(line) for line in extra]
    with _only_builder(folder):
        have = _index(folder)
        missing = [pin for pin in pins if (pin.name, pin.version) not in have]
        if missing:
            logger.info("fetching %d wheels for %s into %s", len(missing), python, folder)
            request = folder / ".missing.txt"
            request.write_text("".join(f"{pin.line}\n" for pin in missing), encoding="utf-8")
            result = subprocess.run(
                [str(python), "-m", "pip", "wheel", "--no-deps", "--quiet", "--no-cache-dir",
                 "--wheel-dir", str(folder), "-r", str(request)],
                env=_pip_env(), capture_output=True, text=True)
            request.unlink()
            if result.returncode != 0:
                tail = "\n".join(result.stderr.strip().splitlines()[-12:])
                raise WheelhouseError(f"pip wheel failed for {python}:\n{tail}")
            have = _index(folder)
    absent = [pin.line for pin in pins if (pin.name, pin.version) not in have]
    if absent:
        raise WheelhouseError(f"no wheel for {', '.join(absent)} in {folder}")
    return [have[(pin.name, pin.version)] for pin in pins]


def read_pins_line(line: str) -> Pin:
    match = PIN_LINE.match(line)
    if not match:
        raise WheelhouseError(f"not a pin: {line!r}")
    return Pin(canonicalize_name(match.group(1)), Version(match.group(2)), f"{match.group(1)}=={match.group(2)}")


def prune(folder: Path, keep: List[Path]) -> int:
    """Remove the wheels of `folder` that are not in `keep`; the cache stays one bundle big."""
    wanted = {path.resolve() for path in keep}
    removed = 0
    for path in folder.glob("*.whl"):
        if path.resolve() not in wanted:
            path.unlink()
            removed += 1
    return removed
