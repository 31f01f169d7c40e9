"""The fleet's balancer (nginx): the kiosks' side over TLS, and two central sides.

    kiosks   :balancer_port (TLS)   only POST /webhooks/rest/webhook, DELETE
                                    /gate/conversations/<id>, POST /identity/card,
                                    /payment/status, /certification/face and
                                    /devices/camera, to
                                    the conversation gates;
                                    everything else (/model, /execute, /status, other
                                    /conversations/… routes) is refused here with 403
    central  :rasa_balancer_port    Rasa's whole API (master token): the gates, operators
    central  :action_balancer_port  the action servers, for Rasa

Every port listens on loopback, as the rest of the fleet; a city puts the kiosks' side on the
network its kiosks reach and keeps the central sides on the machine. The certificate comes
from fleet.tls_certificate / fleet.tls_key, or a self-signed one made once in data/fleet/tls/
(kiosks then trust exactly that certificate: dialogue.ca_certificate).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path
from typing import List, Tuple

from config import Settings
from runtime.fleet_stores import FleetError, fleet_dir
from runtime.supervisor import ServiceSpec

CERTIFICATE_DAYS = 825  # the longest validity clients accept for a server certificate


def generated_tls_paths(settings: Settings) -> Tuple[Path, Path]:
    folder = fleet_dir(settings) / "tls"
    return folder / "balancer.crt", folder / "balancer.key"


def tls_paths(settings: Settings) -> Tuple[Path, Path]:
    """The configured certificate and key, or the generated pair (made if missing)."""
    fleet = settings.fleet
    if fleet.tls_certificate and fleet.tls_key:
        paths = settings.path(fleet.tls_certificate), settings.path(fleet.tls_key)
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise FleetError(f"fleet.tls_certificate / fleet.tls_key: {', '.join(missing)} not found")
        return paths
    certificate, key = generated_tls_paths(settings)
    if not (certificate.is_file() and key.is_file()):
        make_self_signed(certificate, key)
    return certificate, key


def make_self_signed(certificate: Path, key: Path) -> None:
    """A self-signed P-256 certificate for this machine (localhost, 127.0.0.1, its name).
    It is its own CA (keyCertSign), so a kiosk can be given it as the one CA it trusts."""
    if not shutil.which("openssl"):
        raise FleetError("openssl is not installed: apt-get install openssl")
    certificate.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(certificate.parent, 0o700)
    names = ["DNS:localhost", "IP:127.0.0.1"] + [f"DNS:{name}" for name in {socket.gethostname()}
                                                  if name and name != "localhost"]
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(certificate), "-days", str(CERTIFICATE_DAYS),
                    "-subj", "/CN=elder-dialogue/O=Elder Service Assistant",
                    "-addext", f"subjectAltName={','.join(names)}",
                    "-addext", "keyUsage=critical,digitalSignature,keyCertSign",
                    "-addext", "extendedKeyUsage=serverAuth"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.chmod(key, 0o600)
    os.chmod(certificate, 0o644)


def _upstream(name: str, ports: List[int]) -> str:
    servers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n" for port in ports)
    return f"  upstream {name} {{\n{servers}    keepalive 64;\n  }}\n"


PROXY = ("      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n"
         "      proxy_connect_timeout 2s;\n")


def _central(port: int, upstream_name: str, read_timeout: int) -> str:
    return (
        f"  server {{\n    listen 127.0.0.1:{port};\n"
        "    location = /nginx-health { return 200 'ok'; }\n"
        f"    location / {{\n      proxy_pass http://{upstream_name};\n{PROXY}"
        f"      proxy_read_timeout {read_timeout}s;\n"
        # A dead instance: the request goes to the next. A request whose instance died
        # mid-answer goes too (non_idempotent); submissions carry idempotency keys.
        "      proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n"
        "      proxy_next_upstream_tries 3;\n    }\n  }\n")


def _kiosks(port: int, certificate: Path, key: Path) -> str:
    # To the gate only; a gate that cannot be reached is skipped, one that answered is not
    # asked again (it already went through the central side's own retries).
    to_gate = (f"      proxy_pass http://gate;\n{PROXY}      proxy_read_timeout 100s;\n"
               "      proxy_next_upstream error non_idempotent;\n      proxy_next_upstream_tries 2;\n")
    return (
        f"  server {{\n    listen 127.0.0.1:{port} ssl;\n"
        f"    ssl_certificate {certificate};\n    ssl_certificate_key {key};\n"
        "    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_session_cache shared:kiosks:10m;\n"
        "    ssl_session_timeout 1h;\n    client_max_body_size 16k;\n"
        "    location = /nginx-health { return 200 'ok'; }\n"
        f"    location = /webhooks/rest/webhook {{\n      limit_except POST {{ deny all; }}\n{to_gate}    }}\n"
        f"    location ^~ /gate/conversations/ {{\n      limit_except DELETE {{ deny all; }}\n{to_gate}    }}\n"
        f"    location = /identity/card {{\n      limit_except POST {{ deny all; }}\n{to_gate}    }}\n"
        f"    location = /payment/status {{\n      limit_except POST {{ deny all; }}\n{to_gate}    }}\n"
        f"    location = /devices/camera {{\n      limit_except POST {{ deny all; }}\n{to_gate}    }}\n"
        # Up to five JPEG frames, base64: the only request larger than a turn.
        f"    location = /certification/face {{\n      limit_except POST {{ deny all; }}\n"
        f"      client_max_body_size 2m;\n{to_gate}    }}\n"
        "    location / { return 403; }\n  }\n")


def nginx_config(settings: Settings) -> Path:
    fleet = settings.fleet
    prefix = fleet_dir(settings) / "nginx"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(prefix / "tmp" / sub, 0o777)  # nginx workers drop to `nobody`
    certificate, key = tls_paths(settings)
    temp = prefix / "tmp"
    config = (
        "worker_processes 2;\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        # No access log: the central side's URLs carry the master token.
        "http {\n  access_log off;\n  server_tokens off;\n"
        f"  client_body_temp_path {temp / 'body'};\n  proxy_temp_path {temp / 'proxy'};\n"
        f"  fastcgi_temp_path {temp / 'fastcgi'};\n  uwsgi_temp_path {temp / 'uwsgi'};\n"
        f"  scgi_temp_path {temp / 'scgi'};\n"
        + _upstream("rasa", fleet.rasa_ports()) + _upstream("actions", fleet.action_ports())
        + _upstream("gate", fleet.gate_ports())
        + _kiosks(fleet.balancer_port, certificate, key)
        + _central(fleet.rasa_balancer_port, "rasa", 90) + _central(fleet.action_balancer_port, "actions", 60)
        + "}\n")
    path = prefix / "nginx.conf"
    path.write_text(config, encoding="utf-8")
    return path


def nginx_spec(settings: Settings) -> ServiceSpec:
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        raise FleetError("nginx is not installed: sh scripts/system-packages.sh installs it")
    config = nginx_config(settings)
    argv = [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(config.parent), "-c", str(config),
            "-g", "daemon off;"]
    return ServiceSpec("balancer", argv, f"http://127.0.0.1:{settings.fleet.rasa_balancer_port}/nginx-health")
