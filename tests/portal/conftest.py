"""Portal tests run the typed client and raw HTTP against a real sandbox process."""

from __future__ import annotations

import itertools
import sqlite3
import uuid
from datetime import date
from functools import lru_cache
from typing import Dict, Iterator, Optional, Tuple

import pytest
import requests

from common import idnumber
from kiosk.devices.id_card import IdCard
from portal.client import PortalClient
from portal.sandbox.server import database_path

DEMO_ID = "360702195003121226"  # 张桂英
DEMO_NAME = "张桂英"
DEMO_PHONE = "13807971234"
TEST_KIOSK = "test-kiosk-1"

# Seeded residents handed to tests that need a number nobody else touches (their limits and
# locks are theirs alone); other test modules pick theirs at offsets 50 and 70.
_FRESH = itertools.count(100)
# Well-formed numbers of nobody in the sandbox (a Beijing area code).
_STRANGERS = itertools.count(1)


def demo_resident(index: int):
    """(identity number, name, phone) of one of the sandbox's fixed demo residents."""
    from portal.sandbox.seed import DEMO_RESIDENTS

    name, area, born, sequence, phone, _cents = DEMO_RESIDENTS[index]
    return idnumber.make(area, born, sequence), name, phone


@lru_cache(maxsize=1)
def _cards() -> Dict[str, IdCard]:
    from portal.sandbox.cards import sandbox_cards

    return {card.id_number: card for card in sandbox_cards()}


def card_of(id_number: str) -> IdCard:
    """The sandbox resident's ID card, as the simulated reader would read it today."""
    return _cards()[id_number]


def a_stranger() -> str:
    """A valid identity number that belongs to nobody in the sandbox."""
    return idnumber.make("110101", date(1940, 1, 1), next(_STRANGERS) * 2 + 1)


def new_kiosk() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


class Raw:
    """Plain requests to the sandbox, for checking status codes and bodies exactly."""

    def __init__(self, stack) -> None:
        self.url = stack.settings.portal.url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {stack.portal_key}"
        self.db_path = database_path(stack.settings)

    def get(self, path: str, **kwargs):
        return self.session.get(self.url + path, timeout=10, **kwargs)

    def post(self, path: str, **kwargs):
        return self.session.post(self.url + path, timeout=10, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.session.delete(self.url + path, timeout=10, **kwargs)

    def faults(self, **faults) -> None:
        self.post("/v1/_sandbox/faults", json=faults).raise_for_status()

    def count(self, route: str) -> int:
        return int(self.get("/v1/_sandbox/stats").json().get(route, 0))

    def card(self, id_number: str = DEMO_ID, kiosk: str = TEST_KIOSK, name: Optional[str] = None,
             valid_until: Optional[str] = "") -> requests.Response:
        """POST /v1/identity/card with the resident's own card, or with what is given."""
        card = _cards().get(id_number)
        if valid_until == "":
            valid_until = card.valid_until.isoformat() if card and card.valid_until else None
        body = {"id_number": id_number, "name": name if name is not None else (card.name if card else "王小明"),
                "valid_until": valid_until}
        return self.post("/v1/identity/card", json=body, headers={"X-Kiosk-Id": kiosk})

    def token(self, id_number: str = DEMO_ID) -> str:
        """A resident token, by the resident's card on a test kiosk."""
        answer = self.card(id_number, kiosk=new_kiosk())
        answer.raise_for_status()
        return answer.json()["token"]

    def sql(self, query: str, *args) -> list:
        with sqlite3.connect(self.db_path) as db:
            return db.execute(query, args).fetchall()

    def fresh_resident(self) -> Tuple[str, str, str]:
        """(identity number, name, phone) of a seeded resident no other test uses."""
        demo = [demo_resident(index)[0] for index in range(4)]
        [(number, name, phone)] = self.sql("SELECT id_number, name, phone FROM residents WHERE id_number NOT IN "
                                           "(?, ?, ?, ?) ORDER BY id_number LIMIT 1 OFFSET ?", *demo, next(_FRESH))
        return number, name, phone


@pytest.fixture(scope="session")
def raw(sandbox) -> Raw:
    return Raw(sandbox)


@pytest.fixture
def client(sandbox, raw) -> Iterator[PortalClient]:
    portal = PortalClient(sandbox.settings.portal.url, sandbox.portal_key, connect_timeout=1.0,
                          read_timeout=2.0, retries=2, backoff=0.05, kiosk_id=TEST_KIOSK)
    yield portal
    portal.close()
    raw.faults(latency_ms=0, error_rate=0.0, down=False)


@pytest.fixture
def kiosk() -> str:
    """A kiosk id of this test's own, so per-kiosk limits start from nothing."""
    return new_kiosk()


@pytest.fixture
def token(raw) -> str:
    return raw.token()
