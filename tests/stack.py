"""Real services for tests: settings on free loopback ports, processes started and stopped.

Used by conftest fixtures; kept apart so benchmarks can start the same stack.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional

import yaml

from config import Settings, load_settings
from config.settings import OVERRIDE_ENV, REPO_ROOT
from runtime.supervisor import ServiceSpec, Supervisor, child_env, service_specs

if TYPE_CHECKING:
    from portal.client import PortalClient


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def free_ports_in_a_row(count: int) -> int:
    """The first of `count` consecutive free ports (fleet instances use base port + i)."""
    for _ in range(100):
        first = free_port()
        try:
            probes = []
            for offset in range(1, count):
                probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                probes.append(probe)
                probe.bind(("127.0.0.1", first + offset))
            return first
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise RuntimeError(f"no {count} consecutive free ports")


def write_config(folder: Path, extra: Optional[Dict[str, Any]] = None) -> Path:
    """A settings override with free ports and every file under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    content: Dict[str, Any] = {
        "paths": {"data_dir": str(folder / "data"), "log_dir": str(folder / "logs")},
        "dialogue": {"rasa_port": free_port(), "action_port": free_port(),
                     "models_dir": str(REPO_ROOT / "models")},
        "portal": {"sandbox_port": free_port(), "read_timeout_seconds": 2.0, "retries": 1,
                   "backoff_seconds": 0.05},
        "supervisor": {"health_timeout_seconds": 240},
        "console": {"port": free_port()},
    }
    for section, values in (extra or {}).items():
        content.setdefault(section, {}).update(values)
    path = folder / "settings.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class Stack:
    settings: Settings
    env: Dict[str, str]
    supervisor: Supervisor
    config_path: Path

    @property
    def portal_key(self) -> str:
        return self.env[self.settings.portal.api_key_env]

    @property
    def rasa_token(self) -> str:
        return self.env[self.settings.dialogue.auth_token_env]

    def portal(self) -> PortalClient:
        """A portal client of the test's own, with the stack's key."""
        from portal.client import PortalClient

        portal = self.settings.portal
        return PortalClient(portal.url, self.portal_key, portal.connect_timeout_seconds, portal.read_timeout_seconds)

    def stop(self) -> None:
        self.supervisor.stop()


def start_stack(folder: Path, names: Optional[List[str]] = None,
                extra: Optional[Dict[str, Any]] = None) -> Stack:
    """Start the named services (default: all) and wait until each answers."""
    config_path = write_config(folder, extra)
    settings = load_settings(str(config_path))
    env = child_env(settings)
    env[OVERRIDE_ENV] = str(config_path)
    env.setdefault(settings.portal.api_key_env, secrets.token_urlsafe(16))
    supervisor = Supervisor(settings, env)
    specs: List[ServiceSpec] = [s for s in service_specs(settings) if names is None or s.name in names]
    try:
        for spec in specs:
            supervisor.start(spec)
        supervisor.wait_healthy()
    except BaseException:
        supervisor.stop()
        raise
    return Stack(settings, env, supervisor, config_path)


def use_settings_in_this_process(stack: Stack) -> None:
    """Point code that calls get_settings() in the test process at the stack's settings."""
    from config import settings as settings_module

    os.environ[OVERRIDE_ENV] = str(stack.config_path)
    os.environ[stack.settings.portal.api_key_env] = stack.portal_key
    os.environ[stack.settings.dialogue.auth_token_env] = stack.rasa_token
    settings_module.get_settings.cache_clear()
