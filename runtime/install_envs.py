"""The kiosk's two Python environments, built from a bundle's wheels with no network at all.

pip runs with no index, no configuration file and no PIP_* variables of this machine, only
the bundle's wheel folder, so what gets installed is exactly what the bundle carries (a
missing wheel is an error, never a download). Each environment is named after a hash of
its interpreter, its lock and its wheels: an update whose locks did not change reuses the
environments of the running release (seconds instead of minutes), and rollback never needs
to rebuild one. A folder without its stamp is a build that was interrupted, and is rebuilt.
Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Sequence

STAMP = ".elder-kiosk-env.json"


class EnvError(RuntimeError):
    """An environment could not be built; the message has pip's last words."""


def isolated_env(scratch: Path) -> Dict[str, str]:
    """Environment for pip and the interpreters: nothing from this machine's pip set-up."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PIP_", "PYTHON"))}
    env.update({"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1",
                "PYTHONNOUSERSITE": "1", "TMPDIR": str(scratch)})
    return env


def _run(argv: Sequence[str], scratch: Path, what: str) -> str:
    result = subprocess.run([str(part) for part in argv], env=isolated_env(scratch), capture_output=True, text=True)
    if result.returncode != 0:
        words = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise EnvError(f"{what} failed:\n{words}")
    return result.stdout


def python_version(python: Path) -> str:
    """"3.11" for a working interpreter, "" for a missing or broken one."""
    try:
        result = subprocess.run([str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                capture_output=True, text=True)
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def env_key(kind: str, runtime: str, lock: Path, wheel_hashes: List[str]) -> str:
    digest = hashlib.sha256(f"{kind}\0{runtime}\0".encode())
    digest.update(lock.read_bytes())
    for value in sorted(wheel_hashes):
        digest.update(value.encode())
    return digest.hexdigest()[:12]


def ready(target: Path, key: str) -> bool:
    try:
        return json.loads((target / STAMP).read_text(encoding="utf-8")).get("key") == key
    except (OSError, ValueError):
        return False


def build_env(target: Path, base_python: Path, wheels: Path, lock: Path, key: str, scratch: Path) -> Path:
    """A fresh environment at `target`: venv without pip, pip from its wheel, then the lock."""
    if target.exists():
        shutil.rmtree(target)
    scratch.mkdir(parents=True, exist_ok=True)
    pip_wheel = next(iter(sorted(wheels.glob("pip-*.whl"))), None)
    if pip_wheel is None:
        raise EnvError(f"no pip wheel in {wheels}")
    _run([base_python, "-m", "venv", "--without-pip", target], scratch, f"creating {target.name}")
    python = target / "bin" / "python"
    # pip runs straight from its own wheel to install itself: no ensurepip (python3-venv) needed.
    _run([python, f"{pip_wheel}/pip", "install", "--no-index", "--no-cache-dir", "--no-deps", "--quiet",
          pip_wheel], scratch, f"installing pip into {target.name}")
    _run([python, "-m", "pip", "install", "--no-index", "--find-links", wheels, "--only-binary=:all:",
          "--no-deps", "--no-cache-dir", "--quiet", "-r", lock], scratch, f"installing {lock.name} into {target.name}")
    _run([python, "-m", "pip", "check"], scratch, f"pip check of {target.name}")
    stamp = {"key": key, "base_python": str(base_python), "lock": lock.name,
             "lock_sha256": hashlib.sha256(lock.read_bytes()).hexdigest()}
    (target / STAMP).write_text(json.dumps(stamp, indent=1), encoding="utf-8")
    return target


def ensure_env(envs: Path, kind: str, base_python: Path, runtime: str, wheels: Path, lock: Path,
               wheel_hashes: List[str], scratch: Path, log=print) -> Path:
    """The environment for these wheels on this interpreter: the one already there, or a new one."""
    version = python_version(base_python)
    if not version:
        raise EnvError(f"{base_python} does not run")
    key = env_key(kind, runtime, lock, wheel_hashes)
    target = envs / f"{kind}-{key}"
    if ready(target, key):
        log(f"  {kind} environment unchanged ({target.name})")
        return target
    log(f"  building the {kind} environment {target.name} (Python {version}, {len(wheel_hashes)} wheels)…")
    return build_env(target, base_python, wheels, lock, key, scratch)


def compile_release(release: Path, pythons: Dict[str, Path], scratch: Path) -> Optional[str]:
    """Bytecode for the release now, since the running kiosk cannot write its code folder."""
    problems = []
    for kind, python in pythons.items():
        folders = [release] if kind == "kiosk" else [release / "common", release / "nlu", release / "config"]
        result = subprocess.run([str(python), "-m", "compileall", "-q", *map(str, folders)],
                                env=isolated_env(scratch), capture_output=True, text=True)
        if result.returncode != 0:
            problems.append(f"{kind}: {result.stdout.strip()[-400:]}")
    return "; ".join(problems) or None
