"""What the installer puts outside /opt/elder-kiosk: the user, the data folder, /etc and systemd.

Everything it writes there is listed in the install record (uninstall removes exactly that).
The centre's settings and the secrets are written only when they are missing, so updates
never change them; units and the other system files come from the release's deploy/ folder
and are rewritten by every install. Under `--root` nothing touches the running system:
systemd-sysusers and systemctl work on the folder (`--root=`), nothing is started.
Standard library only.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from runtime.install_layout import (
    ENABLED_UNITS,
    RUNNING_UNITS,
    SECRET_NAMES,
    SERVICE_USER,
    SLEEP_TARGETS,
    SYSTEM_FILES,
    UNIT_DIR,
    UNITS,
    WRAPPER,
    Layout,
    substitutions,
)

PLACEHOLDER = re.compile(r"@([a-z_]+)@")
ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class InstallStepError(RuntimeError):
    """A system step failed; the message says which and why."""


def render(template: Path, values: Dict[str, str]) -> str:
    """Fill @name@ placeholders; a placeholder without a value is a bug in deploy/, not a blank."""
    text = template.read_text(encoding="utf-8")
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in values})
    if unknown:
        raise InstallStepError(f"{template.name}: no value for {', '.join(unknown)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


class Record:
    """The files written outside the prefix, kept in <prefix>/installed-files.json."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        try:
            self.paths: List[str] = json.loads(layout.record.read_text(encoding="utf-8"))["paths"]
        except (OSError, ValueError, KeyError):
            self.paths = []

    def add(self, final_path: str) -> None:
        if final_path not in self.paths:
            self.paths.append(final_path)

    def save(self) -> None:
        self.layout.record.write_text(json.dumps({"paths": sorted(self.paths)}, indent=1), encoding="utf-8")


def write_file(layout: Layout, record: Record, final_path: str, text: str, mode: int = 0o644) -> Path:
    path = layout.under(final_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.chmod(partial, mode)
    os.replace(partial, path)
    record.add(final_path)
    return path


def missing_packages(deploy: Path) -> List[str]:
    """The Debian packages of deploy/debian-packages.txt this PC does not have."""
    wanted = [line.split("#", 1)[0].strip() for line in (deploy / "debian-packages.txt").read_text().splitlines()]
    missing = []
    for package in filter(None, wanted):
        result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
        if "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if not found:
        raise InstallStepError(f"{name} is missing: apt-get install systemd")
    return found


def ensure_user(layout: Layout, deploy: Path, record: Record) -> Tuple[int, int]:
    """The system user (systemd-sysusers from deploy/sysusers-elder-kiosk.conf); its uid and gid."""
    final = next(path for path, name in SYSTEM_FILES.items() if name.startswith("sysusers"))
    conf = write_file(layout, record, final, (deploy / SYSTEM_FILES[final]).read_text(encoding="utf-8"))
    argv = [_tool("systemd-sysusers")] + ([] if layout.live else [f"--root={layout.root}"]) + [str(conf)]
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        raise InstallStepError(f"systemd-sysusers failed: {result.stderr.strip()}")
    return user_ids(layout)


def ensure_data_dir(layout: Layout, uid: int, gid: int) -> bool:
    """The data folder, 0700 and the kiosk user's. Returns True when it was made now; an
    existing one is left as it is (its contents are the centre's)."""
    path = layout.data_dir
    made = not path.exists()
    path.mkdir(parents=True, exist_ok=True)
    stat = path.stat()
    if made or (stat.st_uid, stat.st_gid) != (uid, gid):
        os.chown(path, uid, gid)  # a reinstall after uninstall may have a new uid
    if made or stat.st_mode & 0o777 != 0o700:
        os.chmod(path, 0o700)
    return made


def default_kiosk_id() -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]", "-", socket.gethostname())[:64].strip("-.")
    return name or "kiosk-01"


def write_settings(layout: Layout, deploy: Path, kiosk_id: Optional[str], centre_id: Optional[str],
                   district: Optional[str], gid: int) -> bool:
    """/etc/elder-kiosk/kiosk.yaml from deploy/kiosk.yaml.in, only when there is none yet."""
    if not layout.config_dir.exists():
        layout.config_dir.mkdir(parents=True)
        os.chmod(layout.config_dir, 0o750)  # root's; the kiosk user may read, not change
        os.chown(layout.config_dir, 0, gid)
    if layout.config_file.exists():
        return False
    values = {**substitutions(0), "kiosk_id": kiosk_id or default_kiosk_id(), "centre_id": centre_id or "centre-unset",
              "district": district or "章贡区"}
    for key in ("kiosk_id", "centre_id"):
        if not ID_PATTERN.match(values[key]):
            raise InstallStepError(f"--{key.replace('_', '-')} {values[key]!r}: letters, digits, . _ - only")
    partial = layout.config_file.with_suffix(".partial")
    partial.write_text(render(deploy / "kiosk.yaml.in", values), encoding="utf-8")
    os.chown(partial, 0, gid)
    os.chmod(partial, 0o640)  # the kiosk user reads it (the staff PIN hash is in it)
    os.replace(partial, layout.config_file)
    return True


