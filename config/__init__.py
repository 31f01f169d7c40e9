"""Settings for every process of the kiosk (see settings.py)."""

from config.settings import ConfigError, Settings, get_settings, load_settings, secret

__all__ = ["ConfigError", "Settings", "get_settings", "load_settings", "secret"]
