"""What the installation tests share: bundles built from this checkout, installs into fresh
folders under the sandbox of tests/install/confine.py, and snapshots of what an install may
not change.

Everything lands in tests/output/install/ (emptied at the start of a session, so it never
holds more than one run: two bundles of ~1.6 GB and one installed root of ~4 GB). The
wheels come from the wheelhouse cache outside the checkout (runtime/wheelhouse.py), so only
the first run on a machine downloads them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "tests" / "output" / "install"
CONFINE = Path(__file__).with_name("confine.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # what a fresh Debian 12 has: the first install runs on it
KIOSK_PYTHON = str(REPO / ".venv" / "bin" / "python")


def confined(command: Sequence[str], writable: Sequence[Path] = (), user: Optional[Tuple[int, int]] = None,
             loopback: bool = False, private_tmp: bool = False, syscalls: Optional[str] = None) -> List[str]:
    """`command` with no network, / read-only but for `writable`, /root and /home hidden."""
    argv = ["unshare", "--mount", "--net", SYSTEM_PYTHON, str(CONFINE), "--hide", "/root", "--hide", "/home"]
    if syscalls:
        argv += ["--syscalls", syscalls]
    for folder in writable:
        argv += ["--writable", str(folder)]
    if user:
        argv += ["--user", f"{user[0]}:{user[1]}"]
    if loopback:
        argv.append("--loopback")
    if private_tmp:
        argv.append("--private-tmp")
    return [*argv, "--", *map(str, command)]


def clean_env(**extra: str) -> Dict[str, str]:
    """This process's environment without the settings file other tests point at."""
    env = {key: value for key, value in os.environ.items() if key != "ELDER_CONFIG"}
    env.update(extra)
    return env


