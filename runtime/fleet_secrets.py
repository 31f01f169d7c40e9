"""The fleet's credentials: from the environment, or generated once on this machine.

PostgreSQL's superuser and the fleet's role, Redis, Rasa's master token, the console's kiosk
key and the sandbox portal's key. For a fleet on one machine, those the environment does not
give are generated once and kept in data/fleet/secrets.env (mode 600, never in the
repository), so `fleet-down`, tests and the load test reach what `fleet-up` started. What the
environment gives is never written anywhere.

The superuser's password is for the start-up alone: `fleet_secrets` hands it back apart, and
it is not in the environment the fleet's processes inherit.
"""

from __future__ import annotations

import secrets as random_secrets
from typing import Dict, List, Tuple

from config import Settings, secret
from runtime.fleet_stores import fleet_dir, private_file

SECRETS_FILE = "secrets.env"


def secret_names(settings: Settings) -> List[str]:
    fleet = settings.fleet
    names = [fleet.db_admin_password_env, fleet.db_password_env, fleet.redis_password_env,
             settings.dialogue.auth_token_env, settings.console.kiosk_key_env, settings.dialogue.card_key_env,
             settings.dialogue.outbox_key_env]
    if settings.portal.mode == "sandbox":
        names.append(settings.portal.api_key_env)
    return list(dict.fromkeys(names))  # a name configured twice is one secret


def stored_secrets(settings: Settings) -> Dict[str, str]:
    path = fleet_dir(settings) / SECRETS_FILE
    stored: Dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            if name and value:
                stored[name] = value
    return stored


def fleet_secrets(settings: Settings, env: Dict[str, str]) -> Tuple[Dict[str, str], str]:
    """`env` with every fleet secret set, and the superuser's password (removed from env)."""
    generated = [name for name in secret_names(settings) if not secret(name)]
    stored = stored_secrets(settings)
    for name in generated:
        env[name] = stored.get(name) or random_secrets.token_urlsafe(24)
    private_file(fleet_dir(settings) / SECRETS_FILE, "".join(f"{name}={env[name]}\n" for name in generated))
    admin_name = settings.fleet.db_admin_password_env
    admin = env[admin_name]
    if admin_name not in secret_names(settings)[1:]:
        del env[admin_name]
    return env, admin
