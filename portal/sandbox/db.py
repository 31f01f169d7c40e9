"""The sandbox's SQLite database: schema, seeding and the connection it hands to handlers.

One file under the data folder; `reset` rebuilds it from the seed so a guided lesson always
starts from the same fictional city.
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator, Optional

from portal.sandbox import seed, seed_family, seed_services

SEED = 20261124
RESIDENT_COUNT = 300

SCHEMA = """
CREATE TABLE IF NOT EXISTS residents (
    id_number TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    district_code TEXT NOT NULL,
    monthly_pension_cents INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pension_payments (
    id_number TEXT NOT NULL REFERENCES residents(id_number),
    month TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    paid_on TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (id_number, month)
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    id_number TEXT NOT NULL,
    expires_at REAL NOT NULL,
    method TEXT NOT NULL,  -- card | sms | staff
    kiosk_id TEXT NOT NULL,
    staff_account TEXT  -- who confirmed, for method staff
);
CREATE TABLE IF NOT EXISTS verifications (  -- the resident's record of every way in that worked
    id INTEGER PRIMARY KEY,
    id_number TEXT NOT NULL, method TEXT NOT NULL, kiosk_id TEXT NOT NULL, staff_account TEXT,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sms_messages (  -- what the pretend gateway "sent"
    id INTEGER PRIMARY KEY,
    phone TEXT NOT NULL, text TEXT NOT NULL, sent_at REAL NOT NULL, purpose TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS sms_messages_phone ON sms_messages(phone);
CREATE TABLE IF NOT EXISTS sms_codes (  -- one per number (hashed), resident or not
    subject TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL, sent_at REAL NOT NULL, expires_at REAL NOT NULL,
    failures INTEGER NOT NULL, kiosk_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS identity_locks (subject TEXT PRIMARY KEY, locked_until REAL NOT NULL);
CREATE TABLE IF NOT EXISTS limit_events (event TEXT NOT NULL, subject TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS limit_events_subject ON limit_events(event, subject, at);
CREATE INDEX IF NOT EXISTS limit_events_at ON limit_events(at);
CREATE TABLE IF NOT EXISTS staff_checks (
    check_id TEXT PRIMARY KEY,
    id_number TEXT NOT NULL, kiosk_id TEXT NOT NULL,
    created_at REAL NOT NULL, expires_at REAL NOT NULL,
    status TEXT NOT NULL,  -- waiting | confirmed | refused
    decided_by TEXT, decided_at REAL,
    token TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS medical_accounts (
    id_number TEXT PRIMARY KEY REFERENCES residents(id_number),
    balance_cents INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS medical_contributions (
    id_number TEXT NOT NULL, month TEXT NOT NULL, amount_cents INTEGER NOT NULL,
    PRIMARY KEY (id_number, month)
);
CREATE TABLE IF NOT EXISTS reimbursements (
    id_number TEXT NOT NULL, day TEXT NOT NULL, hospital TEXT NOT NULL,
    total_cents INTEGER NOT NULL, reimbursed_cents INTEGER NOT NULL, self_paid_cents INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS certifications (
    id_number TEXT PRIMARY KEY, last_done TEXT NOT NULL, due_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hotline_cases (
    case_number TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_hash TEXT NOT NULL,
    category TEXT NOT NULL, description TEXT NOT NULL, place TEXT NOT NULL,
    district TEXT NOT NULL, contact_phone TEXT NOT NULL,
    rating_score INTEGER, rating_comment TEXT,
    reporter_id_number TEXT,  -- the verified resident who reported it; NULL: the contact phone's owner
    kiosk_id TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS hotline_cases_phone ON hotline_cases(contact_phone);
CREATE INDEX IF NOT EXISTS hotline_cases_reporter ON hotline_cases(reporter_id_number);
CREATE TABLE IF NOT EXISTS case_events (
    case_number TEXT NOT NULL REFERENCES hotline_cases(case_number),
    step INTEGER NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL, department TEXT NOT NULL,
    PRIMARY KEY (case_number, step)
);
CREATE TABLE IF NOT EXISTS halls (
    hall_id TEXT PRIMARY KEY, name TEXT NOT NULL, district TEXT NOT NULL, address TEXT NOT NULL,
    phone TEXT NOT NULL, hours TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS appointments (
    appointment_id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_hash TEXT NOT NULL,
    id_number TEXT NOT NULL, hall_id TEXT NOT NULL REFERENCES halls(hall_id),
    day TEXT NOT NULL, start TEXT NOT NULL, service TEXT NOT NULL, status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS policies (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, keywords TEXT NOT NULL, answer TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS family_members (  -- the household as registered: the member, as the resident calls them
    id_number TEXT NOT NULL, member_id_number TEXT NOT NULL, relationship TEXT NOT NULL,
    member_id TEXT NOT NULL UNIQUE,  -- the opaque id a kiosk is given instead of the number
    PRIMARY KEY (id_number, member_id_number)
);
CREATE TABLE IF NOT EXISTS contribution_dues (  -- yearly residents' insurance contributions
    due_id TEXT PRIMARY KEY, id_number TEXT NOT NULL, kind TEXT NOT NULL,  -- medical | pension
    year INTEGER NOT NULL, amount_cents INTEGER NOT NULL, due_by TEXT NOT NULL,
    paid_on TEXT NOT NULL, paid_order TEXT,  -- '' and NULL until paid
    UNIQUE (id_number, kind, year)
);
CREATE TABLE IF NOT EXISTS payment_lookups (  -- paying for someone else: their number behind an opaque id
    lookup_id TEXT PRIMARY KEY, id_number TEXT NOT NULL, kiosk_id TEXT NOT NULL, expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS payment_orders (
    order_id TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, request_hash TEXT NOT NULL,
    id_number TEXT NOT NULL,  -- whose contributions
    payer TEXT NOT NULL,  -- self | member | other | proxy
    payer_id_number TEXT,  -- the verified payer; NULL when anyone pays for someone else
    authorisation_id TEXT,  -- a relative acting for the resident (代办)
    amount_cents INTEGER NOT NULL, kiosk_id TEXT NOT NULL, pay_token TEXT NOT NULL,
    created_at REAL NOT NULL, consented_at REAL NOT NULL, expires_at REAL NOT NULL,
    status TEXT NOT NULL,  -- waiting | paid | cancelled; a waiting order past expires_at is expired
    paid_at REAL, cancelled_reason TEXT
);
CREATE TABLE IF NOT EXISTS payment_order_dues (
    order_id TEXT NOT NULL REFERENCES payment_orders(order_id),
    due_id TEXT NOT NULL REFERENCES contribution_dues(due_id),
    PRIMARY KEY (order_id, due_id)
);
CREATE TABLE IF NOT EXISTS payments (  -- money received: at most one payment per due, ever
    due_id TEXT PRIMARY KEY REFERENCES contribution_dues(due_id),
    order_id TEXT NOT NULL REFERENCES payment_orders(order_id),
    amount_cents INTEGER NOT NULL, paid_at REAL NOT NULL, channel TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS authorisations (  -- an elder lets a relative act for them (代办)
    authorisation_id TEXT PRIMARY KEY,
    principal TEXT NOT NULL, agent TEXT NOT NULL,  -- identity numbers
    relationship TEXT NOT NULL,  -- the agent, as the principal calls them (女儿)
    scopes TEXT NOT NULL,  -- comma-separated: query, certification_reminder, payment
    days INTEGER NOT NULL, created_at REAL NOT NULL, valid_until TEXT,  -- set once confirmed
    status TEXT NOT NULL,  -- pending | active | withdrawn | void
    kiosk_id TEXT NOT NULL, principal_method TEXT NOT NULL,
    code_hash TEXT NOT NULL, code_expires_at REAL NOT NULL, code_failures INTEGER NOT NULL,
    confirmed_at REAL, withdrawn_at REAL
);
CREATE INDEX IF NOT EXISTS authorisations_agent ON authorisations(agent, status);
CREATE TABLE IF NOT EXISTS proxy_tokens (  -- a relative's token for the elder, within the scopes
    token TEXT PRIMARY KEY, authorisation_id TEXT NOT NULL, agent TEXT NOT NULL, expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS proxy_log (  -- every proxy action, told to the elder afterwards
    id INTEGER PRIMARY KEY, authorisation_id TEXT NOT NULL, principal TEXT NOT NULL, agent TEXT NOT NULL,
    action TEXT NOT NULL, detail TEXT NOT NULL, at REAL NOT NULL, kiosk_id TEXT NOT NULL, told_at REAL
);
CREATE INDEX IF NOT EXISTS proxy_log_principal ON proxy_log(principal, told_at);
"""


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(str(path), timeout=10, isolation_level=None)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def schema_version() -> str:
    return hashlib.sha256(SCHEMA.encode("utf-8")).hexdigest()[:16]


def is_seeded(connection: sqlite3.Connection) -> bool:
    """Seeded, and by this version's schema (a sandbox left by an older version is rebuilt)."""
    row = connection.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'"
    ).fetchone()
    if row is None:
        return False
    version = connection.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    return version is not None and version[0] == schema_version()


def reset(path: Path, today: Optional[date] = None) -> None:
    """Delete the database and build it again from the seed."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    ensure(path, today)


def ensure(path: Path, today: Optional[date] = None) -> None:
    """Create and seed the database unless it already holds a seeded city."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connect(path)
    try:
        if is_seeded(connection):
            return
        if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            connection.close()
            for suffix in ("", "-wal", "-shm"):  # fictional data from an older version
                Path(str(path) + suffix).unlink(missing_ok=True)
            connection = connect(path)
        connection.executescript(SCHEMA)
        _seed(connection, today or date.today())
    finally:
        connection.close()


def _seed(connection: sqlite3.Connection, today: date) -> None:
    residents = seed.generate(RESIDENT_COUNT, SEED, today)
    with transaction(connection):
        for resident in residents:
            connection.execute(
                "INSERT INTO residents VALUES (?, ?, ?, ?, ?)",
                (resident.id_number, resident.name, resident.phone, resident.district_code,
                 resident.monthly_pension_cents),
            )
            connection.executemany(
                "INSERT INTO pension_payments VALUES (?, ?, ?, ?, ?)",
                [(resident.id_number, p.month, p.amount_cents, p.paid_on, p.status)
                 for p in resident.payments],
            )
        seed_services.into(connection, residents, today)
        seed_family.into(connection, residents, today)
        connection.execute("INSERT INTO meta VALUES ('seeded_on', ?)", (today.isoformat(),))
        connection.execute("INSERT INTO meta VALUES ('schema', ?)", (schema_version(),))
