"""Settings of the services a kiosk talks to: the dialogue (Rasa and the action server), the
portal, the centre console and a city's fleet. Part of the one validated settings model
(config/settings.py), kept apart so each file stays readable."""

from __future__ import annotations

from typing import List, Literal, Optional

from pydantic import Field, model_validator

from config.kiosk_settings import Frozen


class DialogueSettings(Frozen):
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


class PortalSettings(Frozen):
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


class ConsoleSettings(Frozen):
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


class FleetSettings(Frozen):
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
    # A turn's lock ticket lives this long unless renewed (its turn renews it while it runs):
    # how long a killed instance can hold up its conversations (nlu/stores/lock_store.py).
    lock_lifetime_seconds: int = Field(5, ge=2, le=120)
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


