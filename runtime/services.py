"""The Rasa server and the action server, each started as its own process by the supervisor.

Both bind to loopback. Rasa's endpoints file is written from the settings at start, so the
action server's port has one source of truth (config/).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

from config import ConfigError, Settings, secret
from runtime.training import current_model, quiet_rasa_env

logger = logging.getLogger(__name__)


def endpoints_file(settings: Settings, port: int, fleet: bool = False) -> Path:
    """Rasa's endpoints.yml.

    Embedded: in-memory tracker and lock stores, so nothing about a conversation reaches
    the disk; the kiosk also wipes each conversation through the API when its session ends.
    Fleet: Rasa's production stores. PostgreSQL through the redacting, expiring store;
    Redis locks (runtime/lock_store.py), so one conversation is handled by one instance at a time; actions through
    the balancer. The database password stays an ${ENV} reference, resolved by Rasa.
    """
    run_dir = settings.data_dir / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / f"endpoints-{port}.yml"
    content: Dict[str, Any] = {
        "action_endpoint": {"url": f"http://127.0.0.1:{settings.dialogue.action_port}/webhook"},
    }
    if fleet:
        from runtime.tracker_store import store_kwargs

        config = settings.fleet
        content = {
            "action_endpoint": {"url": f"http://127.0.0.1:{config.action_balancer_port}/webhook"},
            "tracker_store": store_kwargs("127.0.0.1", config.postgres_port, config.database, config.db_user,
                                          "${" + config.db_password_env + "}", config.conversation_expiry_minutes),
            "lock_store": {"type": "runtime.lock_store.FleetRedisLockStore", "url": "127.0.0.1",
                           "port": config.redis_port, "db": 1, "key_prefix": "elder"},
        }
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    return path


def rasa_token(settings: Settings) -> str:
    token = secret(settings.dialogue.auth_token_env)
    if token is None:
        raise ConfigError(f"set {settings.dialogue.auth_token_env} (the supervisor does this for you)")
    return token


def serve_rasa(settings: Settings, port: Optional[int] = None, fleet: bool = False) -> int:
    os.environ.update(quiet_rasa_env())
    port = port or settings.dialogue.rasa_port
    argv = [
        "rasa", "run",
        "--model", str(current_model(settings)),
        "--endpoints", str(endpoints_file(settings, port, fleet)),
        "--credentials", str(settings.path(settings.dialogue.project_dir) / "credentials.yml"),
        "--interface", settings.dialogue.rasa_host,
        "--port", str(port),
        "--enable-api", "--auth-token", rasa_token(settings),
    ]
    from rasa.__main__ import main as rasa_main

    sys.argv = argv
    rasa_main()
    return 0


def serve_actions(settings: Settings, port: Optional[int] = None) -> int:
    os.environ.update(quiet_rasa_env())
    from rasa_sdk.endpoint import create_app

    from nlu.actions.practice import mark_request

    app = create_app("nlu.actions")

    @app.on_request
    async def practice_or_real(request) -> None:
        # Lessons' conversations are marked by their sender id; actions read the mark.
        content = request.json if request.method == "POST" and request.body else None
        mark_request((content or {}).get("sender_id", "") if isinstance(content, dict) else "")

    app.run("127.0.0.1", port or settings.dialogue.action_port, workers=1, access_log=False)
    return 0
