"""Copy a child's output to its log file, masking identity and phone numbers on the way."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import IO

from common.masking import redact


def pump_masked(stream: IO[bytes], path: Path) -> threading.Thread:
    path.parent.mkdir(parents=True, exist_ok=True)

    def copy() -> None:
        with path.open("a", encoding="utf-8") as sink:
            for raw in iter(stream.readline, b""):
                sink.write(redact(raw.decode("utf-8", errors="replace")))
                sink.flush()
        stream.close()

    thread = threading.Thread(target=copy, name=f"log-{path.stem}", daemon=True)
    thread.start()
    return thread
