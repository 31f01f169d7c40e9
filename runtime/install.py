"""`main.py install | rollback | uninstall`: put the kiosk on a kiosk PC, switch versions, take it off.

    python3 main.py install --from /media/usb/elder-kiosk-<version>.tar   (as root, no network)
    .venv/bin/python main.py install                                      (from a checkout: bundles it first)
    python3 main.py rollback
    python3 main.py uninstall [--purge-data]

An install checks the whole bundle before it changes anything, builds what is new next to
what runs (release folder, environments), checks the centre's settings with the new code,
and only then switches `current` to it; the release that ran before stays as `previous`
with its environments, so `rollback` is one link and a restart. The centre's settings, the
secrets and the data folder are created on the first install and never changed after.
Layout in runtime/install_layout.py; standard library only, because the first install runs
with the bare system Python of a fresh Debian.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

from runtime import install_envs, install_system, python_runtime
from runtime.bundle_check import BundleError, unpack_verified
from runtime.install_layout import Layout
from runtime.version import RELEASE_FILE, VERSION_FILE

RELEASE_MODE = 0o755


class InstallError(RuntimeError):
    """The install stopped; nothing that runs was changed. The message says why."""


def log(message: str) -> None:
    print(message, flush=True)


@contextmanager
def _locked(layout: Layout) -> Iterator[None]:
    """One installer at a time (a second one started by mistake waits for nothing: it stops)."""
    layout.prefix.mkdir(parents=True, exist_ok=True)
    os.chmod(layout.prefix, RELEASE_MODE)
    with open(layout.prefix / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise InstallError("another install, update or rollback is running") from error
        yield


def _relink(link: Path, target: str) -> None:
    """Point `link` at `target` in one step (a new link renamed over the old one)."""
    partial = link.with_name(link.name + ".new")
    if partial.is_symlink() or partial.exists():
        partial.unlink()
    os.symlink(target, partial)
    os.replace(partial, link)


def _wheel_hashes(manifest: Dict[str, Any], folder: str) -> list:
    return [entry["sha256"] for name, entry in manifest["files"].items() if name.startswith(folder + "/")]


def _build_env(layout: Layout, staging: Path, manifest: Dict[str, Any], kind: str) -> Path:
    """One environment on the interpreter the bundle carries for it, reused when unchanged."""
    spec = manifest["environments"][kind]
    runtime = spec["runtime"]
    short = python_runtime.short_version(spec["python"])
    base = layout.pythons / runtime["name"] / "bin" / f"python{short}"
    if install_envs.python_version(base) != short:
        log(f"  unpacking {runtime['name']}…")
        base = python_runtime.unpack(staging / runtime["file"], layout.pythons / runtime["name"], spec["python"])
    return install_envs.ensure_env(layout.envs, kind, base, runtime["name"], staging / spec["wheels"],
                                   staging / spec["lock"], _wheel_hashes(manifest, spec["wheels"]),
                                   layout.staging / "tmp" / kind, log)


def _build_envs(layout: Layout, staging: Path, manifest: Dict[str, Any]) -> Dict[str, Path]:
    """Both environments side by side: pip mostly waits for the disk, so two at once take
    little more than the larger one alone."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {kind: pool.submit(_build_env, layout, staging, manifest, kind)
                   for kind in sorted(manifest["environments"])}
        return {kind: future.result() for kind, future in futures.items()}


