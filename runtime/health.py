"""Waiting for a service to answer, with a clear message naming it when it does not."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Dict, Optional

import requests


class ServiceNotReady(RuntimeError):
    pass


def _answers(url: str, params: Optional[Dict[str, str]]) -> bool:
    """HTTP 200, or for tcp://host:port (PostgreSQL, Redis) an accepted connection."""
    if url.startswith("tcp://"):
        host, _, port = url[len("tcp://"):].rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=2):
                return True
        except OSError:
            return False
    # A liveness probe on this machine's loopback: over TLS the certificate names the centre's
    # host, not 127.0.0.1, and nothing is sent but the question whether it answers.
    loopback_tls = url.startswith("https://127.0.0.1:")
    try:
        return requests.get(url, params=params, timeout=2, verify=not loopback_tls).status_code == 200
    except requests.RequestException:
        return False


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


class StopRequested(RuntimeError):
    """The supervisor was asked to stop (SIGTERM, Ctrl-C) while a service was starting."""


def wait_until_healthy(
    name: str, url: str, process: Optional[subprocess.Popen], timeout: float,
    params: Optional[Dict[str, str]] = None, output: Optional[Path] = None,
    stop: Optional[threading.Event] = None,
) -> None:
    """Until the service answers; a stop request ends the wait at once (systemd's SIGTERM
    must not wait for Rasa to be ready)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stop is not None and stop.is_set():
            raise StopRequested(f"asked to stop while {name} was starting")
        if process is not None and process.poll() is not None:
            detail = _tail(output) if output else ""
            raise ServiceNotReady(f"{name} exited with {process.returncode} before it was ready\n{detail}")
        if _answers(url, params):
            return
        if stop is not None:
            stop.wait(0.25)
        else:
            time.sleep(0.25)
    raise ServiceNotReady(f"{name} did not answer {url} within {timeout:.0f} s")
