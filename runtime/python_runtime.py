"""The Pythons the two environments run on, carried in the bundle.

Debian 12 ships Python 3.11 only and Rasa 3.6 runs on 3.10 only, so a kiosk without internet
has no other way to get 3.10. And Debian's 3.11 is 3.11.2, older than the 3.11 the kiosk's
lock was made and tested on: redis in that lock needs async-timeout before 3.11.3, which
the lock does not have, so `pip check` fails on it. The bundle therefore takes the very
interpreters the two environments were built with (pyenv's, which `make setup` uses),
without their tests, headers and scripts, and points each interpreter's library search at
`$ORIGIN/../lib` so it runs from wherever it is unpacked (pyenv builds with a fixed RUNPATH
to its own folder). CPython finds its standard library relative to the executable, so
nothing else in it names the build machine's paths. The system libraries they link
(libssl3, libffi8, libsqlite3-0, zlib, …) are Debian 12's, like the build machine's.
Standard library only: the installer unpacks them with the bare system Python.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path, PurePosixPath
from typing import Optional

# Left out: the test suite (70 MB), what only compiles or edits code, and what pyenv installed
# into site-packages (each environment gets its own pip from the bundle).
SKIPPED_PARTS = {"test", "tests", "idlelib", "tkinter", "turtledemo", "ensurepip", "site-packages", "pkgconfig"}
KEPT_TOP = {"bin", "lib"}


class PythonRuntimeError(RuntimeError):
    """The interpreter cannot be packed or unpacked; the message says why."""


def runtime_name(version: str, machine: str) -> str:
    return f"cpython-{version}-{machine}"


def _wanted(relative: PurePosixPath, short: str) -> bool:
    parts = relative.parts
    if not parts or parts[0] not in KEPT_TOP:
        return False
    if parts[0] == "bin":
        return len(parts) == 1 or (len(parts) == 2 and parts[1] in (f"python{short}", "python3", "python"))
    return not parts[-1].endswith(".a") and not any(part in SKIPPED_PARTS or part.startswith("config-")
                                                    for part in parts[1:])


def short_version(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _runpath(binary: Path) -> Optional[str]:
    result = subprocess.run(["patchelf", "--print-rpath", str(binary)], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def pack(base_prefix: Path, version: str, target: Path) -> Path:
    """Write `target` (a tar) with the interpreter found under `base_prefix`, made relocatable."""
    executable = base_prefix / "bin" / f"python{short_version(version)}"
    if not executable.is_file() or base_prefix == Path("/usr"):
        raise PythonRuntimeError(f"{base_prefix} is not a self-contained Python build (the environments must "
                                 "come from pyenv, as `make setup` makes them)")
    if shutil.which("patchelf") is None:
        raise PythonRuntimeError("patchelf is missing: sh scripts/system-packages.sh installs it")
    patched = target.with_suffix(".python")
    shutil.copy2(executable, patched)
    subprocess.run(["patchelf", "--set-rpath", "$ORIGIN/../lib", str(patched)], check=True)
    if _runpath(patched) != "$ORIGIN/../lib":
        raise PythonRuntimeError(f"patchelf did not set the library path of {executable}")
    partial = target.with_suffix(".partial")
    short = short_version(version)
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
        for path in sorted(base_prefix.rglob("*")):
            relative = PurePosixPath(path.relative_to(base_prefix).as_posix())
            if not _wanted(relative, short) or not (path.is_symlink() or path.is_file() or path.is_dir()):
                continue
            source_path = patched if path == executable else path  # the interpreter: its relocatable copy
            info = archive.gettarinfo(str(source_path), arcname=str(relative))
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if info.isfile():
                with source_path.open("rb") as source:
                    archive.addfile(info, source)
            else:
                archive.addfile(info)
    patched.unlink()
    os.replace(partial, target)
    return target


def _safe(member: tarfile.TarInfo, destination: Path) -> None:
    """Refuse entries that would write or point outside the destination (a damaged archive)."""
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts:
        raise PythonRuntimeError(f"runtime archive entry {member.name!r} would land outside {destination}")
    if member.issym():
        link = PurePosixPath(member.linkname)
        if link.is_absolute() or os.path.normpath(str(path.parent / link)).startswith(".."):
            raise PythonRuntimeError(f"runtime archive link {member.name!r} points outside {destination}")
    elif not (member.isfile() or member.isdir()):
        raise PythonRuntimeError(f"runtime archive entry {member.name!r} is not a file, folder or link")


def unpack(archive_path: Path, destination: Path, version: str) -> Path:
    """Unpack into `destination` (replacing a partial one); check the interpreter runs here."""
    partial = destination.with_name(destination.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    with tarfile.open(archive_path, "r:") as archive:
        members = archive.getmembers()
        for member in members:
            _safe(member, destination)
        for member in members:
            target = partial / member.name
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            elif member.issym():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(member.linkname, target)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                with open(target, "wb") as sink:
                    shutil.copyfileobj(source or io.BytesIO(), sink, 1 << 20)
                os.chmod(target, 0o755 if member.mode & 0o111 else 0o644)
                os.utime(target, (member.mtime, member.mtime))
    python = partial / "bin" / f"python{short_version(version)}"
    if not python.exists():
        raise PythonRuntimeError(f"{archive_path.name} holds no bin/{python.name}")
    check = subprocess.run([str(python), "-c", "import ssl, sqlite3, ctypes, lzma, bz2, zlib"],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise PythonRuntimeError(f"the bundled Python does not run on this system:\n{check.stderr.strip()[-800:]}")
    if destination.exists():
        shutil.rmtree(destination)
    os.replace(partial, destination)
    return destination / "bin" / python.name
