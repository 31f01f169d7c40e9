"""Fast checks of what the installer is made of, no install needed: the templates in deploy/,
the settings file it writes, the bundle checker on small real archives, versions and pins."""

from __future__ import annotations

import io
import json
import re
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

from common.idnumber import GANZHOU_DISTRICTS
from config import load_settings
from runtime import bundle, install_layout
from runtime.bundle_check import BundleError, unpack_verified
from runtime.install_system import render
from runtime.version import valid_version, version_of
from runtime.wheelhouse import read_pins
from tests.install.helpers import REPO

DEPLOY = REPO / "deploy"


def _values() -> dict:
    return {**install_layout.substitutions(991), "kiosk_id": "k-1", "centre_id": "c-1", "district": "章贡区"}


@pytest.mark.parametrize("template", sorted(path.name for path in DEPLOY.glob("*.in")))
def test_every_template_fills_completely(template):
    text = render(DEPLOY / template, _values())
    assert not re.search(r"@[a-z_]+@", text)


def test_the_settings_file_validates_and_lists_every_district(tmp_path):
    path = tmp_path / "kiosk.yaml"
    text = render(DEPLOY / "kiosk.yaml.in", _values())
    path.write_text(text, encoding="utf-8")
    settings = load_settings(str(path))
    assert (settings.kiosk.kiosk_id, settings.kiosk.centre_id, settings.kiosk.fullscreen) == ("k-1", "c-1", True)
    assert str(settings.data_dir) == install_layout.DATA_DIR
    listed = set(re.findall(r"[\u4e00-\u9fff]+[区县市]", text.split("district:")[0]))
    assert listed == set(GANZHOU_DISTRICTS.values())
    assert set(yaml.safe_load(text)) == {"kiosk", "devices", "paths"}


def test_secret_names_are_the_ones_the_settings_read(tmp_path):
    settings = load_settings(None)
    assert set(install_layout.SECRET_NAMES) == {settings.dialogue.auth_token_env, settings.console.kiosk_key_env,
                                                settings.portal.api_key_env, settings.portal.practice_key_env}


def _unit(name: str) -> dict:
    """A unit's `Key=value` lines (the last of a repeated key)."""
    return dict(line.split("=", 1) for line in render(DEPLOY / f"{name}.in", _values()).splitlines()
                if "=" in line and not line.startswith("#"))


def test_services_unit_is_hardened_and_writes_only_the_data_folder():
    unit = _unit("elder-kiosk-services.service")
    assert unit["ExecStart"].endswith("main.py run --no-kiosk")
    assert unit["Restart"] == "on-failure" and unit["User"] == install_layout.SERVICE_USER
    assert unit["ReadWritePaths"] == install_layout.DATA_DIR
    for key, value in {"ProtectSystem": "strict", "PrivateTmp": "yes", "NoNewPrivileges": "yes", "ProtectHome": "yes",
                       "PrivateDevices": "yes", "CapabilityBoundingSet": "", "KillMode": "mixed"}.items():
        assert unit[key] == value, key
    assert unit["EnvironmentFile"] == "/etc/elder-kiosk/secrets.env"


def test_session_unit_is_cage_without_a_way_out():
    unit = _unit("elder-kiosk-session.service")
    assert unit["ExecStart"].startswith("/usr/bin/cage -d -- ") and " -s" not in unit["ExecStart"]
    assert unit["Restart"] == "always" and unit["PAMName"] == "elder-kiosk" and unit["TTYPath"] == "/dev/tty1"
    assert unit["Conflicts"] == "getty@tty1.service"
    assert unit["ReadWritePaths"] == "/var/lib/elder-kiosk -/run/user/991"


def test_maintenance_restarts_whatever_happens():
    unit = _unit("elder-kiosk-maintenance.service")
    assert unit["ExecStartPre"].startswith("+/usr/bin/systemctl stop ")
    assert unit["ExecStopPost"].startswith("+/usr/bin/systemctl --no-block start ")
    timer = _unit("elder-kiosk-maintenance.timer")
    assert timer["OnCalendar"] == "*-*-* 03:30:00" and timer["Persistent"] == "false"


def test_bundle_takes_the_code_and_not_tests_or_environments():
    files = bundle.code_files(REPO)
    assert "main.py" in files and "deploy/elder-kiosk-session.service.in" in files and "requirements/rasa.txt" in files
    assert not [name for name in files if name.split("/")[0] in ("tests", ".venv", ".venv-rasa", "data", "models")]


