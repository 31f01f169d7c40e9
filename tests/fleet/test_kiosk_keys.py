"""Kiosk credentials without a running fleet: how keys are issued and stored, which ids may
have one, who owns a conversation id, which credential a kiosk's client sends, and where the
balancer's certificate comes from. Fast: files and settings only (one `main.py` run)."""

from __future__ import annotations

import subprocess

import pytest

from config import ConfigError, load_settings
from config.settings import OVERRIDE_ENV, REPO_ROOT
from kiosk.dialogue_client import DialogueClient
from runtime.balancer import nginx_config, tls_paths
from runtime.fleet_stores import FleetError
from runtime.kiosk_keys import KioskIdRefused, KioskKeys, digest, issue_key, keys_file, revoke_key
from runtime.supervisor import main_py
from tests.stack import write_config


@pytest.fixture
def settings(tmp_path):
    return load_settings(str(write_config(tmp_path)))


def test_a_key_is_printed_once_and_stored_as_its_hash(tmp_path):
    config = write_config(tmp_path)
    done = subprocess.run(main_py("fleet", "add-kiosk", "kiosk-zg-07"), cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin", OVERRIDE_ENV: str(config)})
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip().splitlines()[-1]
    settings = load_settings(str(config))
    path = keys_file(settings)
    assert path.stat().st_mode & 0o777 == 0o600
    stored = path.read_text(encoding="utf-8")
    assert key not in stored and digest(key) in stored and len(key) >= 40
    assert KioskKeys(path).kiosk_for(key) == "kiosk-zg-07"
    again = subprocess.run(main_py("fleet", "remove-kiosk", "kiosk-zg-07"), cwd=REPO_ROOT, capture_output=True,
                           text=True, timeout=60, env={"PATH": "/usr/bin:/bin", OVERRIDE_ENV: str(config)})
    assert again.returncode == 0 and KioskKeys(path).kiosk_for(key) is None


def test_issuing_again_replaces_the_key(settings):
    keys = KioskKeys(keys_file(settings))
    first = issue_key(settings, "kiosk-a")
    assert keys.kiosk_for(first) == "kiosk-a"
    second = issue_key(settings, "kiosk-a")
    assert keys.kiosk_for(second) == "kiosk-a" and keys.kiosk_for(first) is None  # seen at once
    assert revoke_key(settings, "kiosk-a") and keys.kiosk_for(second) is None
    assert not revoke_key(settings, "kiosk-a")


@pytest.mark.parametrize("kiosk_id", ["practice", "practice-kiosk-a", "kiosk a", "kiosk/a", "", "k" * 65,
                                      "kiosk-a-1", "kiosk"])
def test_ids_that_would_make_ownership_ambiguous_are_refused(settings, kiosk_id):
    issue_key(settings, "kiosk-a")
    with pytest.raises(KioskIdRefused):
        issue_key(settings, kiosk_id)


def test_a_conversation_belongs_to_the_kiosk_its_id_begins_with(settings):
    for kiosk_id in ("kiosk-a", "kiosk-ab", "centre.3_kiosk-2"):
        issue_key(settings, kiosk_id)
    keys = KioskKeys(keys_file(settings))
    assert keys.owner_of("kiosk-a-0f3c") == "kiosk-a"
    assert keys.owner_of("kiosk-ab-0f3c") == "kiosk-ab"
    assert keys.owner_of("kiosk-a-outbox-77") == "kiosk-a"
    assert keys.owner_of("practice-kiosk-ab-1") == "kiosk-ab"
    assert keys.owner_of("centre.3_kiosk-2-x") == "centre.3_kiosk-2"
    for nobody in ("kiosk-a", "kiosk-a-", "kiosk-abc-1", "kiosk-a/../x", "practice-practice-kiosk-a-1",
                   "kiosk-b-1", "", "x" * 300):
        assert keys.owner_of(nobody) is None, nobody


def test_a_damaged_key_file_opens_nothing(settings):
    key = issue_key(settings, "kiosk-a")
    keys = KioskKeys(keys_file(settings))
    assert keys.kiosk_for(key) == "kiosk-a"
    keys_file(settings).write_text("{not json", encoding="utf-8")
    assert keys.kiosk_for(key) is None and keys.owner_of("kiosk-a-1") is None


def test_the_kiosk_sends_its_own_key_and_never_the_master_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ELDER_RASA_TOKEN", "the-master-token")
    embedded = DialogueClient.from_settings(load_settings(str(write_config(tmp_path / "embedded"))))
    assert embedded.auth_token == "the-master-token" and embedded.kiosk_key is None  # exactly as before
    assert "Authorization" not in embedded.http.headers and embedded.verify is True
    monkeypatch.setenv("ELDER_DIALOGUE_KIOSK_KEY", "this-kiosks-key")
    ca = tmp_path / "centre-ca.pem"
    fleet_kiosk = load_settings(str(write_config(tmp_path / "fleet", {
        "dialogue": {"rasa_url": "https://dialogue.centre.example:5080", "ca_certificate": str(ca)}})))
    client = DialogueClient.from_settings(fleet_kiosk)
    assert client.auth_token is None and client.kiosk_key == "this-kiosks-key"
    assert client.http.headers["Authorization"] == "Bearer this-kiosks-key" and client.verify == str(ca)
    plain = load_settings(str(write_config(tmp_path / "plain", {
        "dialogue": {"rasa_url": "http://dialogue.centre.example:5080"}})))
    with pytest.raises(ConfigError, match="https"):
        DialogueClient.from_settings(plain)  # the key must not cross the network in clear


def test_the_balancer_uses_the_configured_certificate(tmp_path):
    certificate, key = tmp_path / "centre.crt", tmp_path / "centre.key"
    settings = load_settings(str(write_config(tmp_path, {"fleet": {"tls_certificate": str(certificate),
                                                                   "tls_key": str(key)}})))
    with pytest.raises(FleetError, match="not found"):
        tls_paths(settings)
    certificate.write_text("certificate", encoding="utf-8")
    key.write_text("key", encoding="utf-8")
    assert tls_paths(settings) == (certificate, key)
    config = nginx_config(settings).read_text(encoding="utf-8")
    assert f"ssl_certificate {certificate};" in config and f"ssl_certificate_key {key};" in config
    with pytest.raises(ConfigError, match="go together"):
        load_settings(str(write_config(tmp_path / "half", {"fleet": {"tls_certificate": str(certificate)}})))
