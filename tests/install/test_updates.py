"""The installed kiosk of test_installed_kiosk.py offered damaged bundles, updated to a newer one,
rolled back and forth, and uninstalled: the centre's settings and data never change on the way."""

from __future__ import annotations

import re
import subprocess
import time

import pytest

from tests.install import helpers

pytestmark = [pytest.mark.services, pytest.mark.timeout(2400)]


@pytest.mark.parametrize("member", ["release/main.py", "wheels/rasa/tensorflow-2.12.0-cp310-cp310-manylinux_2_17_x86_64"
                                                       ".manylinux2014_x86_64.whl"])
def test_a_bundle_with_one_byte_changed_is_refused_naming_the_file(installed, member):
    before = helpers.state(installed)
    offset, original = helpers.flip_byte(installed.bundle, member)
    try:
        result = helpers.install(installed.root, installed.bundle)
    finally:
        helpers.restore_byte(installed.bundle, offset, original)
    assert result.returncode == 1
    assert f"{member} does not match MANIFEST.json" in result.stdout, result.stdout
    assert "Nothing was installed" in result.stdout
    assert helpers.state(installed) == before
    assert not (installed.prefix / ".staging").exists()


def test_a_bundle_cut_short_is_refused_naming_the_first_missing_file(installed, install_area):
    cut = install_area / "bundles" / "cut-short" / installed.bundle.name
    cut.parent.mkdir(parents=True, exist_ok=True)
    with installed.bundle.open("rb") as source, cut.open("wb") as sink:
        sink.write(source.read(200_000_000))  # a USB stick pulled out during the copy
    before = helpers.state(installed)
    result = helpers.install(installed.root, cut)
    cut.unlink()
    assert result.returncode == 1
    assert re.search(r"(release|wheels|python)/\S+ is (cut short|missing from)", result.stdout), result.stdout
    assert "Nothing was installed" in result.stdout
    assert helpers.state(installed) == before


@pytest.fixture(scope="module")
def second_bundle(install_area, bundle):
    """A newer version: the first bundle's code with one more commit, bundled the same way."""
    checkout = helpers.copy_checkout(install_area / "checkout-b", bundle, "the next release (tests/install)")
    return helpers.build_bundle(install_area / "bundles", checkout=checkout)


def test_update_keeps_the_centres_files_and_the_previous_version(installed, second_bundle):
    before = helpers.state(installed)
    first_version = before["links"]["current"].split("/")[-1]
    started = time.monotonic()
    result = helpers.install(installed.root, second_bundle)
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    after = helpers.state(installed)
    new_version = after["links"]["current"].split("/")[-1]
    assert new_version != first_version
    assert after["links"] == {"current": f"releases/{new_version}", "previous": f"releases/{first_version}"}
    assert after["config"] == before["config"] and after["data"] == before["data"]
    assert after["envs"] == before["envs"], "same locks: the environments are shared, not rebuilt"
    assert "environment unchanged" in result.stdout
    main = (installed.prefix / "current" / "main.py").read_text()
    assert main.endswith("# the next release (tests/install)\n")
    assert _installed_version(installed) == new_version
    print(f"update took {seconds:.0f} s")


def _installed_version(installed) -> str:
    """What the staff settings screen will show: runtime.version as the installed code sees it."""
    current = installed.prefix / "current"
    probe = subprocess.run([str(current / ".venv" / "bin" / "python"), "-c",
                            "from runtime.version import installed_version; print(installed_version())"],
                           cwd=current, capture_output=True, text=True, env=helpers.clean_env())
    return probe.stdout.strip()


def test_rollback_restores_the_previous_version_and_back(installed):
    before = helpers.state(installed)
    newer, older = before["links"]["current"], before["links"]["previous"]
    result = helpers.installed_main(installed.root, "rollback", "--root", str(installed.root))
    assert result.returncode == 0, result.stdout + result.stderr
    after = helpers.state(installed)
    assert after["links"] == {"current": older, "previous": newer}
    assert _installed_version(installed) == older.split("/")[-1]
    assert not (installed.prefix / "current" / "main.py").read_text().endswith("(tests/install)\n")
    assert after["config"] == before["config"] and after["data"] == before["data"]
    back = helpers.installed_main(installed.root, "rollback", "--root", str(installed.root))
    assert back.returncode == 0 and helpers.state(installed)["links"] == before["links"]


def test_uninstall_keeps_the_data_unless_asked(installed):
    data_before = helpers.snapshot(installed.data)
    result = helpers.installed_main(installed.root, "uninstall", "--root", str(installed.root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert helpers.snapshot(installed.data) == data_before
    assert not (installed.root / "opt" / "elder-kiosk").exists() and not installed.config.exists()
    assert not list((installed.root / "etc" / "systemd" / "system").rglob("*.service"))
    assert not list((installed.root / "etc" / "systemd" / "system").rglob("*.target"))
    assert not (installed.root / "usr" / "local" / "sbin" / "elder-kiosk").exists()
    assert "elder-kiosk:" in (installed.root / "etc" / "passwd").read_text(), "the data folder's owner stays"
    system = helpers.SYSTEM_PYTHON
    purge = subprocess.run(helpers.confined([system, helpers.REPO / "main.py", "uninstall", "--root", installed.root,
                                             "--purge-data"], writable=[installed.root]),
                           capture_output=True, text=True, env=helpers.clean_env())
    assert purge.returncode == 0, purge.stdout + purge.stderr
    assert not installed.data.exists()
    assert "elder-kiosk:" not in (installed.root / "etc" / "passwd").read_text()
    files = {path.relative_to(installed.root).as_posix() for path in installed.root.rglob("*") if path.is_file()}
    assert {name.split("/")[1].rstrip("-") for name in files} <= {".pwd.lock", "passwd", "group", "shadow",
                                                                  "gshadow"}, files
