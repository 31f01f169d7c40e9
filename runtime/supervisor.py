"""The supervisor behind `make run`: start every process, wait until each answers, keep
them alive, and stop them all on Ctrl-C.

Services run in their own process groups so the supervisor decides the shutdown order; the
kiosk (window or terminal conversation) stays in the terminal's group so it can read the keyboard. A
service that dies is restarted with backoff; its output passes through the same masking
as every log before it reaches the disk.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from config import Settings, get_settings, secret
from config.settings import REPO_ROOT
from runtime.health import StopRequested, wait_until_healthy
from runtime.logs import setup_logging
from runtime.output import pump_masked

logger = logging.getLogger(__name__)

HEALTHY_RESET_SECONDS = 60


@dataclass
class ServiceSpec:
    name: str
    args: List[str]
    health_url: str
    foreground: bool = False  # True: shares the terminal (the kiosk window, or the terminal conversation)
    needs_token: bool = False  # Rasa's /status wants the auth token


@dataclass
class Child:
    spec: ServiceSpec
    process: subprocess.Popen
    started: float
    restarts: int = 0
    healthy: bool = False
    pump: Optional[threading.Thread] = field(default=None, repr=False)


def child_env(settings: Settings) -> Dict[str, str]:
    """Environment for every child: the secrets this run shares, the same settings file."""
    env = dict(os.environ)
    if settings.portal.mode == "sandbox" and not secret(settings.portal.api_key_env):
        env[settings.portal.api_key_env] = secrets.token_urlsafe(24)
    env[settings.dialogue.outbox_key_env] = secret(settings.dialogue.outbox_key_env) or secrets.token_urlsafe(24)
    for env_name in (settings.dialogue.auth_token_env, settings.console.kiosk_key_env,
                     settings.dialogue.card_key_env):
        if not secret(env_name):
            env[env_name] = secrets.token_urlsafe(24)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def main_py(*args: str) -> List[str]:
    """The command line that runs one of main.py's subcommands in this venv."""
    return [sys.executable, str(REPO_ROOT / "main.py"), *args]


def sandbox_spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec("portal-sandbox", main_py("portal-sandbox"), f"{settings.portal.url}/v1/health")


def console_spec(settings: Settings) -> ServiceSpec:
    scheme = "https" if settings.console.tls else "http"
    return ServiceSpec("centre-console", main_py("centre-console"),
                       f"{scheme}://127.0.0.1:{settings.console.port}/login")


def service_specs(settings: Settings) -> List[ServiceSpec]:
    """What this machine runs besides the kiosk. A kiosk of a city fleet (dialogue.rasa_url
    set) runs neither Rasa nor actions, nor the sandbox only those actions would call."""
    specs = []
    if settings.portal.mode == "sandbox" and settings.dialogue.embedded:
        specs.append(sandbox_spec(settings))
    if settings.console.enabled:
        specs.append(console_spec(settings))
    if settings.dialogue.embedded:
        specs.append(ServiceSpec("action-server", main_py("action-server"),
                                 f"http://127.0.0.1:{settings.dialogue.action_port}/health"))
        specs.append(ServiceSpec("rasa-server", main_py("rasa-server"),
                                 f"{settings.dialogue.base_url}/status", needs_token=True))
    return specs


