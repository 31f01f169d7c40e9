"""A real fleet for the tests: PostgreSQL, Redis, nginx, two Rasa instances, an action server,
the sandbox and the console, on free loopback ports, started once for this folder."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import psycopg2
import pytest
import yaml

from config import Settings, load_settings
from config.settings import REPO_ROOT
from runtime.fleet import start_fleet
from runtime.supervisor import Supervisor
from tests.stack import free_port, free_ports_in_a_row


@dataclass
class Fleet:
    settings: Settings
    supervisor: Supervisor
    folder: Path

    @property
    def env(self):
        return self.supervisor.env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.fleet.balancer_port}"

    @property
    def token(self) -> str:
        return self.env[self.settings.dialogue.auth_token_env]

    def database(self):
        fleet = self.settings.fleet
        return psycopg2.connect(host="127.0.0.1", port=fleet.postgres_port, user=fleet.db_user,
                                password=self.env[fleet.db_password_env], dbname=fleet.database)


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
        "fleet": {"rasa_instances": 2, "action_instances": 2, "balancer_port": free_port(), "expiry_check_seconds": 1,
                  "action_balancer_port": free_port(), "postgres_port": free_port(), "redis_port": free_port()},
    }
    override["fleet"]["rasa_base_port"] = free_ports_in_a_row(2)
    override["fleet"]["action_base_port"] = free_ports_in_a_row(2)
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