def _place_release(layout: Layout, staging: Path, manifest: Dict[str, Any], envs: Dict[str, Path]) -> Path:
    version = manifest["version"]
    release = layout.release(version)
    if release.exists():
        shutil.rmtree(release)  # the previous release being installed again, or a leftover
    layout.releases.mkdir(parents=True, exist_ok=True)
    os.rename(staging / "release", release)
    os.symlink(f"../../envs/{envs['kiosk'].name}", release / ".venv")
    os.symlink(f"../../envs/{envs['rasa'].name}", release / ".venv-rasa")
    (release / VERSION_FILE).write_text(version + "\n", encoding="utf-8")
    info = {key: manifest.get(key) for key in ("version", "commit", "built_at", "machine", "model", "vosk_model")}
    (release / RELEASE_FILE).write_text(json.dumps(info, indent=1), encoding="utf-8")
    running = layout.current.resolve() if layout.current.is_symlink() else None
    if running and running.is_dir() and running != release:
        _carry_speech_models(running, release)
    problem = install_envs.compile_release(release, {"kiosk": envs["kiosk"] / "bin" / "python",
                                                     "rasa": envs["rasa"] / "bin" / "python"}, layout.staging / "tmp")
    if problem:
        log(f"  warning: some files did not compile ({problem})")
    return release


def _carry_speech_models(running: Path, release: Path) -> None:
    """A Vosk model installed on the kiosk (`models install`) stays when a bundle brings none."""
    models = running / "data" / "models"
    if not models.is_dir():
        return
    for model in models.iterdir():
        target = release / "data" / "models" / model.name
        if model.is_dir() and not target.exists():
            shutil.copytree(model, target, symlinks=True)
            log(f"  kept the speech model {model.name}")


def _check_settings(layout: Layout, release: Path) -> None:
    """The centre's settings, validated by the new code before it may run, and its trained model
    found the way the Rasa server will look for it."""
    code = ("import sys; from config import load_settings; from runtime.training import current_model; "
            "current_model(load_settings(sys.argv[1]))")
    result = subprocess.run([str(release / ".venv" / "bin" / "python"), "-c", code, str(layout.config_file)],
                            cwd=release, capture_output=True, text=True,
                            env=install_envs.isolated_env(layout.staging / "tmp"))
    if result.returncode != 0:
        raise InstallError(f"this version cannot run with {layout.config_file}:\n{result.stderr.strip()[-1500:]}")


def _collect_garbage(layout: Layout) -> None:
    """Keep the current and previous releases and what they use; remove everything older."""
    keep = {layout.release_of(link) for link in (layout.current, layout.previous)} - {""}
    for release in layout.releases.iterdir() if layout.releases.exists() else []:
        if release.name not in keep:
            shutil.rmtree(release)
            log(f"  removed the old release {release.name}")
    used_envs = {Path(os.readlink(layout.release(name) / link)).name for name in keep
                 for link in (".venv", ".venv-rasa") if (layout.release(name) / link).is_symlink()}
    bases = set()
    for env in layout.envs.iterdir() if layout.envs.exists() else []:
        if env.name not in used_envs:
            shutil.rmtree(env)
            continue
        stamp = json.loads((env / install_envs.STAMP).read_text(encoding="utf-8"))
        bases.add(Path(stamp["base_python"]).parent.parent.name)
    for runtime in layout.pythons.iterdir() if layout.pythons.exists() else []:
        if runtime.name not in bases:
            shutil.rmtree(runtime)


def _from_checkout(layout: Layout) -> Path:
    """A bundle made here from this checkout, for `install` without --from (needs the registry)."""
    from config import get_settings
    from runtime.bundle import build_bundle

    return build_bundle(get_settings(), layout.staging / "checkout")


def install(root: Path, bundle: Optional[Path], kiosk_id: Optional[str] = None, centre_id: Optional[str] = None,
            district: Optional[str] = None) -> int:
    layout = Layout(root)
    if os.geteuid() != 0:
        log("请用 root 运行 / run this as root (sudo)")
        return 1
    os.umask(0o022)  # the kiosk user must read the code and environments whatever root's umask is
    try:
        with _locked(layout):
            try:
                _install(layout, bundle, kiosk_id, centre_id, district)
            finally:
                shutil.rmtree(layout.staging, ignore_errors=True)
    except (InstallError, BundleError, install_envs.EnvError, install_system.InstallStepError,
            python_runtime.PythonRuntimeError, OSError) as error:
        log(f"安装没有完成，正在运行的版本没有改变 / not installed, the running version is unchanged: {error}")
        return 1
    return 0


