"""A city's central dialogue service on one machine: Rasa's production set-up, for real.

    nginx (balancer) ─┬─ rasa run × N ── PostgreSQL (tracker store, masked, expiring)
                      │                  Redis (lock store; the actions' vault)
                      └─ action servers × M (stateless) ── portal (sandbox or remote)
    plus the centre console, its data in the same PostgreSQL.

PostgreSQL, Redis and nginx are Debian's own servers, run as plain processes under the
same supervisor as everything else (restart with backoff, masked logs), on loopback ports
from `fleet:` in config/. `make fleet-up` runs this detached; `make fleet-down` stops it.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from config import Settings, load_settings, secret
from config.settings import OVERRIDE_ENV, REPO_ROOT, _merge, _read_yaml
from runtime.supervisor import ServiceSpec, Supervisor, child_env, console_spec, main_py, sandbox_spec

logger = logging.getLogger(__name__)

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
SECRETS_FILE = "secrets.env"


class FleetError(RuntimeError):
    """The fleet cannot start; the message says what to install or fix."""


def fleet_dir(settings: Settings) -> Path:
    return settings.data_dir / "fleet"


# -- one settings file for every fleet process ---------------------------------------------


def fleet_settings_file(settings: Settings, base_override: Optional[str]) -> Path:
    """The centre's settings plus what the fleet decides (balancer URL, vault, console DB).

    Every fleet child reads this one file, so they all agree; kiosks that should use the
    fleet set the same dialogue.rasa_url.
    """
    fleet = settings.fleet
    raw = _read_yaml(Path(base_override)) if base_override else {}
    raw = _merge(raw, {
        "dialogue": {"rasa_url": f"http://127.0.0.1:{fleet.balancer_port}", "vault_url": fleet.redis_url},
        "console": {"database_url": f"postgresql://{fleet.db_user}@127.0.0.1:{fleet.postgres_port}/"
                                    f"{fleet.database}",
                    "database_password_env": fleet.db_password_env},
    })
    path = fleet_dir(settings) / "settings.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def load_or_make_secrets(settings: Settings, env: Dict[str, str]) -> Dict[str, str]:
    """Credentials from the environment. For a fleet on one machine, the ones the environment
    does not give are generated once and kept in data/fleet/secrets.env (mode 600, never in
    the repository) so `fleet-down`, tests and the load test reach what `fleet-up` started.
    What the environment gives is never written anywhere."""
    import secrets as random_secrets

    names = [settings.fleet.db_password_env, settings.dialogue.auth_token_env, settings.console.kiosk_key_env]
    if settings.portal.mode == "sandbox":
        names.append(settings.portal.api_key_env)
    generated = [name for name in names if not secret(name)]
    path = fleet_dir(settings) / SECRETS_FILE
    stored: Dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            if name and value:
                stored[name] = value
    for name in generated:
        env[name] = stored.get(name) or random_secrets.token_urlsafe(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    os.chmod(path, 0o600)
    path.write_text("".join(f"{name}={env[name]}\n" for name in generated), encoding="utf-8")
    return env


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


def init_postgres(settings: Settings) -> None:
    if not (POSTGRES_BIN / "postgres").exists():
        raise FleetError("PostgreSQL is not installed: sh scripts/system-packages.sh installs it")
    paths = postgres_paths(settings)
    _give_to_postgres(paths["socket"])
    if (paths["data"] / "PG_VERSION").exists():
        return
    _give_to_postgres(paths["data"])
    subprocess.run(_as_postgres_user([
        str(POSTGRES_BIN / "initdb"), "-D", str(paths["data"]), "-U", "postgres", "-E", "UTF8",
        "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256"]),
        check=True, stdout=subprocess.DEVNULL)


def postgres_spec(settings: Settings) -> ServiceSpec:
    paths = postgres_paths(settings)
    argv = _as_postgres_user([
        str(POSTGRES_BIN / "postgres"), "-D", str(paths["data"]), "-p", str(settings.fleet.postgres_port),
        "-k", str(paths["socket"]), "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"])
    return ServiceSpec("postgres", argv, f"tcp://127.0.0.1:{settings.fleet.postgres_port}")


def create_database(settings: Settings, password: str) -> None:
    """The fleet's role and database; the password is (re)set from the environment each start."""
    import psycopg2

    fleet = settings.fleet
    connection = psycopg2.connect(host=str(postgres_paths(settings)["socket"]), port=fleet.postgres_port,
                                  user="postgres", dbname="postgres")
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


