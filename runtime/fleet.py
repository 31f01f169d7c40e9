"""A city's central dialogue service on one machine: Rasa's production set-up, for real.

    kiosks ── nginx (TLS) ── conversation gates ── nginx (central) ─┬─ rasa run × N ── PostgreSQL
              only the gate's two routes;          Rasa's API,       │   (tracker store: masked,
              each kiosk's key, its own            master token      │    expiring; passwords only)
              conversations (runtime/gate.py)                        │   Redis (locks; the vault;
                                                                      │    requirepass)
                                                                      └─ action servers × M (stateless)
    plus the centre console, its data in the same PostgreSQL.

PostgreSQL, Redis and nginx are Debian's own servers, run as plain processes under the
same supervisor as everything else (restart with backoff, masked logs), on loopback ports
from `fleet:` in config/. `make fleet-up` runs this detached; `make fleet-down` stops it.
The parts: runtime/fleet_stores.py (PostgreSQL, Redis), runtime/balancer.py (nginx, TLS),
runtime/gate.py and runtime/kiosk_keys.py (kiosks), runtime/fleet_secrets.py.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from config import Settings, load_settings
from config.settings import OVERRIDE_ENV, REPO_ROOT, _merge, _read_yaml
from runtime.balancer import generated_tls_paths, nginx_spec
from runtime.fleet_secrets import fleet_secrets
from runtime.fleet_stores import FleetError, create_database, fleet_dir, init_postgres, postgres_spec, redis_spec
from runtime.supervisor import ServiceSpec, Supervisor, child_env, console_spec, main_py, sandbox_spec

logger = logging.getLogger(__name__)

__all__ = ["FleetError", "fleet_dir", "start_fleet", "fleet_up", "fleet_down", "serve_fleet"]

# Read by nlu/stores/lock_store.py in the Rasa processes: the name of the variable that holds
# Redis's password (Rasa's endpoints file names no password for the lock store).
LOCK_STORE_PASSWORD_POINTER = "ELDER_LOCK_STORE_PASSWORD_ENV"


def kiosk_url(settings: Settings) -> str:
    return f"https://127.0.0.1:{settings.fleet.balancer_port}"


# -- one settings file for every fleet process ---------------------------------------------


def fleet_settings_file(settings: Settings, base_override: Optional[str]) -> Path:
    """The centre's settings plus what the fleet decides (balancer URL and certificate, vault,
    console DB), with no password in it: those stay in the environment.

    Every fleet child reads this one file, so they all agree; kiosks that should use the
    fleet set the same dialogue.rasa_url and ca_certificate.
    """
    fleet = settings.fleet
    raw = _read_yaml(Path(base_override)) if base_override else {}
    dialogue = {"rasa_url": kiosk_url(settings), "vault_url": fleet.redis_url,
                "vault_password_env": fleet.redis_password_env}
    if not fleet.tls_certificate:
        dialogue["ca_certificate"] = str(generated_tls_paths(settings)[0])
    raw = _merge(raw, {
        "dialogue": dialogue,
        "console": {"database_url": f"postgresql://{fleet.db_user}@127.0.0.1:{fleet.postgres_port}/"
                                    f"{fleet.database}",
                    "database_password_env": fleet.db_password_env},
    })
    path = fleet_dir(settings) / "settings.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


# -- the fleet as a whole ---------------------------------------------------------------------


def dialogue_specs(settings: Settings) -> List[ServiceSpec]:
    specs = [ServiceSpec(f"actions-{index + 1}", main_py("action-server", "--port", str(port)),
                         f"http://127.0.0.1:{port}/health")
             for index, port in enumerate(settings.fleet.action_ports())]
    specs += [ServiceSpec(f"rasa-{index + 1}", main_py("rasa-server", "--fleet", "--port", str(port)),
                          f"http://127.0.0.1:{port}/status", needs_token=True)
              for index, port in enumerate(settings.fleet.rasa_ports())]
    specs += [ServiceSpec(f"gate-{index + 1}", main_py("fleet", "gate", "--port", str(port)),
                          f"http://127.0.0.1:{port}/health")
              for index, port in enumerate(settings.fleet.gate_ports())]
    return specs


def fleet_env(settings: Settings, settings_file: Path) -> Tuple[Dict[str, str], str]:
    """The fleet processes' environment, and apart from it PostgreSQL's superuser password."""
    env = child_env(settings)
    env[OVERRIDE_ENV] = str(settings_file)
    env["TICKET_LOCK_LIFETIME"] = str(settings.fleet.lock_lifetime_seconds)
    env[LOCK_STORE_PASSWORD_POINTER] = settings.fleet.redis_password_env
    threads = str(settings.fleet.rasa_threads)
    env.update({"OMP_NUM_THREADS": threads, "TF_INTRA_OP_PARALLELISM_THREADS": threads,
                "TF_INTER_OP_PARALLELISM_THREADS": threads})
    return fleet_secrets(settings, env)


def start_fleet(base_override: Optional[str] = None) -> Supervisor:
    """Start every fleet process, in dependency order, and wait until each answers."""
    settings = load_settings(base_override)
    settings_file = fleet_settings_file(settings, base_override)
    settings = load_settings(str(settings_file))
    env, admin_password = fleet_env(settings, settings_file)
    supervisor = Supervisor(settings, env)
    try:
        init_postgres(settings, admin_password)
        for spec in (postgres_spec(settings), redis_spec(settings, env[settings.fleet.redis_password_env])):
            supervisor.start(spec)
        supervisor.wait_healthy()
        create_database(settings, admin_password, env[settings.fleet.db_password_env])
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
    print(f"fleet ready: kiosks use dialogue.rasa_url {kiosk_url(settings)} and a key of their own "
          "(python main.py fleet add-kiosk KIOSK_ID)", flush=True)
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
            print(f"fleet ready: balancer {kiosk_url(settings)}, {settings.fleet.rasa_instances} Rasa "
                  "instances; a key per kiosk: python main.py fleet add-kiosk KIOSK_ID")
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