def build_bundle(out_dir: Path, checkout: Path = REPO) -> Path:
    """`main.py bundle` of `checkout`, run as a builder would run it; the archive's path."""
    result = subprocess.run([KIOSK_PYTHON, str(checkout / "main.py"), "bundle", "--out", str(out_dir)],
                            cwd=checkout, env=clean_env(), capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    return Path(re.search(r"^(\S+\.tar) \(", result.stdout, re.M).group(1))


def install(root: Path, bundle: Path, *extra: str, timeout: float = 1500) -> subprocess.CompletedProcess:
    """`main.py install --root` with the system Python, writing nowhere but `root`, offline."""
    root.mkdir(parents=True, exist_ok=True)
    command = [SYSTEM_PYTHON, str(REPO / "main.py"), "install", "--root", str(root), "--from", str(bundle), *extra]
    return subprocess.run(confined(command, writable=[root]), env=clean_env(PYTHONDONTWRITEBYTECODE="1"),
                          capture_output=True, text=True, timeout=timeout)


def installed_main(root: Path, *arguments: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """The installed code's own main.py, run as root the way a technician would (confined)."""
    current = root / "opt" / "elder-kiosk" / "current"
    command = [str(current / ".venv" / "bin" / "python"), str(current / "main.py"), *arguments]
    return subprocess.run(confined(command, writable=[root]), env=clean_env(PYTHONDONTWRITEBYTECODE="1"),
                          capture_output=True, text=True, timeout=timeout)


def user_ids(root: Path) -> Tuple[int, int]:
    for line in (root / "etc" / "passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == "elder-kiosk":
            return int(fields[2]), int(fields[3])
    raise AssertionError("no elder-kiosk user in the root's /etc/passwd")


def snapshot(folder: Path) -> Dict[str, Tuple]:
    """Every entry under `folder` with its type, mode, owner and content hash."""
    entries: Dict[str, Tuple] = {}
    for path in sorted([folder, *folder.rglob("*")]):
        stat = path.lstat()
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            entries[relative] = ("link", os.readlink(path))
        elif path.is_dir():
            entries[relative] = ("dir", stat.st_mode & 0o7777, stat.st_uid, stat.st_gid)
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            entries[relative] = ("file", stat.st_mode & 0o7777, stat.st_uid, stat.st_gid, digest)
    return entries


def top_level(root: Path) -> List[str]:
    """Every path under `root` except the insides of releases, environments and interpreters."""
    prefix = root / "opt" / "elder-kiosk"
    deep = [prefix / "releases", prefix / "envs", prefix / "python"]
    found = []
    for path in root.rglob("*"):
        if any(part in path.parents for part in deep) and path.parent not in deep:
            continue
        found.append(path.relative_to(root).as_posix())
    return sorted(found)


def port_settings(root: Path, folder: Path, ports: Dict[str, int]) -> Path:
    """The installed /etc/elder-kiosk/kiosk.yaml with free loopback ports and the data folder under `root`."""
    content = yaml.safe_load((root / "etc" / "elder-kiosk" / "kiosk.yaml").read_text(encoding="utf-8"))
    data = root / "var" / "lib" / "elder-kiosk"
    content["paths"] = {"data_dir": str(data), "log_dir": str(data / "logs")}
    content["dialogue"] = {"rasa_port": ports["rasa"], "action_port": ports["action"]}
    content["portal"] = {"sandbox_port": ports["sandbox"]}
    content["console"] = {"port": ports["console"]}
    path = folder / "run-settings.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    path.chmod(0o644)
    return path


def secrets_of(root: Path) -> Dict[str, str]:
    pairs = {}
    for line in (root / "etc" / "elder-kiosk" / "secrets.env").read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not name.startswith("#"):
            pairs[name] = value
    return pairs


def flip_byte(bundle: Path, member_name: str) -> Tuple[int, int]:
    """Change one byte in the middle of a member's data; returns (offset, original byte)."""
    with tarfile.open(bundle, "r:") as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("/" + member_name))
        offset = member.offset_data + member.size // 2
    with open(bundle, "r+b") as handle:
        handle.seek(offset)
        original = handle.read(1)[0]
        handle.seek(offset)
        handle.write(bytes([original ^ 0x01]))
    return offset, original


def restore_byte(bundle: Path, offset: int, original: int) -> None:
    with open(bundle, "r+b") as handle:
        handle.seek(offset)
        handle.write(bytes([original]))


def fresh_output() -> Path:
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    OUTPUT.mkdir(parents=True)
    return OUTPUT


def copy_checkout(target: Path, bundle: Path, change: str) -> Path:
    """A checkout of exactly what `bundle` carries (code and trained model) with one more commit:
    the next version. Taken from the bundle, not this working tree, which others may be changing."""
    with tarfile.open(bundle, "r:") as archive:
        for member in archive:
            parts = Path(member.name).parts
            if len(parts) < 3 or parts[1] != "release" or not member.isfile():
                continue
            destination = target.joinpath(*parts[2:])
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source:
                destination.write_bytes(source.read())
            destination.chmod(member.mode)
    with (target / "main.py").open("a", encoding="utf-8") as main:
        main.write(f"# {change}\n")
    for name in (".venv", ".venv-rasa"):
        os.symlink(REPO / name, target / name)
    (target / ".gitignore").write_text(".venv\n.venv-rasa\n/models/\n/data/\n__pycache__/\n", encoding="utf-8")
    git = ["git", "-C", str(target), "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", change]):
        subprocess.run([*git, *step], check=True, capture_output=True)
    return target


def state(installed) -> Dict[str, object]:
    """What a refused or finished install must leave as it is: links, releases, /etc, data."""
    prefix = installed.prefix
    return {"links": {name: os.readlink(prefix / name) for name in ("current", "previous")
                      if (prefix / name).is_symlink()},
            "releases": sorted(path.name for path in (prefix / "releases").iterdir()),
            "envs": sorted(path.name for path in (prefix / "envs").iterdir()),
            "config": snapshot(installed.config), "data": snapshot(installed.data)}
