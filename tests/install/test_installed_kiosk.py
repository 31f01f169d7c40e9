"""A kiosk PC from a bundle of this checkout: installed offline into a fresh root, its units
verified, its services and its window started under the units' sandbox.

The tests run in this order and share one installed root (installing takes minutes);
test_updates.py goes on with the same root.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.install import helpers
from tests.stack import free_port

pytestmark = [pytest.mark.services, pytest.mark.timeout(2400)]

UNITS = ["elder-kiosk-services.service", "elder-kiosk-session.service", "elder-kiosk-maintenance.service",
         "elder-kiosk-maintenance.timer", "elder-kiosk-health.service", "elder-kiosk-health.timer"]


def test_install_lays_out_the_kiosk_and_writes_nothing_else(installed):
    """Everything the install made, listed: anything extra or missing fails. (The install ran with
    every other mount read-only and no network, so a write elsewhere would have failed it.)"""
    version = json.loads((installed.prefix / "current" / "RELEASE.json").read_text())["version"]
    expected = {
        "etc", "etc/.pwd.lock", "etc/group", "etc/gshadow", "etc/passwd", "etc/shadow",
        "etc/elder-kiosk", "etc/elder-kiosk/kiosk.yaml", "etc/elder-kiosk/secrets.env",
        "etc/pam.d", "etc/pam.d/elder-kiosk", "etc/sysctl.d", "etc/sysctl.d/60-elder-kiosk.conf",
        "etc/sysusers.d", "etc/sysusers.d/elder-kiosk.conf", "etc/systemd", "etc/systemd/logind.conf.d",
        "etc/systemd/logind.conf.d/elder-kiosk.conf", "etc/systemd/system",
        *(f"etc/systemd/system/{unit}" for unit in UNITS),
        *(f"etc/systemd/system/{target}" for target in ("sleep.target", "suspend.target", "hibernate.target",
                                                        "hybrid-sleep.target", "suspend-then-hibernate.target")),
        "etc/systemd/system/multi-user.target.wants",
        "etc/systemd/system/multi-user.target.wants/elder-kiosk-services.service",
        "etc/systemd/system/multi-user.target.wants/elder-kiosk-session.service",
        "etc/systemd/system/timers.target.wants",
        "etc/systemd/system/timers.target.wants/elder-kiosk-maintenance.timer",
        "etc/systemd/system/timers.target.wants/elder-kiosk-health.timer",
        "opt", "opt/elder-kiosk", "opt/elder-kiosk/.lock", "opt/elder-kiosk/current",
        "opt/elder-kiosk/installed-files.json", "opt/elder-kiosk/releases", f"opt/elder-kiosk/releases/{version}",
        "opt/elder-kiosk/envs", "opt/elder-kiosk/python", "opt/elder-kiosk/python/cpython-3.10.13-x86_64",
        "opt/elder-kiosk/python/cpython-3.11.7-x86_64",
        "usr", "usr/local", "usr/local/sbin", "usr/local/sbin/elder-kiosk",
        "var", "var/lib", "var/lib/elder-kiosk",
    }
    found = set(helpers.top_level(installed.root))
    envs = {name for name in found if name.startswith("opt/elder-kiosk/envs/")}
    assert sorted(name.split("/")[-1].split("-")[0] for name in envs) == ["kiosk", "rasa"]
    assert found - envs == expected
    release = installed.prefix / "releases" / version
    assert os.readlink(installed.prefix / "current") == f"releases/{version}"
    assert (release / "VERSION").read_text().strip() == version
    assert (release / ".venv").resolve().parent == installed.prefix / "envs"
    assert list((release / "models").glob("*.tar.gz")), "the trained model travels with the release"
    print(f"install took {installed.seconds:.0f} s")


def test_modes_and_owners(installed):
    uid, gid = helpers.user_ids(installed.root)
    data, config = installed.data.stat(), installed.config
    assert (data.st_mode & 0o7777, data.st_uid, data.st_gid) == (0o700, uid, gid)
    secrets = (config / "secrets.env").stat()
    assert (secrets.st_mode & 0o7777, secrets.st_uid) == (0o600, 0)
    settings = (config / "kiosk.yaml").stat()
    assert (settings.st_mode & 0o7777, settings.st_uid, settings.st_gid) == (0o640, 0, gid)
    assert (config.stat().st_mode & 0o7777, config.stat().st_gid) == (0o750, gid)
    names = helpers.secrets_of(installed.root)
    assert sorted(names) == ["ELDER_CONSOLE_KIOSK_KEY", "ELDER_PORTAL_API_KEY", "ELDER_PRACTICE_API_KEY",
                             "ELDER_RASA_TOKEN"]
    assert all(len(value) >= 40 for value in names.values())
    # Code and environments are root's and nobody else may change them.
    for path in [installed.prefix, *installed.prefix.glob("releases/*/main.py"), *installed.prefix.glob("envs/*")]:
        stat = path.stat()
        assert stat.st_uid == 0 and not stat.st_mode & 0o022, path


def test_settings_hold_only_what_the_centre_sets_and_validate(installed):
    text = (installed.config / "kiosk.yaml").read_text(encoding="utf-8")
    assert 'kiosk_id: "test-kiosk-01"' in text and 'centre_id: "centre-test"' in text and 'district: "赣县区"' in text
    import yaml

    content = yaml.safe_load(text)
    assert set(content) == {"kiosk", "devices", "paths"}
    assert set(content["kiosk"]) == {"kiosk_id", "centre_id", "district", "printer", "fullscreen"}
    assert content["paths"] == {"data_dir": "/var/lib/elder-kiosk", "log_dir": "/var/lib/elder-kiosk/logs"}
    check = helpers.installed_main(installed.root, "maintenance", "--help")
    assert check.returncode == 0, check.stderr


def test_units_pass_systemd_analyze_verify(installed, install_area):
    """The installed units as they are, with `systemd-analyze verify --root`: a view of the root
    with this machine's /usr (systemctl, cage, sh and the standard targets) mounted in."""
    view = install_area / "verify-view"
    view.mkdir(exist_ok=True)
    root = installed.root
    units = " ".join(f"/etc/systemd/system/{unit}" for unit in UNITS)
    broken = "[Service]\nExecStart=/opt/elder-kiosk/current/.venv/bin/no-such-program\n"
    script = f"""set -e
mount -t tmpfs tmpfs {view}
mkdir -p {view}/etc {view}/opt {view}/usr {view}{root}
mount --bind {root}/etc {view}/etc; mount --bind {root}/opt {view}/opt; mount --bind /usr {view}/usr
ln -s usr/bin {view}/bin; ln -s usr/lib {view}/lib; ln -s usr/sbin {view}/sbin
mount --bind {root} {view}{root}   # the environments' interpreter links name the root's own paths
systemd-analyze verify --man=no --root={view} {units}
echo verified
mkdir -p {view}/run/systemd/system && printf '{broken}' > {view}/run/systemd/system/broken.service
! systemd-analyze verify --man=no --root={view} /run/systemd/system/broken.service 2>/dev/null
echo broken-refused
"""
    result = subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True, text=True)
    assert result.returncode == 0 and "verified" in result.stdout, result.stdout + result.stderr
    assert result.stderr.strip() == "", result.stderr  # no warnings either
    assert "broken-refused" in result.stdout, "verify must catch a unit whose program is missing"


