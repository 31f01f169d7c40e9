"""`python main.py bundle [--out DIR]`: one archive that installs or updates a kiosk with no network.

Built on a machine with registry access and a trained model (`make train`). It holds

    MANIFEST.json         first: version, what each part is, and the SHA-256 and size of every file
    release/...           the code as it is in this working tree (what git tracks or would track,
                          of the folders a kiosk runs), the trained model, the Vosk model if one
                          is installed, recorded voice packs if there are any
    wheels/kiosk/*.whl    every pin of requirements/kiosk.txt, built for Python 3.11, and pip
    wheels/rasa/*.whl     every pin of requirements/rasa.txt, built for Python 3.10, and pip
    python/<name>.tar     the Python 3.11 and 3.10 themselves (runtime/python_runtime.py)

and a `.sha256` file beside it to publish with it. Uncompressed: the wheels and models are
compressed already, and a plain tar is checked and unpacked in one pass on the kiosk.
Wheels are cached (runtime/wheelhouse.py), so only the first bundle downloads ~1.4 GB.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import platform
import subprocess
import sys
import tarfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Dict, List, Optional, Tuple

from config import Settings
from config.settings import REPO_ROOT
from runtime import python_runtime, wheelhouse
from runtime.bundle_check import BUNDLE_FORMAT, MANIFEST
from runtime.install_layout import PRODUCT
from runtime.services import rasa_python
from runtime.training import TRAINING_INPUTS, current_model, training_hash
from runtime.version import git_describe, valid_version

logger = logging.getLogger(__name__)

# The parts of a checkout a kiosk runs (no tests, benchmarks, docs or CI).
TOP_LEVEL = ("main.py", "README.md", "pyproject.toml", "assets", "common", "config", "console", "deploy",
             "kiosk", "nlu", "portal", "requirements", "runtime", "scripts")
BLOCK = 1 << 20


class BundleBuildError(RuntimeError):
    """The bundle cannot be made; the message says what to do."""


def code_files(repo: Path) -> List[str]:
    """The working tree's files a kiosk runs: tracked, or new and not ignored (as git sees them)."""
    result = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=False)
    if result.returncode != 0:
        raise BundleBuildError(f"{repo} is not a git checkout: a bundle is made from one")
    names = sorted({name for name in result.stdout.decode().split("\0") if name})
    return [name for name in names if name.split("/", 1)[0] in TOP_LEVEL and (repo / name).is_file()
            and not (repo / name).is_symlink()]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_model_inputs(repo: Path, settings: Settings, files: List[str]) -> None:
    """Every file the model's name is a hash of must travel, or the kiosk finds no model."""
    project = Path(settings.dialogue.project_dir)
    listed = set(files)
    for name in TRAINING_INPUTS:
        base = repo / project / name
        inputs = [base] if base.is_file() else [p for p in base.rglob("*") if p.is_file()]
        for path in inputs:
            relative = path.relative_to(repo).as_posix()
            if "__pycache__" not in path.parts and relative not in listed:
                raise BundleBuildError(f"{relative} shapes the trained model but git ignores it; "
                                       "track it or remove it, then train again")


def _walk(folder: Path, arc_prefix: str) -> List[Tuple[str, Path]]:
    return [(f"{arc_prefix}/{path.relative_to(folder).as_posix()}", path)
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()]


def collect(settings: Settings, repo: Path, scratch: Path) -> Tuple[List[Tuple[str, Path]], Dict[str, object]]:
    """Every (name in the bundle, file here) pair, and what the manifest says about the parts."""
    files = code_files(repo)
    _check_model_inputs(repo, settings, files)
    entries = [(f"release/{name}", repo / name) for name in files]
    model = current_model(settings)
    entries.append((f"release/models/{model.name}", model))
    parts: Dict[str, object] = {"model": f"release/models/{model.name}", "vosk_model": None, "voice_packs": None}
    vosk = Path(settings.speech.vosk_model_dir)
    if not vosk.is_absolute() and (repo / vosk / "am").is_dir():
        entries += _walk(repo / vosk, f"release/{vosk.as_posix()}")
        parts["vosk_model"] = f"release/{vosk.as_posix()}"
    else:
        logger.warning("no Vosk model at %s: the bundle has none (kiosks keep theirs)", vosk)
    packs = settings.data_dir / "voice-packs"
    if packs.is_dir() and any(packs.iterdir()):
        entries += _walk(packs, "release/voice-packs")
        parts["voice_packs"] = "release/voice-packs"
    cache = wheelhouse.default_cache()
    environments: Dict[str, Dict[str, object]] = {}
    for kind, python, lock in (("kiosk", Path(sys.executable), repo / "requirements" / "kiosk.txt"),
                               ("rasa", rasa_python(settings), repo / "requirements" / "rasa.txt")):
        version = _python_version(python)
        short = python_runtime.short_version(version)
        folder = cache / f"cp{short.replace('.', '')}"
        wheels = wheelhouse.ensure_wheels(python, lock, folder, [wheelhouse.PIP_PIN])
        wheelhouse.prune(folder, wheels)
        entries += [(f"wheels/{kind}/{wheel.name}", wheel) for wheel in wheels]
        # Each environment's own interpreter travels with it (runtime/python_runtime.py says why).
        name = python_runtime.runtime_name(version, platform.machine())
        runtime_tar = python_runtime.pack(Path(_python_value(python, "sys.base_prefix")), version,
                                          scratch / f"{name}.tar")
        entries.append((f"python/{name}.tar", runtime_tar))
        environments[kind] = {"python": version, "lock": f"release/requirements/{lock.name}",
                              "wheels": f"wheels/{kind}", "runtime": {"name": name, "file": f"python/{name}.tar"}}
    parts["environments"] = environments
    return entries, parts


