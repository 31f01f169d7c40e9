"""The Rasa server and the action server, each started as its own process by the supervisor.

Both bind to loopback. Rasa's endpoints file is written from the settings at start, so the
action server's port has one source of truth (config/).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from config import ConfigError, Settings, secret
from runtime.training import current_model, quiet_rasa_env

logger = logging.getLogger(__name__)


def endpoints_file(settings: Settings, port: int, fleet: bool = False) -> Path:
    """Rasa's endpoints.yml.

    Embedded: in-memory tracker and lock stores, so nothing about a conversation reaches
    the disk; the kiosk also wipes each conversation through the API when its session ends.
    Fleet: Rasa's production stores. PostgreSQL through the redacting, expiring store;
    Redis locks (nlu/stores/lock_store.py), so one conversation is handled by one instance at a time; actions through
    the balancer. The database password stays an ${ENV} reference, resolved by Rasa.
    """
    run_dir = settings.data_dir / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / f"endpoints-{port}.yml"
    content: Dict[str, Any] = {
        "action_endpoint": {"url": f"http://127.0.0.1:{settings.dialogue.action_port}/webhook"},
    }
    if fleet:
        config = settings.fleet
        content = {
            "action_endpoint": {"url": f"http://127.0.0.1:{config.action_balancer_port}/webhook"},
            "tracker_store": {"type": "nlu.stores.tracker_store.RedactingSQLTrackerStore", "dialect": "postgresql",
                              "url": "127.0.0.1", "port": config.postgres_port, "db": config.database,
                              "username": config.db_user, "password": "${" + config.db_password_env + "}",
                              "expire_after_minutes": config.conversation_expiry_minutes,
                              "expiry_check_seconds": config.expiry_check_seconds},
            "lock_store": {"type": "nlu.stores.lock_store.FleetRedisLockStore", "url": "127.0.0.1",
                           "port": config.redis_port, "db": 1, "key_prefix": "elder"},
        }
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    return path


def rasa_token(settings: Settings) -> str:
    token = secret(settings.dialogue.auth_token_env)
    if token is None:
        raise ConfigError(f"set {settings.dialogue.auth_token_env} (the supervisor does this for you)")
    return token


def rasa_python(settings: Settings) -> Path:
    """The Rasa environment's interpreter (Python 3.10), which `make setup` builds."""
    path = settings.path(settings.dialogue.rasa_python)
    if not path.exists():
        raise ConfigError(f"dialogue.rasa_python: {path} does not exist; run `make setup`")
    return path


def rasa_command(settings: Settings, *arguments: str) -> List[str]:
    """A Rasa CLI command in the Rasa environment (nlu/rasa_main.py: Rasa without TensorFlow)."""
    return [str(rasa_python(settings)), "-m", "nlu.rasa_main", *arguments]


def serve_rasa(settings: Settings, port: Optional[int] = None, fleet: bool = False) -> int:
    """Become the Rasa server: this process is replaced by Rasa on Python 3.10, so the
    supervisor keeps watching the same process. The token travels in the environment, not
    on the command line where any local user could read it."""
    rasa_token(settings)
    port = port or settings.dialogue.rasa_port
    argv = rasa_command(
        settings, "run",
        "--model", str(current_model(settings)),
        "--endpoints", str(endpoints_file(settings, port, fleet)),
        "--credentials", str(settings.path(settings.dialogue.project_dir) / "credentials.yml"),
        "--interface", settings.dialogue.rasa_host,
        "--port", str(port),
        "--enable-api", "--auth-token-env", settings.dialogue.auth_token_env,
    )
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(argv[0], argv, quiet_rasa_env())
    return 0  # not reached


def serve_actions(settings: Settings, port: Optional[int] = None) -> int:
    os.environ.update(quiet_rasa_env())
    from nlu.actions.server import create_action_app

    app = create_action_app()
    app.run(host="127.0.0.1", port=port or settings.dialogue.action_port, single_process=True,
            access_log=False, motd=False)
    return 0
