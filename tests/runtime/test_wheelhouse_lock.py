"""Two bundle builds on one machine share the wheel cache; only one may fetch into it at a time
(under `make test -n 3` two builds once raced on the cache's request file and both failed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from runtime.wheelhouse import LOCK_FILE, _only_builder

TRY_LOCK = """
import fcntl, sys
with open(sys.argv[1], "w") as handle:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit(3)
"""


def another_builder_gets_in(folder: Path) -> bool:
    result = subprocess.run([sys.executable, "-c", TRY_LOCK, str(folder / LOCK_FILE)])
    return result.returncode == 0


def test_a_second_builder_waits_while_one_fetches(tmp_path: Path) -> None:
    with _only_builder(tmp_path):
        assert not another_builder_gets_in(tmp_path)
    assert another_builder_gets_in(tmp_path)