def _python_value(python: Path, expression: str) -> str:
    return subprocess.run([str(python), "-c", f"import sys; print({expression})"], capture_output=True,
                          text=True, check=True).stdout.strip()


def _python_version(python: Path) -> str:
    return _python_value(python, "'.'.join(map(str, sys.version_info[:3]))")


def bundle_version(repo: Path, hashes: Dict[str, Dict[str, object]], given: Optional[str]) -> str:
    """The given version, or git's; a working tree with changes also gets a digest of its code,
    so two different unfinished trees never share a version."""
    version = given or git_describe(repo)
    if not version:
        raise BundleBuildError("no version: not a git checkout; pass --version")
    if version.endswith("-dirty") and not given:
        code = hashlib.sha256("".join(f"{name}\0{entry['sha256']}\n" for name, entry in sorted(hashes.items())
                                      if name.startswith("release/")).encode())
        version = f"{version}.{code.hexdigest()[:8]}"
    if not valid_version(version):
        raise BundleBuildError(f"{version!r} cannot name a release (letters, digits, . _ + -)")
    return version


class _HashingWriter:
    """The tar's bytes pass through here on their way to disk, so its SHA-256 costs no extra read."""

    def __init__(self, sink: BinaryIO) -> None:
        self.sink, self.digest, self.offset = sink, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.offset += len(data)
        return self.sink.write(data)

    def tell(self) -> int:
        return self.offset


def _add(archive: tarfile.TarFile, name: str, source: BinaryIO, size: int, mode: int, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, mode, int(mtime)
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    archive.addfile(info, source)


def write_bundle(entries: List[Tuple[str, Path]], manifest: Dict[str, object], out_dir: Path) -> Path:
    version = str(manifest["version"])
    top = f"{PRODUCT}-{version}"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{top}.tar"
    partial = target.with_name(target.name + ".partial")
    body = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode()
    files: Dict[str, Dict[str, object]] = manifest["files"]  # type: ignore[assignment]
    with partial.open("wb") as raw:
        writer = _HashingWriter(raw)
        with tarfile.open(fileobj=writer, mode="w", format=tarfile.PAX_FORMAT) as archive:  # type: ignore[call-overload]
            _add(archive, f"{top}/{MANIFEST}", io.BytesIO(body), len(body), 0o644, time.time())
            for name, path in entries:
                stat = path.stat()
                if stat.st_size != files[name]["size"] or sha256_file(path) != files[name]["sha256"]:
                    raise BundleBuildError(f"{path} changed while the bundle was being made; run it again")
                with path.open("rb") as source:
                    _add(archive, f"{top}/{name}", source, stat.st_size, 0o755 if stat.st_mode & 0o111 else 0o644,
                         stat.st_mtime)
    os.replace(partial, target)
    target.with_name(target.name + ".sha256").write_text(f"{writer.digest.hexdigest()}  {target.name}\n",
                                                         encoding="utf-8")
    return target


def build_bundle(settings: Settings, out_dir: Path, version: Optional[str] = None, repo: Path = REPO_ROOT) -> Path:
    scratch = out_dir / ".bundle-work"
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        entries, parts = collect(settings, repo, scratch)
        names = [name for name, _ in entries]
        if len(set(names)) != len(names):
            raise BundleBuildError("two files would have the same name in the bundle")
        hashes = {name: {"sha256": sha256_file(path), "size": path.stat().st_size} for name, path in entries}
        manifest: Dict[str, object] = {
            "format": BUNDLE_FORMAT, "product": PRODUCT, "version": bundle_version(repo, hashes, version),
            "commit": subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                                     text=True).stdout.strip(),
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": platform.machine(), **parts, "files": hashes,
        }
        target = write_bundle(entries, manifest, out_dir)
        model = Path(str(parts["model"])).name
        if training_hash(repo / settings.dialogue.project_dir) != model[: -len(".tar.gz")]:
            target.unlink()
            raise BundleBuildError("nlu/ changed while the bundle was being made: train again, then bundle")
        return target
    finally:
        for leftover in scratch.glob("*"):
            leftover.unlink()
        scratch.rmdir()


def run_bundle(settings: Settings, out_dir: Path, version: Optional[str] = None) -> int:
    started = time.monotonic()
    try:
        target = build_bundle(settings, out_dir, version)
    except (BundleBuildError, wheelhouse.WheelhouseError, python_runtime.PythonRuntimeError) as error:
        print(f"无法制作安装包 / cannot make the bundle: {error}", file=sys.stderr)
        return 1
    size = target.stat().st_size / 1e9
    print(f"{target} ({size:.2f} GB, {time.monotonic() - started:.0f} s)")
    print(f"SHA-256: {target.with_name(target.name + '.sha256').read_text().split()[0]}")
    return 0
