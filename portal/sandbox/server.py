"""Run the sandbox as its own process (`python main.py portal-sandbox`)."""

from __future__ import annotations

import logging
import secrets as pysecrets

from config import Settings, secret
from portal.sandbox import db as sandbox_db
from portal.sandbox.app import Faults, create_app

logger = logging.getLogger(__name__)


def database_path(settings: Settings):
    return settings.data_dir / "portal-sandbox.sqlite3"


def serve(settings: Settings, reset: bool = False, faults: Faults | None = None) -> None:
    path = database_path(settings)
    if reset:
        sandbox_db.reset(path)
        logger.info("sandbox database rebuilt from the seed")
    else:
        sandbox_db.ensure(path)
    api_key = secret(settings.portal.api_key_env)
    if api_key is None:
        api_key = pysecrets.token_urlsafe(24)
        logger.warning(
            "%s is not set; this sandbox run uses a random API key (fictional data only): %s",
            settings.portal.api_key_env, api_key,
        )
    app = create_app(path, api_key, faults)
    app.run(
        host=settings.portal.sandbox_host, port=settings.portal.sandbox_port,
        single_process=True, access_log=False, motd=False, debug=False,
    )
