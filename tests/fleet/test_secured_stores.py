"""The fleet's stores ask everyone for a password, and the passwords stay out of files and
command lines: Redis (`requirepass`) refuses a client without one, PostgreSQL (SCRAM, no
`trust`) refuses a connection without one, on TCP and on its socket; Rasa's lock store,
the vault and the tracker store get in with theirs. PostgreSQL's superuser password is not
given to any fleet process."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg2
import pytest
import redis

from bench.fleet_load import DEMO_ID
from runtime.fleet_secrets import SECRETS_FILE, secret_names, stored_secrets
from runtime.fleet_stores import fleet_dir, postgres_paths

pytestmark = pytest.mark.services


def redis_client(fleet, **options) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=fleet.settings.fleet.redis_port, socket_timeout=5, **options)


def test_redis_refuses_a_client_without_the_password(fleet):
    with pytest.raises(redis.AuthenticationError):
        redis_client(fleet).ping()
    with pytest.raises(redis.AuthenticationError):
        redis_client(fleet).get("vault:anything:id_number")
    with pytest.raises(redis.AuthenticationError):
        redis_client(fleet, password="wrong-password").ping()
    assert redis_client(fleet, password=fleet.env[fleet.settings.fleet.redis_password_env]).ping()


def test_the_lock_store_and_the_vault_get_in_with_the_password(fleet):
    dialogue = fleet.kiosk("kiosk-vault")
    dialogue.send("/query_pension")
    dialogue.send(f'/inform{{"id_number": "{DEMO_ID}"}}')  # the action keeps the full number in the vault
    inside = redis_client(fleet, password=fleet.env[fleet.settings.fleet.redis_password_env])
    assert inside.exists(f"vault:{dialogue.sender_id}:id_number")
    # Rasa's lock store keeps its connections open on database 1: it got past AUTH to SELECT it.
    assert any(str(client["db"]) == "1" for client in inside.client_list())
    dialogue.end_session()


def test_postgresql_refuses_a_connection_without_the_password(fleet):
    fleet_settings = fleet.settings.fleet
    socket = str(postgres_paths(fleet.settings)["socket"])
    attempts = [
        {"password": None}, {"password": "wrong-password"},
        {"user": "postgres", "password": None, "dbname": "postgres"},
        {"host": socket, "password": None}, {"host": socket, "user": "postgres", "password": None,
                                             "dbname": "postgres"},
        {"host": socket, "user": "postgres", "password": fleet.env[fleet_settings.db_password_env],
         "dbname": "postgres"},
    ]
    for overrides in attempts:
        options = {key: value for key, value in overrides.items() if value is not None}
        if overrides.get("password") is None:
            options["password"] = ""
        with pytest.raises(psycopg2.OperationalError, match="password"):
            fleet.database(passfile=str(fleet.folder / "no-pgpass"), **options).close()
    with fleet.database(passfile=str(fleet.folder / "no-pgpass")) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events")  # the tracker store's table: Rasa got in too
        assert cursor.fetchone()[0] >= 0
    hba = (postgres_paths(fleet.settings)["data"] / "pg_hba.conf").read_text(encoding="utf-8")
    rules = [line.split() for line in hba.splitlines() if line.strip() and not line.startswith("#")]
    assert rules and all(rule[-1] == "scram-sha-256" for rule in rules)


def processes_of(fleet):
    """Every process of the fleet: each child leads its own process group (workers, backends)."""
    groups = {child.process.pid for child in fleet.supervisor.children.values()}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) in groups:
                yield stat.parent
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile


def test_passwords_stay_out_of_files_command_lines_and_the_wrong_processes(fleet):
    settings = fleet.settings
    secrets_file = fleet_dir(settings) / SECRETS_FILE
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    admin_name = settings.fleet.db_admin_password_env
    admin = os.environ.get(admin_name) or stored_secrets(settings)[admin_name]
    values = [fleet.env[name] for name in secret_names(settings) if name != admin_name] + [admin]
    assert len(values) >= 5 and all(len(value) >= 16 for value in values)
    assert (fleet_dir(settings) / "redis" / "redis.conf").stat().st_mode & 0o777 == 0o600
    written = [fleet_dir(settings) / "settings.yaml", fleet_dir(settings) / "nginx" / "nginx.conf",
               *sorted((settings.data_dir / "run").glob("endpoints-*.yml"))]
    assert len(written) >= 4
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert not any(value in text for value in values), path
    assert admin_name not in fleet.env
    seen = 0
    for process in processes_of(fleet):
        try:
            command_line = (process / "cmdline").read_bytes().decode("utf-8", "replace")
            environment = (process / "environ").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        seen += 1
        assert not any(value in command_line for value in values), command_line[:80]
        assert admin not in environment, command_line[:80]
    assert seen >= len(fleet.supervisor.children)
