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
from typing import Any, Dict, List, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = REPO_ROOT / "config" / "kiosk.yaml"
OVERRIDE_ENV = "ELDER_CONFIG"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PrinterSettings(_Frozen):
    kind: Literal["none", "file", "usb", "network"] = "none"
    file_path: Optional[str] = None
    host: Optional[str] = None
    port: int = Field(9100, ge=1, le=65535)
    usb_vendor: Optional[int] = None
    usb_product: Optional[int] = None

    @model_validator(mode="after")
    def _needs_its_address(self) -> PrinterSettings:
        needed = {"file": ["file_path"], "network": ["host"], "usb": ["usb_vendor", "usb_product"]}
        missing = [key for key in needed.get(self.kind, []) if getattr(self, key) is None]
        if missing:
            raise ValueError(f"printer kind {self.kind!r} needs {', '.join(missing)}")
        return self


class KioskSettings(_Frozen):
    kiosk_id: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    centre_id: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    district: str
    text_scales: List[float]
    text_scale_index: int = 0
    idle_seconds: int = Field(..., ge=30, le=3600)
    idle_countdown_seconds: int = Field(..., ge=30, le=600)
    fullscreen: bool = False
    window_width: int = Field(..., ge=640)
    window_height: int = Field(..., ge=480)
    staff_pin_hash: str
    printer: PrinterSettings = PrinterSettings()

    @field_validator("district")
    @classmethod
    def _a_ganzhou_district(cls, value: str) -> str:
        from common.idnumber import GANZHOU_DISTRICTS

        if value not in GANZHOU_DISTRICTS.values():
            raise ValueError("district must be one of Ganzhou's 18 counties and districts")
        return value

    @field_validator("text_scales")
    @classmethod
    def _three_steps_largest_half_again(cls, scales: List[float]) -> List[float]:
        # ACCESSIBILITY.md: at least three steps, the largest >= 1.5 x standard.
        if len(scales) < 3 or scales != sorted(scales) or scales[0] != 1.0 or scales[-1] < 1.5:
            raise ValueError("need >= 3 ascending steps starting at 1.0 and reaching >= 1.5")
        return scales

    @model_validator(mode="after")
    def _index_in_range(self) -> KioskSettings:
        if not 0 <= self.text_scale_index < len(self.text_scales):
            raise ValueError("text_scale_index must point into text_scales")
        return self