# -- Redis and nginx ------------------------------------------------------------------------


def redis_spec(settings: Settings) -> ServiceSpec:
    if not shutil.which("redis-server"):
        raise FleetError("Redis is not installed: sh scripts/system-packages.sh installs it")
    folder = fleet_dir(settings) / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    # Locks and the vault are short-lived by design: nothing is written to disk.
    argv = ["redis-server", "--port", str(settings.fleet.redis_port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(folder), "--protected-mode", "yes"]
    return ServiceSpec("redis", argv, f"tcp://127.0.0.1:{settings.fleet.redis_port}")


def nginx_config(settings: Settings) -> Path:
    fleet = settings.fleet
    prefix = fleet_dir(settings) / "nginx"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(prefix / "tmp" / sub, 0o777)  # nginx workers drop to `nobody`

    def upstream(name: str, ports: List[int]) -> str:
        servers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n" for port in ports)
        return f"  upstream {name} {{\n{servers}    keepalive 64;\n  }}\n"

    def server(port: int, upstream_name: str, read_timeout: int) -> str:
        return (
            f"  server {{\n    listen 127.0.0.1:{port};\n"
            "    location = /nginx-health { return 200 'ok'; }\n"
            f"    location / {{\n      proxy_pass http://{upstream_name};\n"
            "      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n"
            "      proxy_connect_timeout 2s;\n"
            f"      proxy_read_timeout {read_timeout}s;\n"
            # A dead instance: the request goes to the next. A request whose instance died
            # mid-answer goes too (non_idempotent); submissions carry idempotency keys.
            "      proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n"
            "      proxy_next_upstream_tries 3;\n    }\n  }\n")

    temp = prefix / "tmp"
    config = (
        "worker_processes 2;\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n  access_log off;\n"
        f"  client_body_temp_path {temp / 'body'};\n  proxy_temp_path {temp / 'proxy'};\n"
        f"  fastcgi_temp_path {temp / 'fastcgi'};\n  uwsgi_temp_path {temp / 'uwsgi'};\n"
        f"  scgi_temp_path {temp / 'scgi'};\n"
        + upstream("rasa", fleet.rasa_ports()) + upstream("actions", fleet.action_ports())
        + server(fleet.balancer_port, "rasa", 90) + server(fleet.action_balancer_port, "actions", 60)
        + "}\n")
    path = prefix / "nginx.conf"
    path.write_text(config, encoding="utf-8")
    return path


def nginx_spec(settings: Settings) -> ServiceSpec:
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        raise FleetError("nginx is not installed: sh scripts/system-packages.sh installs it")
    config = nginx_config(settings)
    argv = [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(config.parent), "-c", str(config),
            "-g", "daemon off;"]
    return ServiceSpec("balancer", argv, f"http://127.0.0.1:{settings.fleet.balancer_port}/nginx-health")


# -- the fleet as a whole ---------------------------------------------------------------------


def dialogue_specs(settings: Settings) -> List[ServiceSpec]:
    specs = [ServiceSpec(f"actions-{index + 1}", main_py("action-server", "--port", str(port)),
                         f"http://127.0.0.1:{port}/health")
             for index, port in enumerate(settings.fleet.action_ports())]
    specs += [ServiceSpec(f"rasa-{index + 1}", main_py("rasa-server", "--fleet", "--port", str(port)),
                          f"http://127.0.0.1:{port}/status", needs_token=True)
              for index, port in enumerate(settings.fleet.rasa_ports())]
    return specs


def fleet_env(settings: Settings, settings_file: Path) -> Dict[str, str]:
    env = child_env(settings)
    env[OVERRIDE_ENV] = str(settings_file)
    env["TICKET_LOCK_LIFETIME"] = str(settings.fleet.lock_lifetime_seconds)
    threads = str(settings.fleet.rasa_threads)
    env.update({"OMP_NUM_THREADS": threads, "TF_INTRA_OP_PARALLELISM_THREADS": threads,
                "TF_INTER_OP_PARALLELISM_THREADS": threads})
    return load_or_make_secrets(settings, env)


def start_fleet(base_override: Optional[str] = None) -> Supervisor:
    """Start every fleet process, in dependency order, and wait until each answers."""
    settings = load_settings(base_override)
    settings_file = fleet_settings_file(settings, base_override)
    settings = load_settings(str(settings_file))
    env = fleet_env(settings, settings_file)
    supervisor = Supervisor(settings, env)
    try:
        init_postgres(settings)
        for spec in (postgres_spec(settings), redis_spec(settings)):
            supervisor.start(spec)
        supervisor.wait_healthy()
        create_database(settings, env[settings.fleet.db_password_env])
        if settings.portal.mode == "sandbox":
            supervisor.start(sandbox_spec(settings))
        supervisor.start(console_spec(settings))
        for spec in dialogue_specs(settings):
            supervisor.start(spec)
        supervisor.wait_healthy()
        supervisor.start(nginx_spec(settings))
        supervisor.wait_healthy()
    except BaseException:
        supervisor.stop()
        raise
    return supervisor


def pid_file(settings: Settings) -> Path:
    return fleet_dir(settings) / "fleet.pid"


def serve_fleet() -> int:
    """Foreground: start the fleet and keep it alive until SIGTERM or Ctrl-C."""
    from runtime.logs import setup_logging

    settings = load_settings()
    setup_logging(settings, "fleet")

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)  # while starting: start_fleet stops what it began
    try:
        supervisor = start_fleet(os.environ.get(OVERRIDE_ENV))
    except KeyboardInterrupt:
        return 130
    signal.signal(signal.SIGTERM, lambda *_: supervisor._stopping.set())
    (fleet_dir(settings) / "ready").write_text(str(os.getpid()), encoding="utf-8")
    print(f"fleet ready: kiosks use dialogue.rasa_url http://127.0.0.1:{settings.fleet.balancer_port}",
          flush=True)
    try:
        return supervisor.watch()
    except KeyboardInterrupt:
        return 130
    finally:
        supervisor.stop()
        (fleet_dir(settings) / "ready").unlink(missing_ok=True)


