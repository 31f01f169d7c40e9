"""Logging for every process: one file per process, numbers masked before anything is written."""

from __future__ import annotations

import logging
import logging.handlers
import sys

from common.masking import RedactingFilter, RedactingFormatter
from config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(settings: Settings, process: str, level: int = logging.INFO) -> None:
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    redacting = RedactingFilter()
    file_handler = logging.handlers.RotatingFileHandler(
        settings.log_dir / f"{process}.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    console = logging.StreamHandler(sys.stderr)
    handlers = [file_handler, console]
    for handler in handlers:
        handler.setFormatter(RedactingFormatter(FORMAT))
        handler.addFilter(redacting)
    logging.basicConfig(level=level, handlers=handlers, force=True)
    # Libraries that log request bodies at DEBUG stay at WARNING whatever the level.
    for noisy in ("urllib3", "sanic.access", "tensorflow", "absl"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