class SpeechSettings(_Frozen):
    vosk_model_dir: str
    model_url: str
    model_sha256: Optional[str] = Field(None, pattern=r"^[0-9a-f]{64}$")
    end_silence_seconds: float = Field(..., ge=0.8, le=5.0)
    max_listen_seconds: float = Field(..., gt=0)
    max_free_speech_seconds: float = Field(..., gt=0)
    input_device: Optional[str] = None
    rate_cpm: int
    rate_min_cpm: int = Field(..., ge=100)
    rate_max_cpm: int = Field(..., le=320)
    rate_step_cpm: int = Field(..., ge=5)
    volume: float = Field(..., ge=0.1, le=1.0)
    voice: str = "cmn-latn-pinyin"  # see config/kiosk.yaml
    # The centre's recorded voice pack (a folder under data_dir/voice-packs); null = synthesis.
    # Same pattern as kiosk.speech.packs.PACK_ID (tests/kiosk/test_voice_packs.py checks).
    voice_pack: Optional[str] = Field(None, pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")

    @model_validator(mode="after")
    def _rate_within_bounds(self) -> SpeechSettings:
        if not self.rate_min_cpm <= self.rate_cpm <= self.rate_max_cpm:
            raise ValueError("rate_cpm must lie between rate_min_cpm and rate_max_cpm")
        return self


class DialogueSettings(_Frozen):
    rasa_host: str = "127.0.0.1"
    rasa_port: int = Field(..., ge=1, le=65535)
    action_port: int = Field(..., ge=1, le=65535)
    rasa_url: Optional[str] = None
    auth_token_env: str
    project_dir: str
    models_dir: str
    # The Rasa environment's Python 3.10 (`make setup` builds it); everything else runs on 3.11.
    rasa_python: str = ".venv-rasa/bin/python"
    request_timeout_seconds: float = Field(..., gt=0)
    # One resident turn: within this the resident hears the answer or a plain way on, however
    # slow the portal is. Shorter than the kiosk's own wait (request_timeout_seconds).
    turn_budget_seconds: float = Field(5.0, ge=1, le=30)
    # Portal calls under way at once on one action server; a hanging portal ties up no more.
    max_concurrent_calls: int = Field(16, ge=1, le=256)
    max_failed_answers: int = Field(2, ge=1, le=5)
    # A city fleet's stateless action servers share full numbers (briefly) through Redis;
    # its password comes from vault_password_env, never from the URL in a settings file.
    vault_url: Optional[str] = None
    vault_password_env: str = "ELDER_REDIS_PASSWORD"
    # A kiosk of a city fleet: its own credential (`python main.py fleet add-kiosk`), sent in a
    # header; it never holds the master token. The central service's TLS certificate is checked
    # against this CA file (null: the system's CAs).
    kiosk_key_env: str = "ELDER_DIALOGUE_KIOSK_KEY"
    ca_certificate: Optional[str] = None
    # The key staff pages send (Bearer) to see and act on parked 12345 submissions.
    outbox_key_env: str = "ELDER_OUTBOX_KEY"
    # What the kiosk's card reader posts the card with (to the action server; never to Rasa).
    card_key_env: str = "ELDER_CARD_KEY"

    @model_validator(mode="after")
    def _budget_within_the_kiosks_wait(self) -> DialogueSettings:
        if self.turn_budget_seconds + 2 > self.request_timeout_seconds:
            raise ValueError("turn_budget_seconds must be at least 2 s shorter than request_timeout_seconds")
        return self

    @property
    def base_url(self) -> str:
        return (self.rasa_url or f"http://{self.rasa_host}:{self.rasa_port}").rstrip("/")

    @property
    def embedded(self) -> bool:
        """True when this kiosk runs its own Rasa and action server."""
        return self.rasa_url is None


class PortalSettings(_Frozen):
    mode: Literal["sandbox", "remote"]
    base_url: Optional[str] = None
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = Field(..., ge=1, le=65535)
    api_key_env: str
    practice_url: str = "http://127.0.0.1:5010"
    practice_key_env: str = "ELDER_PRACTICE_API_KEY"
    connect_timeout_seconds: float = Field(..., gt=0)
    read_timeout_seconds: float = Field(..., gt=0)
    retries: int = Field(..., ge=0, le=10)
    backoff_seconds: float = Field(..., ge=0)

    @model_validator(mode="after")
    def _remote_needs_url(self) -> PortalSettings:
        if self.mode == "remote" and not self.base_url:
            raise ValueError("portal.mode 'remote' needs portal.base_url")
        return self

    @property
    def url(self) -> str:
        if self.mode == "remote":
            return str(self.base_url).rstrip("/")
        return f"http://{self.sandbox_host}:{self.sandbox_port}"


class ConsoleSettings(_Frozen):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(5020, ge=1, le=65535)
    url: Optional[str] = None
    kiosk_key_env: str = "ELDER_CONSOLE_KIOSK_KEY"
    # The embedded set-up: the console accepts this machine's kiosk (kiosk.kiosk_id) with the key
    # in kiosk_key_env. Never in a fleet (dialogue.rasa_url set): there every kiosk needs add-kiosk.
    register_local_kiosk: bool = True
    session_idle_minutes: float = Field(30, gt=0)
    session_max_hours: float = Field(8, gt=0)
    # The console's database: null = SQLite in data_dir (embedded); a fleet gives PostgreSQL
    # here, its password taken from database_password_env.
    database_url: Optional[str] = None
    database_password_env: str = "ELDER_DB_PASSWORD"
    # HTTPS: both paths (PEM) or neither. Kiosks check the console's certificate against
    # ca_certificate (null: the system's CAs; a self-signed certificate is its own CA).
    tls_certificate: Optional[str] = None
    tls_key: Optional[str] = None
    ca_certificate: Optional[str] = None
    # Login back-off: this many wrong passwords are free, then a wait that doubles each time.
    login_free_failures: int = Field(5, ge=1, le=100)
    login_free_failures_per_address: int = Field(20, ge=1, le=1000)
    login_first_wait_seconds: float = Field(30, gt=0)
    login_max_wait_minutes: float = Field(15, gt=0)
    # Help requests still open after this long are deleted (only the count is kept).
    help_retention_hours: float = Field(24, gt=0)
    # The action server's parked 12345 submissions; null = the local action server (embedded)
    # or the fleet's action balancer.
    outbox_url: Optional[str] = None

    @model_validator(mode="after")
    def _tls_pair(self) -> ConsoleSettings:
        if bool(self.tls_certificate) != bool(self.tls_key):
            raise ValueError("console.tls_certificate and console.tls_key go together")
        return self

    @property
    def tls(self) -> bool:
        return bool(self.tls_certificate)

    @property
    def base_url(self) -> str:
        scheme = "https" if self.tls else "http"
        return (self.url or f"{scheme}://127.0.0.1:{self.port}").rstrip("/")


class FleetSettings(_Frozen):
    """A city's central dialogue service on Rasa's production set-up (`make fleet-up`).

    Kiosks reach it through dialogue.rasa_url (the balancer, TLS), where only the conversation
    gate answers; everything else here is what the fleet's own processes need. Ports are
    consecutive from the base ports.
    """

    rasa_instances: int = Field(2, ge=1, le=16)
    action_instances: int = Field(2, ge=1, le=16)
    gate_instances: int = Field(2, ge=1, le=16)
    balancer_port: int = Field(5080, ge=1, le=65535)
    action_balancer_port: int = Field(5081, ge=1, le=65535)
    # The central side of the balancer: Rasa's whole API, for the gate and operators only.
    rasa_balancer_port: int = Field(5082, ge=1, le=65535)
    gate_base_port: int = Field(5085, ge=1, le=65535)
    rasa_base_port: int = Field(5105, ge=1, le=65535)
    action_base_port: int = Field(5155, ge=1, le=65535)
    postgres_port: int = Field(5433, ge=1, le=65535)
    redis_port: int = Field(6380, ge=1, le=65535)
    database: str = Field("elder", pattern=r"^[a-z_][a-z0-9_]*$")
    db_user: str = Field("elder", pattern=r"^[a-z_][a-z0-9_]*$")
    db_password_env: str = "ELDER_DB_PASSWORD"
    # PostgreSQL's superuser: used by the fleet's start-up only, never given to its processes.
    db_admin_password_env: str = "ELDER_DB_ADMIN_PASSWORD"
    redis_password_env: str = "ELDER_REDIS_PASSWORD"
    # The balancer's certificate and key (PEM). Null: `fleet up` makes a self-signed pair in
    # data/fleet/tls/ once; kiosks then trust that certificate (dialogue.ca_certificate).
    tls_certificate: Optional[str] = None
    tls_key: Optional[str] = None
    # Hashed kiosk credentials (null: data/fleet/kiosk-keys.json).
    kiosk_keys_file: Optional[str] = None
    conversation_expiry_minutes: float = Field(30, gt=0)
    # How often each Rasa instance looks for expired conversations (on a save).
    expiry_check_seconds: float = Field(60, gt=0)
    lock_lifetime_seconds: int = Field(15, ge=2, le=120)
    # Rasa keeps several TensorFlow models in memory; more threads than cores only contend.
    rasa_threads: int = Field(1, ge=1, le=8)

    def rasa_ports(self) -> List[int]:
        return [self.rasa_base_port + index for index in range(self.rasa_instances)]

    def action_ports(self) -> List[int]:
        return [self.action_base_port + index for index in range(self.action_instances)]

    def gate_ports(self) -> List[int]:
        return [self.gate_base_port + index for index in range(self.gate_instances)]

    @model_validator(mode="after")
    def _certificate_with_its_key(self) -> FleetSettings:
        if (self.tls_certificate is None) != (self.tls_key is None):
            raise ValueError("fleet.tls_certificate and fleet.tls_key go together")
        return self

    @property
    def redis_url(self) -> str:
        """Without the password, which comes from redis_password_env."""
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def database_url(self, password: str) -> str:
        return f"postgresql://{self.db_user}:{password}@127.0.0.1:{self.postgres_port}/{self.database}"


class CardReaderSettings(_Frozen):
    """The resident ID card reader (GA/T 467, serial or USB-serial)."""

    enabled: bool = False
    port: str = Field("/dev/ttyUSB0", min_length=1)  # a device path or any pyserial URL
    baud_rate: int = Field(115200, ge=1200, le=921600)


class DevicesSettings(_Frozen):
    card_reader: CardReaderSettings = CardReaderSettings()


class PathSettings(_Frozen):
    data_dir: str
    log_dir: str


class SupervisorSettings(_Frozen):
    health_timeout_seconds: float = Field(..., gt=0)
    restart_backoff_seconds: List[float]


class Settings(_Frozen):
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
STAFF_KEYS = {"kiosk": ("text_scale_index", "idle_seconds", "fullscreen"), "speech": ("rate_cpm", "volume")}
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
