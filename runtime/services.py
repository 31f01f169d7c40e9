"""The Rasa server and the action server, each started as its own process by the supervisor.

Both bind to loopback. Rasa's endpoints file is written from the settings at start, so the
action server's port has one source of truth (config/).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import yaml

from config import ConfigError, Settings, secret
from runtime.training import current_model, quiet_rasa_env

logger = logging.getLogger(__name__)


def endpoints_file(settings: Settings) -> Path:
    """Rasa's endpoints.yml for the embedded set-up: in-memory tracker and lock stores.

    In memory means nothing about a conversation reaches the disk; the kiosk also wipes
    each conversation through the API when its session ends.
    """
    run_dir = settings.data_dir / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / f"endpoints-{settings.dialogue.rasa_port}.yml"
    content = {
        "action_endpoint": {"url": f"http://127.0.0.1:{settings.dialogue.action_port}/webhook"},
    }
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    return path


def rasa_token(settings: Settings) -> str:
    token = secret(settings.dialogue.auth_token_env)
    if token is None:
        raise ConfigError(f"set {settings.dialogue.auth_token_env} (the supervisor does this for you)")
    return token


def serve_rasa(settings: Settings) -> int:
    os.environ.update(quiet_rasa_env())
    argv = [
        "rasa", "run",
        "--model", str(current_model(settings)),
        "--endpoints", str(endpoints_file(settings)),
        "--credentials", str(settings.path(settings.dialogue.project_dir) / "credentials.yml"),
        "--interface", settings.dialogue.rasa_host,
        "--port", str(settings.dialogue.rasa_port),
        "--enable-api", "--auth-token", rasa_token(settings),
    ]
    from rasa.__main__ import main as rasa_main

    sys.argv = argv
    rasa_main()
    return 0


def serve_actions(settings: Settings) -> int:
    os.environ.update(quiet_rasa_env())
    os.environ["SANIC_HOST"] = "127.0.0.1"
    from rasa_sdk.endpoint import run

    run("nlu.actions", port=settings.dialogue.action_port)
    return 0