def _install(layout: Layout, bundle: Optional[Path], kiosk_id: Optional[str], centre_id: Optional[str],
             district: Optional[str]) -> None:
    source = bundle or _from_checkout(layout)
    log(f"checking {source}…")
    staging = layout.staging / "bundle"
    manifest = unpack_verified(source, staging)
    version = manifest["version"]
    current = layout.release_of(layout.current)
    first = not current
    log(f"{'installing' if first else 'updating ' + current + ' to'} {version}")
    deploy = staging / "release" / "deploy"
    missing = install_system.missing_packages(deploy) if layout.live else []
    if missing:
        raise InstallError(f"this PC lacks Debian packages the kiosk needs: apt-get install {' '.join(missing)}")
    record = install_system.Record(layout)
    uid, gid = install_system.ensure_user(layout, deploy, record)
    if install_system.ensure_data_dir(layout, uid, gid):
        log(f"  made the data folder {layout.data_dir}")
    if install_system.write_settings(layout, deploy, kiosk_id, centre_id, district, gid):
        log(f"  wrote {layout.config_file}: set the kiosk id, centre, district, printer and card reader there")
    if install_system.write_secrets(layout):
        log(f"  generated the credentials in {layout.secrets_file}")
    if version == current:
        log(f"  {version} is already the running version: only the system files are checked")
        release = layout.release(version)
    else:
        envs = _build_envs(layout, staging, manifest)
        release = _place_release(layout, staging, manifest, envs)
        try:
            _check_settings(layout, release)
        except InstallError:
            shutil.rmtree(release)
            raise
        if current:
            _relink(layout.previous, f"releases/{current}")
        _relink(layout.current, f"releases/{version}")
    install_system.write_system_files(layout, release / "deploy", uid, record)
    install_system.enable(layout, record)
    record.save()
    _collect_garbage(layout)
    if first:
        install_system.start_or_restart(layout, first=True, log=log)
    elif version != current:
        install_system.restart_if_running(layout, log=log)
    kept = f" ({current} kept for `rollback`)" if current and current != version else ""
    log(f"done: {version} is installed{kept}")


def rollback(root: Path) -> int:
    """Back to the previous release (run again to return): one link, the units, a restart."""
    layout = Layout(root)
    if os.geteuid() != 0:
        log("请用 root 运行 / run this as root (sudo)")
        return 1
    try:
        with _locked(layout):
            current, previous = layout.release_of(layout.current), layout.release_of(layout.previous)
            if not previous or not layout.release(previous).is_dir():
                log("没有可以回退的版本 / there is no previous version to go back to")
                return 1
            _relink(layout.previous, f"releases/{current}")
            _relink(layout.current, f"releases/{previous}")
            record = install_system.Record(layout)
            uid, _ = install_system.user_ids(layout)
            install_system.write_system_files(layout, layout.release(previous) / "deploy", uid, record)
            record.save()
            install_system.restart_if_running(layout, log=log)
    except (InstallError, install_system.InstallStepError, OSError) as error:
        log(f"回退没有完成 / rollback did not finish: {error}")
        return 1
    log(f"回退完成 / rolled back: {previous} runs now ({current} kept; `rollback` again returns to it)")
    return 0


def uninstall(root: Path, purge_data: bool = False) -> int:
    layout = Layout(root)
    if os.geteuid() != 0:
        log("请用 root 运行 / run this as root (sudo)")
        return 1
    install_system.remove_system(layout, log=log)
    for folder in (layout.prefix, layout.config_dir):
        if folder.exists():
            shutil.rmtree(folder)
            log(f"  removed {folder}")
    if purge_data:
        shutil.rmtree(layout.data_dir, ignore_errors=True)
        install_system.remove_user(layout)
        log(f"  removed {layout.data_dir} and the user")
    elif layout.data_dir.exists():
        log(f"  kept the data folder {layout.data_dir} and its user (--purge-data removes them)")
    return 0
