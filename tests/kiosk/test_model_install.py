"""Installing a Vosk model from a local archive (a USB stick), checked against its SHA-256."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from kiosk.speech.model_install import InstallError, install_archive, sha256_of
from kiosk.speech.recognizer import SpeechModel
from tests.kiosk.speech_files import korean_model_dir


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The Korean model zipped as the official archives are: one top folder."""
    path = tmp_path_factory.mktemp("usb") / "vosk-model-small-ko.zip"
    source = korean_model_dir()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as bundle:
        for file in source.rglob("*"):
            if file.is_file():
                bundle.write(file, Path("vosk-model-small-ko") / file.relative_to(source))
    return path


def test_verified_archive_installs_a_loadable_model(archive, tmp_path):
    target = tmp_path / "models" / "installed"
    install_archive(archive, target, sha256_of(archive))
    SpeechModel(target)  # the real decoder loads what was installed
    assert not list(target.parent.glob(".installing-*"))


def test_wrong_hash_installs_nothing(archive, tmp_path):
    target = tmp_path / "models" / "installed"
    with pytest.raises(InstallError, match="mismatch"):
        install_archive(archive, target, "0" * 64)
    assert not target.exists()


def test_without_a_pinned_hash_it_tells_the_hash_and_stops(archive, tmp_path):
    target = tmp_path / "models" / "installed"
    with pytest.raises(InstallError, match=sha256_of(archive)):
        install_archive(archive, target, None)
    assert not target.exists()


def test_archive_escaping_its_folder_is_refused(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as bundle:
        bundle.writestr("../../outside.txt", "x")
    with pytest.raises(InstallError, match="outside"):
        install_archive(evil, tmp_path / "models" / "m", sha256_of(evil))
    assert not (tmp_path.parent / "outside.txt").exists()


def test_archive_without_a_model_is_refused(tmp_path):
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as bundle:
        bundle.writestr("readme.txt", "no model here")
    with pytest.raises(InstallError, match="no Vosk model"):
        install_archive(empty, tmp_path / "models" / "m", sha256_of(empty))