def _unit_lines(installed, unit: str, key: str):
    text = (installed.root / "etc" / "systemd" / "system" / unit).read_text()
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(key + "=")]


def _start_services(installed, install_area):
    ports = {name: free_port() for name in ("rasa", "action", "sandbox", "console")}
    settings = helpers.port_settings(installed.root, install_area, ports)
    uid, gid = helpers.user_ids(installed.root)
    current = installed.prefix / "current"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(installed.data), "ELDER_CONFIG": str(settings), "LANG": "C.UTF-8",
           **helpers.secrets_of(installed.root)}
    command = [current / ".venv" / "bin" / "python", current / "main.py", "run", "--no-kiosk"]
    log = (install_area / "services.out").open("w")
    (syscalls,) = _unit_lines(installed, "elder-kiosk-services.service", "SystemCallFilter")
    process = subprocess.Popen(helpers.confined(command, writable=[installed.data], user=(uid, gid), loopback=True,
                                                private_tmp=True, syscalls=syscalls), env=env, stdout=log,
                               stderr=subprocess.STDOUT, cwd=installed.data)
    _wait_until_confined(process, current / "main.py")
    return process, env, ports, (uid, gid)


def _wait_until_confined(process, main, seconds=120):
    """Until the supervisor runs in its own namespaces: straight after Popen the process is
    still `unshare`, in this machine's network, and a command entered into it (nsenter) would
    look for the services on the wrong loopback. unshare's and the confining script's command
    lines name main.py too; the confining script execs setpriv (then the supervisor) last, once
    every namespace is in place, so the command line no longer names it from then on."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            break
        if str(main).encode() in command_line and str(helpers.CONFINE).encode() not in command_line:
            assert os.readlink(f"/proc/{process.pid}/ns/net") != os.readlink("/proc/self/ns/net")
            return
        time.sleep(0.1)
    raise AssertionError(f"the services never started under their sandbox (exit {process.poll()})")


def _inside(process, env, user, command, timeout=420):
    """A command in the services' own network and mount namespaces, as their user."""
    argv = ["nsenter", f"--net=/proc/{process.pid}/ns/net", f"--mount=/proc/{process.pid}/ns/mnt", "setpriv",
            f"--reuid={user[0]}", f"--regid={user[1]}", "--clear-groups", "--", *map(str, command)]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)