def _small_bundle(tmp_path: Path) -> Path:
    sources = {"release/main.py": b"print('kiosk')\n", "wheels/kiosk/a-1.0-py3-none-any.whl": b"x" * 5000}
    entries = []
    for name, content in sources.items():
        path = tmp_path / "src" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        entries.append((name, path))
    files = {name: {"sha256": bundle.sha256_file(path), "size": path.stat().st_size} for name, path in entries}
    manifest = {"format": bundle.BUNDLE_FORMAT, "product": "elder-kiosk", "version": "1.0", "files": files}
    return bundle.write_bundle(entries, manifest, tmp_path / "out")


def test_a_sound_bundle_unpacks_and_its_published_hash_matches(tmp_path):
    archive = _small_bundle(tmp_path)
    manifest = unpack_verified(archive, tmp_path / "staging")
    assert (tmp_path / "staging" / "release" / "main.py").read_bytes() == b"print('kiosk')\n"
    assert manifest["version"] == "1.0"
    published = archive.with_name(archive.name + ".sha256").read_text().split()[0]
    assert published == bundle.sha256_file(archive)


def test_the_checker_names_a_changed_file(tmp_path):
    archive = _small_bundle(tmp_path)
    with tarfile.open(archive) as members:
        offset = next(m for m in members.getmembers() if m.name.endswith(".whl")).offset_data + 100
    data = bytearray(archive.read_bytes())
    data[offset] ^= 0x20
    archive.write_bytes(bytes(data))
    with pytest.raises(BundleError, match=r"wheels/kiosk/a-1.0-py3-none-any.whl does not match"):
        unpack_verified(archive, tmp_path / "staging")
    assert not (tmp_path / "staging").exists()


@pytest.mark.parametrize("kind", ["extra", "link", "outside"])
def test_the_checker_refuses_what_the_manifest_does_not_vouch_for(tmp_path, kind):
    archive = _small_bundle(tmp_path)
    with tarfile.open(archive, "a") as members:
        info = tarfile.TarInfo({"extra": "elder-kiosk-1.0/release/extra.py", "link": "elder-kiosk-1.0/release/l",
                                "outside": "elder-kiosk-1.0/../../evil"}[kind])
        if kind == "link":
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/shadow"
            members.addfile(info)
        else:
            info.size = 1
            members.addfile(info, io.BytesIO(b"!"))
    with pytest.raises(BundleError, match={"extra": "not listed", "link": "not a plain file",
                                           "outside": "outside the bundle"}[kind]):
        unpack_verified(archive, tmp_path / "staging")


def test_versions(tmp_path):
    assert valid_version("25b0ea3-dirty.4ac6c844") and valid_version("1.4.0")
    assert not valid_version("../etc") and not valid_version("") and not valid_version("a b")
    (tmp_path / "VERSION").write_text("1.4.0\n")
    assert version_of(tmp_path) == "1.4.0"
    described = subprocess.run(["git", "-C", str(REPO), "describe", "--tags", "--always", "--dirty"],
                               capture_output=True, text=True).stdout.strip()
    assert version_of(REPO) == described


def test_every_lock_line_is_a_pin():
    for lock in ("kiosk.txt", "rasa.txt"):
        text = (REPO / "requirements" / lock).read_text()
        lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        assert len(read_pins(REPO / "requirements" / lock)) == len(lines), lock
    assert json.loads(json.dumps(install_layout.SYSTEM_FILES))  # every system file has a template
    assert all((DEPLOY / name).exists() for name in install_layout.SYSTEM_FILES.values())


def test_the_wrapper_is_valid_shell(tmp_path):
    wrapper = tmp_path / "elder-kiosk"
    wrapper.write_text(render(DEPLOY / "elder-kiosk.sh.in", _values()))
    assert subprocess.run(["sh", "-n", str(wrapper)]).returncode == 0


def test_staff_leaving_the_kiosk_keeps_the_window_away_once(tmp_path):
    """The session unit's ExecCondition, run as systemd would: the flag stops one start, then is gone."""
    values = {**_values(), "data": str(tmp_path)}
    condition = next(line.split("=", 1)[1] for line in render(DEPLOY / "elder-kiosk-session.service.in",
                                                              values).splitlines()
                     if line.startswith("ExecCondition="))
    argv = ["sh", "-c", condition.split("-c ", 1)[1].strip("'")]
    assert subprocess.run(argv).returncode == 0
    (tmp_path / "stay-out").write_text("")
    assert subprocess.run(argv).returncode == 1 and not (tmp_path / "stay-out").exists()
    assert subprocess.run(argv).returncode == 0
