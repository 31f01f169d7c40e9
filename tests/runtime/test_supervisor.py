"""The supervisor behind `make run`: restarts a dead service with backoff, stops everything on
Ctrl-C, and falls back to the terminal conversation when there is no display."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from config.settings import OVERRIDE_ENV, REPO_ROOT
from tests.stack import start_stack, write_config


def test_dead_service_is_restarted_and_logged(tmp_path, caplog):
    caplog.set_level("WARNING", logger="runtime.supervisor")
    stack = start_stack(tmp_path, names=["portal-sandbox"])
    supervisor = stack.supervisor
    watcher = threading.Thread(target=supervisor.watch, daemon=True)
    watcher.start()
    try:
        first = supervisor.children["portal-sandbox"].process
        os.killpg(first.pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            current = supervisor.children["portal-sandbox"].process
            if current.pid != first.pid and current.poll() is None:
                try:
                    if requests.get(f"{stack.settings.portal.url}/v1/health", timeout=1).ok:
                        break
                except requests.RequestException:
                    pass
            time.sleep(0.2)
        else:
            pytest.fail("the sandbox was not restarted")
        assert "portal-sandbox exited" in caplog.text and "restarting in" in caplog.text
    finally:
        stack.stop()
    assert supervisor.children["portal-sandbox"].process.poll() is not None


def _run_main(config, args, env_extra=None, stdin=None):
    env = dict(os.environ, **{OVERRIDE_ENV: str(config)}, **(env_extra or {}))
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return subprocess.Popen([sys.executable, str(REPO_ROOT / "main.py"), *args], cwd=REPO_ROOT,
                            env=env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def test_ctrl_c_stops_every_child(tmp_path):
    # A central dialogue service is configured, so the supervisor runs only the centre console here.
    config = write_config(tmp_path, {"dialogue": {"rasa_url": "http://127.0.0.1:9"}})
    process = _run_main(config, ["run", "--no-kiosk"])
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "services ready" in line:
            break
    assert any("started centre-console" in line for line in lines), lines
    assert not any(f"started {name}" in line for line in lines
                   for name in ("portal-sandbox", "action-server", "rasa-server")), lines
    started = next(line for line in lines if "started centre-console" in line)
    pid = int(started.split("pid ")[1].rstrip(")\n"))
    process.send_signal(signal.SIGINT)
    # Keep reading while it stops: a full, unread pipe would block its last log lines.
    process.communicate(timeout=60)
    assert process.returncode in (0, 130)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_sigterm_while_services_start_stops_every_child(tmp_path):
    """What systemd sends, while the supervisor still waits for Rasa to answer: it must not
    wait until Rasa is ready or the health timeout passes."""
    process = _run_main(write_config(tmp_path), ["run", "--no-kiosk"])
    pids = {}
    for line in process.stdout:
        if "started " in line and "(pid " in line:
            name = line.split("started ", 1)[1].split(" ", 1)[0]
            pids[name] = int(line.split("pid ")[1].rstrip(")\n"))
        if "rasa-server" in pids:
            break
    assert "rasa-server" in pids, pids
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)  # bounded: it used to wait minutes
    assert "services ready" not in output
    for pid in pids.values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def _sent_code(stack, id_number: str, already_sent: int, timeout: float) -> str:
    """The SMS code the sandbox 'sent' once the terminal asked for it (a message newer than
    the `already_sent` ones): the test types what a resident would read off their phone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = stack.portal().sandbox_sms(id_number=id_number)
        if len(messages) > already_sent and messages[0].code:
            return messages[0].code
        time.sleep(0.5)
    raise AssertionError("the terminal never asked the portal for a code")


def test_no_display_falls_back_to_the_terminal(stack, tmp_path, output_dir):
    # Use the session's running services; this supervisor starts nothing of its own.
    config = write_config(tmp_path, {
        "dialogue": {"rasa_url": stack.settings.dialogue.base_url},
        "portal": {"mode": "remote", "base_url": stack.settings.portal.url},
    })
    process = _run_main(config, ["run"], env_extra={
        stack.settings.dialogue.auth_token_env: stack.rasa_token,
        stack.settings.portal.api_key_env: stack.portal_key}, stdin=subprocess.PIPE)
    id_number = "360702195003121226"
    already_sent = len(stack.portal().sandbox_sms(id_number=id_number))
    process.stdin.write(f"1\n{id_number}\n收短信验证码\n")
    process.stdin.flush()
    code = _sent_code(stack, id_number, already_sent, timeout=90)
    output, _ = process.communicate(f"{code}\n退出\n", timeout=120)
    (output_dir / "terminal-transcript.txt").write_text(output, encoding="utf-8")
    assert "No display" in output
    assert "3607 ********** 1226" in output and "360702195003121226" not in output.split("您说：", 1)[1]
    assert "养老金" in output and "元" in output
    assert process.returncode == 0


def test_a_fleet_kiosk_starts_no_dialogue_of_its_own(tmp_path):
    from config import load_settings
    from runtime.supervisor import service_specs
    from tests.stack import write_config

    path = write_config(tmp_path, {"dialogue": {"rasa_url": "http://127.0.0.1:5080"},
                                   "console": {"enabled": False, "url": "http://127.0.0.1:5020"}})
    assert service_specs(load_settings(str(path))) == []
    embedded = load_settings(str(write_config(tmp_path / "embedded")))
    assert [spec.name for spec in service_specs(embedded)] == [
        "portal-sandbox", "centre-console", "action-server", "rasa-server"]
