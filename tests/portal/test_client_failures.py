"""The client against a portal that is away, failing or slow: clear errors, bounded waits,
and retries only where repeating a call cannot do harm."""

from __future__ import annotations

import uuid

import pytest

from portal.client import PortalClient
from portal.errors import PortalRefused, PortalUnavailable
from tests.portal.conftest import DEMO_ID, card_of
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
    card = card_of(DEMO_ID)
    for route, call in [
        ("POST v1/identity/card", lambda: client.verify_card(DEMO_ID, card.name, card.valid_until, "test-failures")),
        ("POST v1/identity/sms-codes", lambda: client.send_sms_code(DEMO_ID, "test-failures")),
        ("POST v1/identity/sms-codes/verify", lambda: client.verify_sms_code(DEMO_ID, "123456", "test-failures")),
    ]:  # each counts towards a limit (and a code is a message sent): never repeated
        before = raw.count(route)
        with pytest.raises(PortalUnavailable):
            call()
        assert raw.count(route) - before == 1, route


def test_calls_the_portal_makes_idempotent_are_retried(client, raw):
    raw.faults(error_rate=1.0)
    for route, call in [
        ("POST v1/identity/staff-checks", lambda: client.request_staff_check(DEMO_ID, "test-failures")),
        ("POST v1/identity/staff-checks/<check_id:str>/decision",
         lambda: client.decide_staff_check("some-check-id", "staff.wang", True)),
    ]:
        before = raw.count(route)
        with pytest.raises(PortalUnavailable):
            call()
        assert raw.count(route) - before == 1 + client.retries, route


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
    before = raw.count("POST v1/identity/staff-checks")
    with pytest.raises(PortalRefused):
        client.request_staff_check("360702195003121225", "test-failures")  # wrong check digit
    assert raw.count("POST v1/identity/staff-checks") - before == 1


def test_the_kiosk_id_travels_with_every_call(sandbox, raw):
    """A client built for one kiosk sends its id unless a call names another."""
    from portal.client import PortalClient

    portal = PortalClient(sandbox.settings.portal.url, sandbox.portal_key, kiosk_id="test-default-kiosk")
    try:
        asked = portal.request_staff_check(DEMO_ID, None)  # type: ignore[arg-type]
        assert raw.sql("SELECT kiosk_id FROM staff_checks WHERE check_id=?", asked.check_id) == \
            [("test-default-kiosk",)]
        other = portal.request_staff_check(DEMO_ID, "test-named-kiosk")
        assert raw.sql("SELECT kiosk_id FROM staff_checks WHERE check_id=?", other.check_id) == [("test-named-kiosk",)]
    finally:
        portal.close()
