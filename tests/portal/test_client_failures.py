"""The client against a portal that is away, failing or slow: clear errors, bounded waits,
and retries only where repeating a call cannot do harm."""

from __future__ import annotations

import uuid

import pytest

from portal.client import PortalClient
from portal.errors import PortalRefused, PortalUnavailable
from tests.portal.conftest import DEMO_ID
from tests.portal.test_contract import a_case
from tests.stack import free_port


def test_unreachable_portal_is_unavailable():
    client = PortalClient(f"http://127.0.0.1:{free_port()}", "key", connect_timeout=0.5, read_timeout=0.5,
                          retries=2, backoff=0.01)
    with pytest.raises(PortalUnavailable) as error:
        client.halls()
    assert error.value.code == "unreachable"


def test_500_is_retried_for_reads_only(client, raw):
    raw.faults(error_rate=1.0)
    before = raw.count("GET v1/halls")
    with pytest.raises(PortalUnavailable):
        client.halls()
    assert raw.count("GET v1/halls") - before == 1 + client.retries
    before = raw.count("POST v1/identity/verify")
    with pytest.raises(PortalUnavailable):
        client.verify_identity(DEMO_ID, name="张桂英")  # counts towards the lock: never repeated
    assert raw.count("POST v1/identity/verify") - before == 1


def test_submission_with_a_key_is_retried_and_makes_one_case(client, raw):
    raw.faults(error_rate=1.0)
    key = uuid.uuid4().hex
    before = raw.count("POST v1/hotline/cases")
    with pytest.raises(PortalUnavailable):
        client.submit_case(a_case(), key)
    assert raw.count("POST v1/hotline/cases") - before == 1 + client.retries
    raw.faults(error_rate=0.0)
    first = client.submit_case(a_case(), key)
    assert first.created and client.submit_case(a_case(), key).case_number == first.case_number


def test_slow_portal_times_out(client, raw):
    raw.faults(latency_ms=int(client.timeout[1] * 1000) + 800)
    with pytest.raises(PortalUnavailable) as error:
        client.policy("senior-card")
    assert error.value.code == "timeout"


def test_portal_down_for_maintenance(client, raw):
    raw.faults(down=True)
    with pytest.raises(PortalUnavailable) as error:
        client.search_policies("高龄补贴")
    assert error.value.code == "unavailable"


def test_refusals_are_not_retried(client, raw):
    before = raw.count("POST v1/identity/challenge")
    with pytest.raises(PortalRefused):
        client.identity_challenge("360702195003121225")
    assert raw.count("POST v1/identity/challenge") - before == 1
