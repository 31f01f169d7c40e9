"""`python main.py models install [--from FILE] [--sha256 HEX]`: put a Vosk model in place.

From the official archive (downloaded here, never at run time) or from a local copy such as
a USB stick. The archive must match a pinned SHA-256; it is unpacked into a temporary
folder, checked for the files Vosk needs, and only then moved into place, so a failed or
tampered install never leaves a half model where the kiosk looks.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Optional

import requests

from config import Settings
from kiosk.speech.recognizer import REQUIRED_FILES

logger = logging.getLogger(__name__)


class InstallError(RuntimeError):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url: str, target: Path) -> None:
    with requests.get(url, stream=True, timeout=(10, 60)) as response:
        response.raise_for_status()
        with target.open("wb") as sink:
            for block in response.iter_content(1 << 20):
                sink.write(block)


def _safe_members(archive: zipfile.ZipFile) -> None:
    for name in archive.namelist():
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts:
            raise InstallError(f"archive entry {name!r} would land outside the model folder")


def _model_root(unpacked: Path) -> Path:
    """The folder holding am/ and conf/ (archives usually wrap it in one top folder)."""
    for candidate in [unpacked, *sorted(p for p in unpacked.iterdir() if p.is_dir())]:
        if all((candidate / name).exists() for name in REQUIRED_FILES):
            return candidate
    raise InstallError(f"the archive holds no Vosk model (needs {', '.join(REQUIRED_FILES)})")


def install_archive(archive: Path, target: Path, expected_sha256: Optional[str]) -> Path:
    actual = sha256_of(archive)
    if not expected_sha256:
        raise InstallError(f"no SHA-256 is pinned for this model. The archive's is {actual}; "
                           "check it against a trusted copy, then pass --sha256 or set "
                           "speech.model_sha256.")
    if actual != expected_sha256.lower():
        raise InstallError(f"SHA-256 mismatch: expected {expected_sha256}, got {actual}. Not installed.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".installing-") as scratch:
        try:
            with zipfile.ZipFile(archive) as bundle:
                _safe_members(bundle)
                bundle.extractall(scratch)
        except zipfile.BadZipFile as error:
            raise InstallError(f"{archive.name} is not a zip archive: {error}") from error
        root = _model_root(Path(scratch))
        if target.exists():
            shutil.rmtree(target)
        root.rename(target)
    return target


def install_model(settings: Settings, archive: Optional[str] = None,
                  sha256: Optional[str] = None) -> int:
    speech = settings.speech
    target = settings.path(speech.vosk_model_dir)
    expected = sha256 or speech.model_sha256
    try:
        if archive:
            installed = install_archive(Path(archive), target, expected)
        else:
            with tempfile.TemporaryDirectory() as scratch:
                local = Path(scratch) / "model.zip"
                print(f"Downloading {speech.model_url} …")
                download(speech.model_url, local)
                installed = install_archive(local, target, expected)
    except (InstallError, OSError, requests.RequestException) as error:
        print(f"语音模型没有安装 / model not installed: {error}")
        return 1
    print(f"语音模型已安装 / model installed: {installed}")
    return 0
