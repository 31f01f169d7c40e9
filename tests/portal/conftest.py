"""Portal tests run the typed client and raw HTTP against a real sandbox process."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests

from portal.client import PortalClient

DEMO_ID = "360702195003121226"  # 张桂英
DEMO_NAME = "张桂英"
DEMO_PHONE = "13807971234"


def demo_resident(index: int):
    """(identity number, name, phone) of one of the sandbox's fixed demo residents."""
    from common import idnumber
    from portal.sandbox.seed import DEMO_RESIDENTS

    name, area, born, sequence, phone, _cents = DEMO_RESIDENTS[index]
    return idnumber.make(area, born, sequence), name, phone


class Raw:
    """Plain requests to the sandbox, for checking status codes and bodies exactly."""

    def __init__(self, stack) -> None:
        self.url = stack.settings.portal.url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {stack.portal_key}"

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

    def token(self, id_number: str = DEMO_ID, name: str = DEMO_NAME) -> str:
        answer = self.post("/v1/identity/verify", json={"id_number": id_number, "name": name})
        answer.raise_for_status()
        return answer.json()["token"]


@pytest.fixture(scope="session")
def raw(sandbox) -> Raw:
    return Raw(sandbox)


@pytest.fixture
def client(sandbox, raw) -> Iterator[PortalClient]:
    portal = PortalClient(sandbox.settings.portal.url, sandbox.portal_key, connect_timeout=1.0,
                          read_timeout=2.0, retries=2, backoff=0.05)
    yield portal
    portal.close()
    raw.faults(latency_ms=0, error_rate=0.0, down=False)


@pytest.fixture
def token(raw) -> str:
    return raw.token()
