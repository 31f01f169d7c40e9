"""`python main.py centre-console`, `python main.py add-user` and `python main.py add-kiosk`."""

from __future__ import annotations

import getpass
import logging
from typing import Any, Dict, Optional, Tuple

from common.lessons import load_lessons
from config import Settings, secret
from console.app import create_app
from console.auth import Accounts
from console.identity_checks import IdentityChecks
from console.kiosk_keys import KioskKeys
from console.parked import ParkedClient
from console.store import Store
from kiosk.speech.packs import packs_root
from portal.client import PortalClient

logger = logging.getLogger(__name__)


def store_for(settings: Settings) -> Store:
    console = settings.console
    if console.database_url:
        return Store(database_url=console.database_url, password=secret(console.database_password_env))
    return Store(settings.data_dir / "centre-console.sqlite3")


def local_kiosk(settings: Settings) -> Optional[Tuple[str, str]]:
    """(kiosk id, key) of the kiosk on this machine, in the embedded set-up only: the
    supervisor gave both processes the same key. A fleet has no local kiosk."""
    key = secret(settings.console.kiosk_key_env)
    if key and settings.dialogue.embedded and settings.console.register_local_kiosk:
        return settings.kiosk.kiosk_id, key
    return None


def outbox_url(settings: Settings) -> str:
    """Where the parked 12345 submissions are: this machine's action server, or the fleet's
    action balancer, unless console.outbox_url says otherwise."""
    if settings.console.outbox_url:
        return settings.console.outbox_url
    port = settings.dialogue.action_port if settings.dialogue.embedded else settings.fleet.action_balancer_port
    return f"http://127.0.0.1:{port}"


def serve(settings: Settings) -> int:
    console = settings.console
    lessons, problems = load_lessons()
    for problem in problems:
        logger.error("lesson left out: %s", problem)
    local = local_kiosk(settings)
    if local is None and not settings.dialogue.embedded:
        logger.info("fleet console: only kiosks registered with `main.py add-kiosk` are accepted")
    parked = ParkedClient(outbox_url(settings), secret(settings.dialogue.outbox_key_env))
    checks = IdentityChecks(PortalClient.from_settings(settings))
    app = create_app(store_for(settings), lessons, console, local, parked, identity_checks=checks,
                     voice_packs=packs_root(settings.data_dir))
    ssl: Optional[Dict[str, Any]] = None
    if console.tls:
        ssl = {"cert": str(settings.path(str(console.tls_certificate))),
               "key": str(settings.path(str(console.tls_key)))}
    app.run(host=console.host, port=console.port, single_process=True, access_log=False, motd=False, ssl=ssl)
    return 0


def add_user(settings: Settings, username: str, role: str) -> int:
    password = getpass.getpass("密码 / password (8+): ")
    Accounts(store_for(settings), 1800, 8 * 3600).add_user(username, role, password)
    print(f"{username} ({role}) saved")
    return 0


def add_kiosk(settings: Settings, kiosk_id: str) -> int:
    """A new key for one kiosk, printed once; any earlier key of that kiosk stops working."""
    try:
        key = KioskKeys(store_for(settings)).add(kiosk_id)
    except ValueError as error:
        print(f"自助机编号不对 / bad kiosk id: {error}")
        return 2
    env_name = settings.console.kiosk_key_env
    print(f"{kiosk_id}: 新密钥只显示这一次，请放进这台自助机的环境 / the new key, shown only this once; "
          "put it in that kiosk's environment:")
    print(f"{env_name}={key}")
    return 0
