"""A real fleet for the tests: PostgreSQL, Redis, nginx (TLS), two conversation gates, two Rasa
instances, two action servers, the sandbox and the console, on free loopback ports, started
once for this folder. Kiosks get keys the way a centre issues them (runtime/kiosk_keys.py)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator

import psycopg2
import pytest
import yaml

from config import Settings, load_settings
from config.settings import REPO_ROOT
from kiosk.dialogue_client import DialogueClient
from runtime.fleet import start_fleet
from runtime.kiosk_keys import issue_key
from runtime.supervisor import Supervisor
from tests.stack import free_port, free_ports_in_a_row


@dataclass
class Fleet:
    settings: Settings
    supervisor: Supervisor
    folder: Path
    keys: Dict[str, str] = field(default_factory=dict)

    @property
    def env(self):
        return self.supervisor.env

    @property
    def url(self) -> str:
        """The kiosks' side: TLS, the conversation gate only."""
        return self.settings.dialogue.base_url

    @property
    def central_url(self) -> str:
        """Rasa's whole API on the central machine (the gates', and an operator's, way in)."""
        return f"http://127.0.0.1:{self.settings.fleet.rasa_balancer_port}"

    @property
    def ca_certificate(self) -> str:
        return str(self.settings.path(self.settings.dialogue.ca_certificate))

    @property
    def token(self) -> str:
        return self.env[self.settings.dialogue.auth_token_env]

    def key(self, kiosk_id: str) -> str:
        """This kiosk's key, issued once (as `python main.py fleet add-kiosk` does)."""
        if kiosk_id not in self.keys:
            self.keys[kiosk_id] = issue_key(self.settings, kiosk_id)
        return self.keys[kiosk_id]

    def kiosk(self, kiosk_id: str, timeout: float = 90) -> DialogueClient:
        return DialogueClient(self.url, kiosk_id, timeout, kiosk_key=self.key(kiosk_id),
                              ca_certificate=self.ca_certificate)

    def database(self, **overrides):
        fleet = self.settings.fleet
        options = dict(host="127.0.0.1", port=fleet.postgres_port, user=fleet.db_user,
                       password=self.env[fleet.db_password_env], dbname=fleet.database, connect_timeout=5)
        options.update(overrides)
        return psycopg2.connect(**options)


@pytest.fixture(scope="package")
def fleet() -> Iterator[Fleet]:
    # Under the repository, not /tmp/pytest-*: PostgreSQL runs as `postgres` and must reach it.
    folder = REPO_ROOT / "tests" / "output" / f"fleet-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    override = {
        "paths": {"data_dir": str(folder / "data"), "log_dir": str(folder / "logs")},
        "dialogue": {"models_dir": str(REPO_ROOT / "models")},
        "portal": {"sandbox_port": free_port(), "read_timeout_seconds": 5.0},
        "console": {"port": free_port()},
        "supervisor": {"health_timeout_seconds": 300},
        "fleet": {"rasa_instances": 2, "action_instances": 2, "gate_instances": 2, "balancer_port": free_port(),
                  "expiry_check_seconds": 1, "action_balancer_port": free_port(),
                  "rasa_balancer_port": free_port(), "postgres_port": free_port(), "redis_port": free_port()},
    }
    override["fleet"]["rasa_base_port"] = free_ports_in_a_row(2)
    override["fleet"]["action_base_port"] = free_ports_in_a_row(2)
    override["fleet"]["gate_base_port"] = free_ports_in_a_row(2)
    path = folder / "settings.yaml"
    path.write_text(yaml.safe_dump(override, allow_unicode=True), encoding="utf-8")
    supervisor = start_fleet(str(path))
    try:
        yield Fleet(supervisor.settings, supervisor, folder)
    finally:
        supervisor.stop()
    shutil.rmtree(folder / "data", ignore_errors=True)  # the database, secrets; the logs stay


@pytest.fixture(scope="package")
def loaded_settings(fleet) -> Settings:
    return load_settings(str(fleet.folder / "data" / "fleet" / "settings.yaml"))