class Supervisor:
    def __init__(self, settings: Settings, env: Optional[Dict[str, str]] = None) -> None:
        self.settings = settings
        self.env = env or child_env(settings)
        self.children: Dict[str, Child] = {}
        self._stopping = threading.Event()

    # -- starting --------------------------------------------------------------------

    def _spawn(self, spec: ServiceSpec) -> subprocess.Popen:
        if spec.foreground:
            return subprocess.Popen(spec.args, cwd=REPO_ROOT, env=self.env)
        return subprocess.Popen(
            spec.args, cwd=REPO_ROOT, env=self.env, start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )

    def start(self, spec: ServiceSpec, restarts: int = 0) -> Child:
        process = self._spawn(spec)
        child = Child(spec, process, time.monotonic(), restarts)
        if process.stdout is not None:
            log_path = self.settings.log_dir / f"{spec.name}.out"
            child.pump = pump_masked(process.stdout, log_path)
        self.children[spec.name] = child
        logger.info("started %s (pid %d)", spec.name, process.pid)
        return child

    def start_services(self) -> None:
        for spec in service_specs(self.settings):
            self.start(spec)

    def wait_healthy(self) -> None:
        """Block until every service answers its health check; raise naming the one that did not."""
        token = self.env.get(self.settings.dialogue.auth_token_env, "")
        for child in list(self.children.values()):
            if child.spec.foreground or child.healthy:
                continue
            params = {"token": token} if child.spec.needs_token else None
            wait_until_healthy(child.spec.name, child.spec.health_url, child.process,
                               self.settings.supervisor.health_timeout_seconds, params,
                               self.settings.log_dir / f"{child.spec.name}.out", stop=self._stopping)
            child.healthy = True
            logger.info("%s is ready", child.spec.name)

    # -- watching --------------------------------------------------------------------

    def _backoff(self, restarts: int) -> float:
        steps = self.settings.supervisor.restart_backoff_seconds
        return float(steps[min(restarts, len(steps) - 1)])

    def watch(self, until_exit_of: Optional[str] = None) -> int:
        """Restart dead services with backoff; return when `until_exit_of` ends cleanly."""
        while not self._stopping.is_set():
            for name, child in list(self.children.items()):
                code = child.process.poll()
                if code is None:
                    continue
                if name == until_exit_of and code in (0, 130, -signal.SIGINT):
                    return 0
                if self._stopping.is_set():
                    break
                runs_long = time.monotonic() - child.started > HEALTHY_RESET_SECONDS
                restarts = 0 if runs_long else child.restarts + 1
                delay = self._backoff(restarts)
                logger.warning("%s exited with %s; restarting in %.0f s", name, code, delay)
                if self._stopping.wait(delay):
                    break
                self.start(child.spec, restarts)
            self._stopping.wait(0.5)
        return 0

    # -- stopping --------------------------------------------------------------------

    def stop(self) -> None:
        self._stopping.set()
        for child in reversed(list(self.children.values())):
            _terminate(child.process, child.spec.foreground)
        for child in self.children.values():
            if child.pump is not None:
                child.pump.join(timeout=2)
        logger.info("all processes stopped")


def _terminate(process: subprocess.Popen, foreground: bool, grace: float = 8.0) -> None:
    if process.poll() is not None:
        return
    try:
        if foreground:
            process.terminate()
        else:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        if foreground:
            process.kill()
        else:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def display_available() -> bool:
    """An X display we can actually connect to (DISPLAY set and its socket present)."""
    display = os.environ.get("DISPLAY", "")
    if not display:
        return bool(os.environ.get("WAYLAND_DISPLAY"))
    if display.startswith(":"):
        number = display[1:].split(".")[0]
        return Path(f"/tmp/.X11-unix/X{number}").exists()
    return True


def run_all(kiosk: bool = True) -> int:
    settings = get_settings()
    setup_logging(settings, "supervisor")
    supervisor = Supervisor(settings)
    def ask_to_stop(*_: object) -> None:
        supervisor._stopping.set()

    previous = signal.signal(signal.SIGTERM, ask_to_stop)
    previous_interrupt = signal.getsignal(signal.SIGINT)
    try:
        supervisor.start_services()
        try:
            supervisor.wait_healthy()
        except StopRequested:
            logger.info("stopped while starting")
            return 0
        # From here Ctrl-C only asks the watch loop to end. A KeyboardInterrupt raised inside
        # its Event.wait can leave the event's lock held, and stop() then waits on it forever.
        signal.signal(signal.SIGINT, ask_to_stop)
        if not kiosk:
            print("服务已就绪 / services ready. Ctrl-C 停止 / to stop.", flush=True)
            return supervisor.watch()
        front = "kiosk" if display_available() else "terminal"
        if front == "terminal":
            print("没有可用的显示器，改用终端对话。/ No display: the conversation runs in this terminal.",
                  flush=True)
        supervisor.start(ServiceSpec(front, main_py(front), "", foreground=True))
        return supervisor.watch(until_exit_of=front)
    except KeyboardInterrupt:
        return 130
    finally:
        supervisor.stop()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_interrupt)

