"""One background round, repeated: the senders and the console link all work this way.

A round runs at once, then every `seconds`, or sooner when woken (a new report to send, a
status to tell). A round that raises is logged and the loop lives on: a sender that died on
one bad answer would leave reports waiting for ever.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Optional

logger = logging.getLogger(__name__)


class BackgroundLoop:
    def __init__(self, name: str, round_of_work: Callable[[], object], seconds: float) -> None:
        self.name = name
        self.round_of_work = round_of_work
        self.seconds = seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.round_of_work()
            except Exception:
                logger.exception("%s: a round failed; trying again later", self.name)
            self._wake.wait(self.seconds)
            self._wake.clear()
