"""The fleet's two stores, Debian's own servers run as plain processes: PostgreSQL (tracker
store, console data) and Redis (conversation locks, the actions' vault).

Neither trusts a connection for coming from this machine: PostgreSQL asks every client for
a SCRAM password, on its socket too, and Redis asks for one (`requirepass`). The passwords
come from the environment or data/fleet/secrets.env (runtime/fleet_secrets.py) and reach
the servers through files of mode 600 or stdin, never a command line other users can read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Dict, List

from config import Settings
from runtime.supervisor import ServiceSpec

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")

# Written at every start, so a cluster made when local connections were trusted is fixed too.
PG_HBA = """# Written by runtime/fleet_stores.py at each start: a password (SCRAM) for everyone, no trust.
local   all   all                  scram-sha-256
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
"""


class FleetError(RuntimeError):
    """The fleet cannot start; the message says what to install or fix."""


def fleet_dir(settings: Settings) -> Path:
    return settings.data_dir / "fleet"


def private_file(path: Path, content: str) -> None:
    """Write a file only this user can read (created 600, never briefly readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(content)


# -- PostgreSQL -----------------------------------------------------------------------------


def _as_postgres_user(argv: List[str]) -> List[str]:
    """PostgreSQL refuses to run as root: as root, run it as Debian's `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _give_to_postgres(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
        os.chmod(path, 0o700)


def postgres_paths(settings: Settings) -> Dict[str, Path]:
    base = fleet_dir(settings)
    return {"data": base / "postgres", "socket": base / "pgsocket"}


def init_postgres(settings: Settings, admin_password: str) -> None:
    """Make the cluster once, then at every start: password-only pg_hba.conf, and the
    superuser's password set from the secret in single-user mode (it needs no login, so a
    lost or changed secret never locks the fleet out of its own database)."""
    if not (POSTGRES_BIN / "postgres").exists():
        raise FleetError("PostgreSQL is not installed: sh scripts/system-packages.sh installs it")
    paths = postgres_paths(settings)
    _give_to_postgres(paths["socket"])
    if not (paths["data"] / "PG_VERSION").exists():
        _give_to_postgres(paths["data"])
        subprocess.run(_as_postgres_user([
            str(POSTGRES_BIN / "initdb"), "-D", str(paths["data"]), "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8", "--auth-local=peer", "--auth-host=scram-sha-256"]),
            check=True, stdout=subprocess.DEVNULL)
    (paths["data"] / "pg_hba.conf").write_text(PG_HBA, encoding="utf-8")  # keeps postgres's ownership
    quoted = admin_password.replace("'", "''")
    done = subprocess.run(
        _as_postgres_user([str(POSTGRES_BIN / "postgres"), "--single", "-D", str(paths["data"]),
                           "-c", "password_encryption=scram-sha-256", "-c", "log_min_messages=fatal",
                           "-c", "log_min_error_statement=panic", "postgres"]),
        input=f"ALTER ROLE postgres PASSWORD '{quoted}';\n", text=True, capture_output=True)
    if done.returncode != 0 or "ERROR" in done.stdout + done.stderr:
        # The output may quote the statement, and with it the password: not shown.
        raise FleetError(f"could not set PostgreSQL's superuser password in {paths['data']} "
                         f"(exit {done.returncode}); is another PostgreSQL running on it?")


def postgres_spec(settings: Settings) -> ServiceSpec:
    paths = postgres_paths(settings)
    argv = _as_postgres_user([
        str(POSTGRES_BIN / "postgres"), "-D", str(paths["data"]), "-p", str(settings.fleet.postgres_port),
        "-k", str(paths["socket"]), "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200",
        "-c", "password_encryption=scram-sha-256"])
    return ServiceSpec("postgres", argv, f"tcp://127.0.0.1:{settings.fleet.postgres_port}")


def create_database(settings: Settings, admin_password: str, password: str) -> None:
    """The fleet's role and database; the role's password is (re)set from the secret each start."""
    import psycopg2

    fleet = settings.fleet
    deadline = time.monotonic() + 60
    while True:  # the port answers a moment before the server takes logins (recovery after a crash)
        try:
            connection = psycopg2.connect(host=str(postgres_paths(settings)["socket"]), port=fleet.postgres_port,
                                          user="postgres", password=admin_password, dbname="postgres")
            break
        except psycopg2.OperationalError as error:
            if "starting up" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.25)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname=%s", (fleet.db_user,))
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            cursor.execute(f'{verb} ROLE "{fleet.db_user}" LOGIN PASSWORD %s', (password,))
            cursor.execute("SELECT 1 FROM pg_database WHERE datname=%s", (fleet.database,))
            if not cursor.fetchone():
                cursor.execute(f'CREATE DATABASE "{fleet.database}" OWNER "{fleet.db_user}"')
    finally:
        connection.close()


# -- Redis ----------------------------------------------------------------------------------


def redis_spec(settings: Settings, password: str) -> ServiceSpec:
    """Redis from a config file of mode 600 (its password is in it). Locks and the vault are
    short-lived by design: nothing is written to disk."""
    if not shutil.which("redis-server"):
        raise FleetError("Redis is not installed: sh scripts/system-packages.sh installs it")
    if any(character.isspace() or character in "\"'" for character in password):
        raise FleetError(f"{settings.fleet.redis_password_env}: no spaces or quotes in Redis's password")
    folder = fleet_dir(settings) / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "redis.conf"
    private_file(config, "".join(f"{line}\n" for line in (
        f"port {settings.fleet.redis_port}", "bind 127.0.0.1", "protected-mode yes", 'save ""',
        "appendonly no", f'dir "{folder}"', f"requirepass {password}")))
    return ServiceSpec("redis", ["redis-server", str(config)], f"tcp://127.0.0.1:{settings.fleet.redis_port}")