def test_installed_services_start_under_the_units_sandbox_and_answer(installed, install_area):
    """The services unit's command, as its user, with the code read-only, only the data folder
    writable, a private /tmp, no /root or /home, no network but loopback, and only the unit's
    system calls (seccomp, as SystemCallFilter= sets it)."""
    process, env, ports, user = _start_services(installed, install_area)
    current = installed.prefix / "current"
    python, main = current / ".venv" / "bin" / "python", current / "main.py"
    try:
        started = time.monotonic()
        ready = _inside(process, env, user, [python, main, "maintenance", "--wait-ready"])
        assert ready.returncode == 0, ready.stderr + (install_area / "services.out").read_text()
        status = Path(f"/proc/{process.pid}/status").read_text()  # the supervisor itself
        for line in (f"Uid:\t{user[0]}", "NoNewPrivs:\t1", "Seccomp:\t2", "CapEff:\t0000000000000000"):
            assert line in status, line
        print(f"services ready in {time.monotonic() - started:.0f} s")
        token = env["ELDER_RASA_TOKEN"]
        probe = f"""
import requests
urls = ["http://127.0.0.1:{ports['sandbox']}/v1/health", "http://127.0.0.1:{ports['console']}/login",
        "http://127.0.0.1:{ports['action']}/health", "http://127.0.0.1:{ports['rasa']}/status?token={token}"]
print([requests.get(url, timeout=5).status_code for url in urls])
reply = requests.post("http://127.0.0.1:{ports['rasa']}/webhooks/rest/webhook",
                      json={{"sender": "install-test", "message": "/greet"}}, timeout=60).json()
print(bool(reply))
"""
        answered = _inside(process, env, user, [python, "-c", probe])
        assert answered.stdout.split() == ["[200,", "200,", "200,", "200]", "True"], answered.stdout + answered.stderr
        health = _inside(process, env, user, [python, main, "maintenance", "--health"])
        assert health.returncode == 0, health.stderr
        record = json.loads((installed.data / "health.json").read_text())
        assert record["healthy"] and all(record["services"].values()) and len(record["services"]) == 4
        assert record["version"] == (current / "VERSION").read_text().strip()
        assert record["kiosk_id"] == "test-kiosk-01"
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=90)
    assert code == 0, (install_area / "services.out").read_text()[-3000:]
    owners = {path.stat().st_uid for path in installed.data.rglob("*")}
    assert owners == {user[0]}, "everything in the data folder is the kiosk user's"
    assert sorted(p.name for p in (installed.data / "logs").glob("*.out")) == [
        "action-server.out", "centre-console.out", "portal-sandbox.out", "rasa-server.out"]


