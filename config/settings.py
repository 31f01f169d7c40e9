"""The one validated place where settings come from.

Defaults live in `config/kiosk.yaml` and run the embedded set-up. A centre layers its own
file on top (named by ELDER_CONFIG); secrets are read from the environment variables the
settings name, never from a file in the repository. Every process of the kiosk loads the
same settings this way, so the supervisor and its children always agree on ports.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

import yaml
from pydantic import ValidationError

from config.kiosk_settings import (
    DevicesSettings,
    Frozen,
    KioskSettings,
    PathSettings,
    SpeechSettings,
    SupervisorSettings,
)
from config.service_settings import ConsoleSettings, DialogueSettings, FleetSettings, PortalSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = REPO_ROOT / "config" / "kiosk.yaml"
OVERRIDE_ENV = "ELDER_CONFIG"

class Settings(Frozen):
    kiosk: KioskSettings
    speech: SpeechSettings
    dialogue: DialogueSettings
    portal: PortalSettings
    console: ConsoleSettings = ConsoleSettings()
    fleet: FleetSettings = FleetSettings()
    devices: DevicesSettings = DevicesSettings()
    paths: PathSettings
    supervisor: SupervisorSettings

    def path(self, relative: str) -> Path:
        """Resolve a configured path against the repository root (absolute paths pass through)."""
        candidate = Path(relative)
        return candidate if candidate.is_absolute() else REPO_ROOT / candidate

    @property
    def data_dir(self) -> Path:
        return self.path(self.paths.data_dir)

    @property
    def log_dir(self) -> Path:
        return self.path(self.paths.log_dir)


class ConfigError(RuntimeError):
    """Settings that cannot run; the message names the file and the key."""


def _merge(base: Dict[str, Any], override: Dict[str, Any]) -> Dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> Dict[str, Any]:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read settings file {path}: {error}") from error
    if not isinstance(content, dict):
        raise ConfigError(f"settings file {path} must hold a mapping at the top")
    return content


# What staff may change on the kiosk itself (settings screen, behind the PIN). Written to
# <data_dir>/staff-settings.yaml and layered last; anything else there is ignored.
STAFF_KEYS = {"kiosk": ("text_scale_index", "idle_seconds", "fullscreen"),
              "speech": ("rate_cpm", "volume", "voice_pack")}
STAFF_FILE = "staff-settings.yaml"


def staff_choices(raw: Dict[str, Any]) -> Dict[str, Any]:
    return {section: {key: value for key, value in (raw.get(section) or {}).items() if key in keys}
            for section, keys in STAFF_KEYS.items()}


def load_settings(override_file: Optional[str] = None) -> Settings:
    """Defaults, then the centre's file (argument or ELDER_CONFIG), then what staff set on the
    kiosk, validated as a whole."""
    raw = _read_yaml(DEFAULTS_FILE)
    override_path = override_file or os.environ.get(OVERRIDE_ENV)
    if override_path:
        raw = _merge(raw, _read_yaml(Path(override_path)))
    data_dir = Path(raw.get("paths", {}).get("data_dir", "data"))
    staff_file = (data_dir if data_dir.is_absolute() else REPO_ROOT / data_dir) / STAFF_FILE
    if staff_file.exists():
        raw = _merge(raw, staff_choices(_read_yaml(staff_file)))
    try:
        return Settings.model_validate(raw)
    except ValidationError as error:
        source = override_path or DEFAULTS_FILE
        raise ConfigError(f"invalid settings ({source}, {staff_file.name}):\n{error}") from error


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process, loaded once."""
    return load_settings()


def secret(env_name: str) -> Optional[str]:
    """A credential from the environment; empty counts as missing."""
    value = os.environ.get(env_name, "").strip()
    return value or None
