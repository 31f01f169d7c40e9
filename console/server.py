"""`python main.py centre-console` and `python main.py add-user`."""

from __future__ import annotations

import getpass
import logging
import secrets as pysecrets

from common.lessons import load_lessons
from config import Settings, secret
from console.app import create_app
from console.auth import Accounts
from console.store import Store

logger = logging.getLogger(__name__)


def store_for(settings: Settings) -> Store:
    console = settings.console
    if console.database_url:
        return Store(database_url=console.database_url, password=secret(console.database_password_env))
    return Store(settings.data_dir / "centre-console.sqlite3")


def serve(settings: Settings) -> int:
    console = settings.console
    key = secret(console.kiosk_key_env)
    if key is None:
        key = pysecrets.token_urlsafe(24)
        logger.warning("%s is not set: kiosks on other machines cannot reach this console", console.kiosk_key_env)
    lessons, problems = load_lessons()
    for problem in problems:
        logger.error("lesson left out: %s", problem)
    app = create_app(store_for(settings), key, lessons, console.session_idle_minutes * 60,
                     console.session_max_hours * 3600)
    app.run(host=console.host, port=console.port, single_process=True, access_log=False, motd=False)
    return 0


def add_user(settings: Settings, username: str, role: str) -> int:
    password = getpass.getpass("密码 / password (8+): ")
    Accounts(store_for(settings), 1800, 8 * 3600).add_user(username, role, password)
    print(f"{username} ({role}) saved")
    return 0