def test_nightly_maintenance_vacuums_and_rotates(installed, install_area):
    uid, gid = helpers.user_ids(installed.root)
    settings = install_area / "run-settings.yaml"
    current = installed.prefix / "current"
    command = [current / ".venv" / "bin" / "python", current / "main.py", "maintenance"]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(installed.data), "ELDER_CONFIG": str(settings),
           **helpers.secrets_of(installed.root)}
    (syscalls,) = _unit_lines(installed, "elder-kiosk-maintenance.service", "SystemCallFilter")
    result = subprocess.run(helpers.confined(command, writable=[installed.data], user=(uid, gid), private_tmp=True,
                                             syscalls=syscalls), env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    record = json.loads((installed.data / "maintenance.json").read_text())
    assert {entry["file"] for entry in record["databases"]} >= {"portal-sandbox.sqlite3", "centre-console.sqlite3"}
    assert all(entry["ok"] and entry["integrity"] == "ok" for entry in record["databases"])
    assert len(record["rotated"]) == 4 and not list((installed.data / "logs").glob("*.out"))
    again = subprocess.run(helpers.confined([*command, "--if-due"], writable=[installed.data], user=(uid, gid)),
                           env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and json.loads((installed.data / "maintenance.json").read_text()) == record


def test_the_session_units_command_shows_the_kiosk_full_screen_under_cage(installed, install_area):
    """The installed session unit's command line, environment and user, under its sandbox. A
    container has no seat, GPU or systemd, so cage draws into an Xvfb screen (its X11 backend,
    software rendering) instead of the monitor (DRM); everything inside cage is as on a kiosk PC."""
    uid, gid = helpers.user_ids(installed.root)
    runtime_dir = install_area / "xdg-runtime"  # what pam_systemd makes at /run/user/<uid>
    runtime_dir.mkdir(mode=0o700, exist_ok=True)
    os.chown(runtime_dir, uid, gid)
    (command,) = _unit_lines(installed, "elder-kiosk-session.service", "ExecStart")
    argv = [part.replace("/opt/elder-kiosk", str(installed.prefix)) for part in command.split()]
    assert argv[:3] == ["/usr/bin/cage", "-d", "--"] and argv[-1] == "kiosk"
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **helpers.secrets_of(installed.root)}
    env.update(line.split("=", 1) for line in _unit_lines(installed, "elder-kiosk-session.service", "Environment"))
    # This container's kernel (gVisor) reports the peer of a local socket in a way Xwayland's
    # host check does not take for local, so here only Xwayland runs with -ac (no access control).
    xwayland = install_area / "xwayland-ac"
    xwayland.write_text('#!/bin/sh\nexec /usr/bin/Xwayland "$@" -ac\n')
    xwayland.chmod(0o755)
    env.update({"ELDER_CONFIG": str(install_area / "run-settings.yaml"), "HOME": str(installed.data),
                "XDG_RUNTIME_DIR": str(runtime_dir),
                # only what differs from a kiosk PC: the screen is an Xvfb, and the -ac above
                "DISPLAY": ":58", "WLR_BACKENDS": "x11", "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1",
                "WLR_XWAYLAND": str(xwayland)})
    screen = ("Xvfb :58 -screen 0 1920x1080x24 -nolisten tcp & x=$!; sleep 2; \"$@\" & c=$!; "
              "trap 'kill -TERM $c; wait $c; kill $x' TERM; wait $c; kill $x")
    argv = ["sh", "-c", screen, "sh", *argv]
    log = (install_area / "session.out").open("w")
    session = subprocess.Popen(helpers.confined(argv, writable=[installed.data, runtime_dir], user=(uid, gid),
                                                loopback=True, private_tmp=True), env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    shot = install_area / "session.png"
    try:
        from PIL import Image

        deadline, colours = time.monotonic() + 180, 0
        while time.monotonic() < deadline and colours < 50:
            time.sleep(3)
            assert session.poll() is None, (install_area / "session.out").read_text()[-3000:]
            grab = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "grim", "-"],
                                  env={"XDG_RUNTIME_DIR": str(runtime_dir), "WAYLAND_DISPLAY": "wayland-0",
                                       "PATH": "/usr/bin:/bin"}, capture_output=True)
            if grab.returncode == 0:
                shot.write_bytes(grab.stdout)  # what cage shows, as a person would see it
                with Image.open(shot) as image:
                    colours = len(image.convert("RGB").getcolors(maxcolors=1 << 20) or [])
                    size = image.size
        assert colours >= 50, f"the screen stayed blank ({colours} colours); see {shot}"
        time.sleep(8)  # the screen a resident would meet, once the first layout has settled
        grab = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "grim", "-"],
                              env={"XDG_RUNTIME_DIR": str(runtime_dir), "WAYLAND_DISPLAY": "wayland-0",
                                   "PATH": "/usr/bin:/bin"}, capture_output=True, check=True)
        shot.write_bytes(grab.stdout)
        with Image.open(shot) as image:  # cage's own background is black: the window covers all of it
            rgb = image.convert("RGB")
            corners = [rgb.getpixel((x, y)) for x in (2, rgb.width - 3) for y in (2, rgb.height - 3)]
        assert (0, 0, 0) not in corners, f"the window does not fill the screen; see {shot}"
        print(f"kiosk window under cage: {size[0]}x{size[1]}, {colours} colours, {shot}")
        assert "Provider: sdl2" in (installed.data / "logs" / "kiosk.log").read_text()
    finally:
        session.send_signal(signal.SIGTERM)
        session.wait(timeout=60)