def write_secrets(layout: Layout) -> bool:
    """secrets.env (0600, root's: systemd reads it before dropping to the kiosk user), made
    with fresh random credentials when there is none. In remote mode replace
    ELDER_PORTAL_API_KEY with the portal operator's key."""
    if layout.secrets_file.exists():
        return False
    lines = ["# 长者服务助手 credentials, shared by every process of this kiosk (systemd EnvironmentFile).\n",
             "# Generated by main.py install. With portal.mode remote, put the portal operator's key in\n",
             "# ELDER_PORTAL_API_KEY. Never copy this file into a bundle or a repository.\n"]
    lines += [f"{name}={secrets.token_urlsafe(32)}\n" for name in SECRET_NAMES]
    descriptor = os.open(str(layout.secrets_file), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as sink:
        sink.writelines(lines)
    os.chmod(layout.secrets_file, 0o600)
    return True


def write_system_files(layout: Layout, deploy: Path, uid: int, record: Record) -> None:
    values = substitutions(uid)
    for unit in UNITS:
        write_file(layout, record, f"{UNIT_DIR}/{unit}", render(deploy / f"{unit}.in", values))
    for final, name in SYSTEM_FILES.items():
        write_file(layout, record, final, (deploy / name).read_text(encoding="utf-8"))
    write_file(layout, record, WRAPPER, render(deploy / "elder-kiosk.sh.in", values), mode=0o755)


def _systemctl(layout: Layout, *arguments: str) -> subprocess.CompletedProcess:
    argv = [_tool("systemctl")] + ([] if layout.live else [f"--root={layout.root}"]) + list(arguments)
    return subprocess.run(argv, capture_output=True, text=True)


def systemd_running() -> bool:
    return Path("/run/systemd/system").is_dir()


def enable(layout: Layout, record: Record) -> None:
    """Enable the units and mask the sleep targets (only where nothing else is there)."""
    if layout.live and systemd_running():
        _systemctl(layout, "daemon-reload")
    result = _systemctl(layout, "enable", *ENABLED_UNITS)
    if result.returncode != 0:
        raise InstallStepError(f"systemctl enable failed: {result.stderr.strip()}")
    for target in SLEEP_TARGETS:
        final = f"{UNIT_DIR}/{target}"
        path = layout.under(final)
        if not path.exists() and not path.is_symlink():
            os.symlink("/dev/null", path)
            record.add(final)


def start_or_restart(layout: Layout, first: bool, log=print) -> None:
    if not layout.live:
        log(f"  installed under {layout.root}: nothing was started")
        return
    if not systemd_running():
        log("  systemd is not running here: the kiosk starts at the next boot")
        return
    verb = "start" if first else "restart"
    result = _systemctl(layout, verb, *RUNNING_UNITS, "elder-kiosk-maintenance.timer", "elder-kiosk-health.timer")
    if result.returncode != 0:
        raise InstallStepError(f"systemctl {verb} failed: {result.stderr.strip()} (journalctl -u elder-kiosk-services)")


def restart_if_running(layout: Layout, log=print) -> None:
    if layout.live and systemd_running():
        _systemctl(layout, "daemon-reload")
        _systemctl(layout, "try-restart", *RUNNING_UNITS)
        log("  the services and the window were restarted on the new version")


def remove_system(layout: Layout, log=print) -> None:
    """Disable and remove every unit and file the install record lists."""
    if layout.live and systemd_running():
        _systemctl(layout, "disable", "--now", *ENABLED_UNITS)
    else:
        _systemctl(layout, "disable", *ENABLED_UNITS)
    for final in sorted(Record(layout).paths, reverse=True):
        path = layout.under(final)
        if path.is_symlink() or path.is_file():
            path.unlink()
            log(f"  removed {final}")
    if layout.live and systemd_running():
        _systemctl(layout, "daemon-reload")


def remove_user(layout: Layout) -> None:
    """Only with --purge-data: while the data folder stays, so does the user that owns it."""
    flags = [] if layout.live else ["--root", str(layout.root)]
    subprocess.run([_tool("userdel"), *flags, SERVICE_USER], capture_output=True)
    subprocess.run([_tool("groupdel"), *flags, SERVICE_USER], capture_output=True)


def user_ids(layout: Layout) -> Tuple[int, int]:
    for line in layout.under("/etc/passwd").read_text(encoding="utf-8").splitlines():
        fields = line.split(":")
        if fields[0] == SERVICE_USER and len(fields) > 3:
            return int(fields[2]), int(fields[3])
    raise InstallStepError(f"there is no user {SERVICE_USER}: install first")