def fleet_up(timeout: float = 900) -> int:
    """Start `fleet serve` detached and return once it is ready (make fleet-up)."""
    settings = load_settings()
    if _running_pid(settings):
        print("the fleet is already running (make fleet-down stops it)")
        return 0
    folder = fleet_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ready").unlink(missing_ok=True)
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.log_dir / "fleet.out", "ab") as log:
        process = subprocess.Popen(main_py("fleet", "serve"),
                                   cwd=REPO_ROOT, start_new_session=True, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    pid_file(settings).write_text(str(process.pid), encoding="utf-8")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(f"the fleet did not start; see {settings.log_dir / 'fleet.out'}", file=sys.stderr)
            return 1
        if (folder / "ready").exists():
            print(f"fleet ready: balancer http://127.0.0.1:{settings.fleet.balancer_port}, "
                  f"{settings.fleet.rasa_instances} Rasa instances")
            return 0
        time.sleep(1)
    print("the fleet did not become ready in time; stopping it", file=sys.stderr)
    fleet_down()
    return 1


def _running_pid(settings: Settings) -> Optional[int]:
    try:
        pid = int(pid_file(settings).read_text(encoding="utf-8"))
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def fleet_down(timeout: float = 60) -> int:
    settings = load_settings()
    pid = _running_pid(settings)
    if pid is None:
        print("the fleet is not running")
        return 0
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.5)
    else:
        os.killpg(pid, signal.SIGKILL)
    pid_file(settings).unlink(missing_ok=True)
    print("the fleet is stopped")
    return 0

