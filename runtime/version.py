"""Which version of the kiosk this code is, for the staff settings screen and the centre desk.

An installed kiosk runs from a release folder that `main.py install` filled from a bundle;
the bundle's manifest named the version and the installer wrote it to VERSION beside main.py.
A developer's checkout has no such file, so the version is what git describes (with -dirty
when the working tree has changes). Standard library only: the installer imports this with
the bare system Python, before any environment exists.
"""

from __future__ import annotations

import json
import re
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

CODE_ROOT = Path(__file__).resolve().parent.parent
VERSION_FILE = "VERSION"
RELEASE_FILE = "RELEASE.json"
# What a version may look like: it names folders (/opt/elder-kiosk/releases/<version>) and files.
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,79}$")


def valid_version(text: str) -> bool:
    return bool(VERSION_PATTERN.match(text))


def git_describe(root: Path) -> Optional[str]:
    """`git describe --tags --always --dirty` in `root`, or None outside a git checkout."""
    if not (root / ".git").exists():
        return None
    try:
        result = subprocess.run(["git", "-C", str(root), "describe", "--tags", "--always", "--dirty"],
                                capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = result.stdout.strip()
    return text if result.returncode == 0 and valid_version(text) else None


def release_info(root: Path = CODE_ROOT) -> Dict[str, Any]:
    """What the installer recorded about this release (version, build time, commit), or {}."""
    try:
        return json.loads((root / RELEASE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def version_of(root: Path) -> str:
    """The version of the code in `root`: its VERSION file, else git, else "unknown"."""
    try:
        text = (root / VERSION_FILE).read_text(encoding="utf-8").strip()
        if valid_version(text):
            return text
    except OSError:
        pass
    return git_describe(root) or "unknown"


@lru_cache(maxsize=1)
def installed_version() -> str:
    """The version of the code this process runs (read once: a running process keeps its
    release folder even when an update switches `current` to another one)."""
    return version_of(CODE_ROOT)
