"""TLS on the kiosks' side of the balancer: nginx serves the certificate `fleet up` made, the
kiosk's client checks it against the CA it was given and refuses any other, plain HTTP gets
no dialogue, and every fleet port listens on loopback only."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import pytest
import requests

from kiosk.dialogue_client import DialogueClient, DialogueUnavailable
from runtime.balancer import generated_tls_paths, make_self_signed

pytestmark = pytest.mark.services


def test_the_balancer_serves_the_generated_certificate(fleet):
    certificate, key = generated_tls_paths(fleet.settings)
    assert fleet.ca_certificate == str(certificate) and key.stat().st_mode & 0o777 == 0o600
    served = ssl.get_server_certificate(("127.0.0.1", fleet.settings.fleet.balancer_port))
    assert ssl.PEM_cert_to_DER_cert(served) == ssl.PEM_cert_to_DER_cert(certificate.read_text())
    # A client that checks against it, for the name kiosks use (127.0.0.1), gets TLS 1.2 or later.
    context = ssl.create_default_context(cafile=str(certificate))
    with socket.create_connection(("127.0.0.1", fleet.settings.fleet.balancer_port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_the_kiosk_client_checks_the_certificate(fleet, tmp_path):
    dialogue = fleet.kiosk("kiosk-tls")
    assert dialogue.base_url.startswith("https://") and dialogue.send("你好").texts
    dialogue.end_session()
    other_certificate, other_key = tmp_path / "other.crt", tmp_path / "other.key"
    make_self_signed(other_certificate, other_key)  # same names, another key: an impostor
    for ca in (str(other_certificate), None):  # None: the system's CAs
        wrong = DialogueClient(fleet.url, "kiosk-tls", 10, kiosk_key=fleet.key("kiosk-tls"), ca_certificate=ca)
        with pytest.raises(DialogueUnavailable) as refused:
            wrong.send("你好")
        assert isinstance(refused.value.__cause__, requests.exceptions.SSLError)
        assert wrong.forget(wrong.sender_id) is False


def test_plain_http_gets_no_dialogue(fleet):
    plain = f"http://127.0.0.1:{fleet.settings.fleet.balancer_port}/webhooks/rest/webhook"
    response = requests.post(plain, json={"sender": "kiosk-plain-1", "message": "你好"},
                             headers={"Authorization": f"Bearer {fleet.key('kiosk-plain')}"}, timeout=10)
    assert response.status_code == 400 and "HTTPS" in response.text


def listening(path: Path):
    """(address, port) of every listening TCP socket in /proc/net/tcp or tcp6."""
    for line in path.read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A":
            address, port = fields[1].rsplit(":", 1)
            yield address, int(port, 16)


def test_every_fleet_port_listens_on_loopback_only(fleet):
    config = fleet.settings.fleet
    ports = {config.balancer_port, config.action_balancer_port, config.rasa_balancer_port, config.postgres_port,
             config.redis_port, *config.rasa_ports(), *config.action_ports(), *config.gate_ports()}
    found = {}
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        for address, port in listening(table):
            if port in ports:
                found.setdefault(port, set()).add(address)
    # A Rasa instance killed by an earlier test stays down here (no supervisor watch loop runs).
    assert ports - set(config.rasa_ports()) <= set(found) and set(config.rasa_ports()) & set(found)
    assert all(addresses == {"0100007F"} for addresses in found.values()), found
