"""Where an installed kiosk keeps what, in one place for the installer, its tests and the units.

    /opt/elder-kiosk/releases/<version>/   the code of one version, its trained model and Vosk
                                           model; .venv and .venv-rasa link to its environments
    /opt/elder-kiosk/current, previous     links to the running release and the one to roll back to
    /opt/elder-kiosk/envs/<kind>-<key>/    the environments, shared by releases with the same wheels
    /opt/elder-kiosk/python/<name>/        the Python 3.10 the Rasa environment runs on (Debian 12
                                           has only 3.11), shipped in the bundle
    /etc/elder-kiosk/kiosk.yaml            the centre's settings (written once, never by updates)
    /etc/elder-kiosk/secrets.env           the credentials, 0600 (generated where missing)
    /var/lib/elder-kiosk/                  the data folder, 0700: the only place the kiosk writes

A release folder is laid out like a checkout, so every default path in config/kiosk.yaml
(.venv-rasa/bin/python, models/, data/models/<vosk model>) works unchanged inside it.
`--root DIR` puts all of it under DIR (a test, or an image being prepared); the files written
there still name the final paths, as the kiosk will see them. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict

PRODUCT = "elder-kiosk"
SERVICE_USER = "elder-kiosk"
SESSION_TTY = "tty1"  # the console the screen shows at boot; its getty makes way (as GDM does)

PREFIX = "/opt/elder-kiosk"
CONFIG_DIR = "/etc/elder-kiosk"
DATA_DIR = "/var/lib/elder-kiosk"
UNIT_DIR = "/etc/systemd/system"
WRAPPER = "/usr/local/sbin/elder-kiosk"

UNITS = ("elder-kiosk-services.service", "elder-kiosk-session.service", "elder-kiosk-maintenance.service",
         "elder-kiosk-maintenance.timer", "elder-kiosk-health.service", "elder-kiosk-health.timer")
ENABLED_UNITS = ("elder-kiosk-services.service", "elder-kiosk-session.service",
                 "elder-kiosk-maintenance.timer", "elder-kiosk-health.timer")
RUNNING_UNITS = ("elder-kiosk-services.service", "elder-kiosk-session.service")
# A kiosk never sleeps: these are masked (only where nothing else is there already).
SLEEP_TARGETS = ("sleep.target", "suspend.target", "hibernate.target", "hybrid-sleep.target",
                 "suspend-then-hibernate.target")

# System files written from deploy/, final path -> template name.
SYSTEM_FILES = {
    "/etc/sysusers.d/elder-kiosk.conf": "sysusers-elder-kiosk.conf",
    "/etc/pam.d/elder-kiosk": "pam-elder-kiosk",
    "/etc/systemd/logind.conf.d/elder-kiosk.conf": "logind-elder-kiosk.conf",
    "/etc/sysctl.d/60-elder-kiosk.conf": "sysctl-elder-kiosk.conf",
}

# The credentials every process of an installed kiosk shares, by the variable names the
# default settings give them (tests/install checks these against config/).
SECRET_NAMES = ("ELDER_RASA_TOKEN", "ELDER_CONSOLE_KIOSK_KEY", "ELDER_PORTAL_API_KEY", "ELDER_PRACTICE_API_KEY")


@dataclass(frozen=True)
class Layout:
    """The installed paths, on disk under `root`."""

    root: Path = Path("/")

    def under(self, absolute: str) -> Path:
        return self.root / absolute.lstrip("/")

    @property
    def live(self) -> bool:
        """True when installing into this running system (not into a folder)."""
        return self.root.resolve() == Path("/")

    @property
    def prefix(self) -> Path:
        return self.under(PREFIX)

    @property
    def releases(self) -> Path:
        return self.prefix / "releases"

    @property
    def envs(self) -> Path:
        return self.prefix / "envs"

    @property
    def pythons(self) -> Path:
        return self.prefix / "python"

    @property
    def staging(self) -> Path:
        return self.prefix / ".staging"

    @property
    def current(self) -> Path:
        return self.prefix / "current"

    @property
    def previous(self) -> Path:
        return self.prefix / "previous"

    @property
    def record(self) -> Path:
        """What the installer wrote outside the prefix, for uninstall."""
        return self.prefix / "installed-files.json"

    @property
    def config_dir(self) -> Path:
        return self.under(CONFIG_DIR)

    @property
    def config_file(self) -> Path:
        return self.config_dir / "kiosk.yaml"

    @property
    def secrets_file(self) -> Path:
        return self.config_dir / "secrets.env"

    @property
    def data_dir(self) -> Path:
        return self.under(DATA_DIR)

    @property
    def unit_dir(self) -> Path:
        return self.under(UNIT_DIR)

    def release(self, version: str) -> Path:
        return self.releases / version

    def release_of(self, link: Path) -> str:
        """The version a `current` or `previous` link points at, or "" when there is none."""
        return Path(str(link.readlink())).name if link.is_symlink() else ""


def substitutions(uid: int) -> Dict[str, str]:
    """What the templates in deploy/ are filled with: the paths as the running kiosk sees them."""
    return {
        "prefix": PREFIX,
        "python": f"{PREFIX}/current/.venv/bin/python",
        "main": f"{PREFIX}/current/main.py",
        "config": f"{CONFIG_DIR}/kiosk.yaml",
        "secrets": f"{CONFIG_DIR}/secrets.env",
        "data": DATA_DIR,
        "user": SERVICE_USER,
        "uid": str(uid),
        "tty": SESSION_TTY,
    }
