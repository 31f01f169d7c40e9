"""Authorisations (代办) over real HTTP: both verified (the elder's token, the relative's code to
their own phone), what a proxy token may and may not do at the portal, the proxy log the
elder is told from, and withdrawing."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from portal.errors import PortalNotFound, PortalRefused
from portal.transport import attempts_left
from tests.portal.conftest import demo_resident
from tests.portal.contract import check


def code_for(client, agent: str) -> str:
    return next(m.code for m in client.sandbox_sms(id_number=agent) if m.purpose == "authorisation_code")


def authorised(client, raw, kiosk, scopes=("query", "payment"), days=30, with_open_dues=False):
    """A fresh elder (with a contribution still to pay, if asked) and relative, the authorisation
    confirmed: (elder token, agent number, agent token, authorisation)."""
    elder, _name, _phone = raw.fresh_resident()
    while with_open_dues and not raw.sql("SELECT 1 FROM contribution_dues WHERE id_number=? AND paid_on=''", elder):
        elder, _name, _phone = raw.fresh_resident()  # the seed's random residents: some have paid
    agent, _agent_name, _agent_phone = raw.fresh_resident()
    token = raw.token(elder)
    pending = client.authorise(token, agent, "女儿", list(scopes), days, kiosk)
    active = client.confirm_authorisation(token, pending.authorisation_id, code_for(client, agent), kiosk)
    return token, agent, raw.token(agent), active


def test_both_verified_then_active_for_the_days_chosen(client, raw, kiosk):
    elder, _name, _phone = raw.fresh_resident()
    agent, agent_name, agent_phone = raw.fresh_resident()
    token = raw.token(elder)
    answer = raw.post("/v1/family/authorisations", headers={"X-Resident-Token": token, "X-Kiosk-Id": kiosk},
                      json={"agent_id_number": agent, "relationship": "儿子", "scopes": ["query"], "days": 90})
    pending = check("/v1/family/authorisations", "post", answer)
    assert pending["status"] == "pending" and pending["valid_until"] is None
    assert pending["masked_name"] == agent_name[0] + "*" * (len(agent_name) - 2) + agent_name[-1]
    [message] = [m for m in client.sandbox_sms(phone=agent_phone) if m.purpose == "authorisation_code"]
    assert "查询" in message.text and "90天" in message.text
    assert client.principals(raw.token(agent)) == []  # not before the relative's code
    confirmed = raw.post(f"/v1/family/authorisations/{pending['authorisation_id']}/confirm",
                         headers={"X-Resident-Token": token, "X-Kiosk-Id": kiosk}, json={"code": message.code})
    active = check("/v1/family/authorisations/{authorisation_id}/confirm", "post", confirmed)
    assert active["status"] == "active" and active["valid_until"] == (date.today() + timedelta(days=90)).isoformat()
    assert [a.authorisation_id for a in client.authorisations(token)] == [pending["authorisation_id"]]
    [principal] = client.principals(raw.token(agent))
    assert principal.relationship == "儿子" and principal.scopes == ["query"]
    check("/v1/family/authorisations", "get", raw.get("/v1/family/authorisations",
                                                      headers={"X-Resident-Token": token}))
    check("/v1/family/principals", "get", raw.get("/v1/family/principals",
                                                  headers={"X-Resident-Token": raw.token(agent)}))


def test_wrong_codes_void_the_request(client, raw, kiosk):
    elder, *_ = raw.fresh_resident()
    agent, *_ = raw.fresh_resident()
    token = raw.token(elder)
    pending = client.authorise(token, agent, "女儿", ["query"], 30, kiosk)
    wrong = f"{(int(code_for(client, agent)) + 1) % 1_000_000:06d}"
    for left in (2, 1):
        with pytest.raises(PortalRefused) as refused:
            client.confirm_authorisation(token, pending.authorisation_id, wrong, kiosk)
        assert refused.value.code == "identity_mismatch" and attempts_left(refused.value) == left
    with pytest.raises(PortalRefused) as locked:
        client.confirm_authorisation(token, pending.authorisation_id, wrong, kiosk)
    assert locked.value.code == "too_many_attempts"
    with pytest.raises(PortalRefused) as closed:  # even the right code now
        client.confirm_authorisation(token, pending.authorisation_id, code_for(client, agent), kiosk)
    assert closed.value.code == "authorisation_closed"


def test_only_a_resident_may_be_authorised_and_not_oneself(client, raw, kiosk):
    from tests.portal.conftest import a_stranger

    elder, *_ = raw.fresh_resident()
    token = raw.token(elder)
    with pytest.raises(PortalNotFound) as unknown:
        client.authorise(token, a_stranger(), "儿子", ["query"], 30, kiosk)
    assert unknown.value.code == "agent_not_found"
    with pytest.raises(PortalRefused) as oneself:
        client.authorise(token, elder, "儿子", ["query"], 30, kiosk)
    assert oneself.value.code == "agent_is_principal"
    with pytest.raises(PortalRefused) as forever:
        client.authorise(token, raw.fresh_resident()[0], "儿子", ["query"], 5000, kiosk)
    assert forever.value.code == "invalid_days"


def test_a_proxy_token_opens_only_what_was_authorised(client, raw, kiosk):
    _elder_token, _agent, agent_token, active = authorised(client, raw, kiosk, scopes=("query",))
    proxy = client.proxy_token(agent_token, active.authorisation_id, kiosk)
    check("/v1/family/proxy-tokens", "post", raw.post(
        "/v1/family/proxy-tokens", json={"authorisation_id": active.authorisation_id},
        headers={"X-Resident-Token": agent_token, "X-Kiosk-Id": kiosk}))
    assert client.pension_payments(proxy.token)  # the elder's pension: query
    assert client.medical_account(proxy.token).balance >= 0
    headers = {"X-Resident-Token": proxy.token, "X-Kiosk-Id": kiosk}
    refused = [raw.post("/v1/pension/certification", headers=headers),  # a certification is the elder's own
               raw.post("/v1/appointments", headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                        json={"hall_id": "H01", "date": date.today().isoformat(), "start": "09:00",
                              "service": "社保业务"}),
               raw.get("/v1/family/authorisations", headers=headers),
               raw.get("/v1/family/members", headers=headers),
               raw.post("/v1/payments/orders", headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                        json={"for": "self", "due_ids": ["D1"], "consent": True}),  # payment: not authorised
               raw.get("/v1/hotline/cases", headers=headers)]
    assert [(r.status_code, r.json()["error"]["code"]) for r in refused] == [(403, "proxy_not_allowed")] * 6
    check("/v1/family/members", "get", refused[3])


def test_every_proxy_use_is_in_the_elders_log_until_told(client, raw, kiosk):
    elder_token, agent, agent_token, active = authorised(client, raw, kiosk, scopes=("query", "payment"),
                                                         with_open_dues=True)
    proxy = client.proxy_token(agent_token, active.authorisation_id, kiosk)
    client.pension_payments(proxy.token)
    dues = client.dues(proxy.token)
    order = client.create_order([dues.open[0].due_id], uuid.uuid4().hex, kiosk, token=proxy.token)
    assert raw.sql("SELECT payer, payer_id_number FROM payment_orders WHERE order_id=?", order.order_id) == [
        ("proxy", agent)]
    client.sandbox_pay(order.pay_url)
    log = client.proxy_log(elder_token, untold=True)
    assert [a.detail for a in log] == ["查了养老金", "查了要交的保费", f"交了{order.what}{order.amount}元"]
    assert all(a.relationship == "女儿" and not a.told for a in log)
    check("/v1/family/proxy-log", "get", raw.get("/v1/family/proxy-log", params={"untold": "true"},
                                                 headers={"X-Resident-Token": elder_token}))
    told = raw.post("/v1/family/proxy-log/told", json={"ids": [a.id for a in log]},
                    headers={"X-Resident-Token": elder_token})
    assert check("/v1/family/proxy-log/told", "post", told)["told"] == 3
    assert client.proxy_log(elder_token, untold=True) == []
    assert len(client.proxy_log(elder_token)) == 3  # kept, marked told
    with pytest.raises(PortalRefused) as forbidden:  # a relative cannot read or clear the elder's log
        client.proxy_log(proxy.token)
    assert forbidden.value.code == "proxy_not_allowed"


def test_withdrawing_ends_the_proxy_at_once(client, raw, kiosk):
    elder_token, agent, agent_token, active = authorised(client, raw, kiosk)
    proxy = client.proxy_token(agent_token, active.authorisation_id, kiosk)
    assert client.pension_payments(proxy.token)
    withdrawn = raw.delete(f"/v1/family/authorisations/{active.authorisation_id}",
                           headers={"X-Resident-Token": elder_token})
    assert check("/v1/family/authorisations/{authorisation_id}", "delete", withdrawn)["status"] == "withdrawn"
    with pytest.raises(PortalRefused) as ended:
        client.pension_payments(proxy.token)
    assert ended.value.code == "token_invalid"
    assert client.principals(agent_token) == [] and client.authorisations(elder_token) == []
    assert client.withdraw_authorisation(elder_token, active.authorisation_id).status == "withdrawn"  # twice
    with pytest.raises(PortalNotFound):
        client.proxy_token(agent_token, active.authorisation_id, kiosk)
    with pytest.raises(PortalNotFound):  # somebody else's authorisation: as if it did not exist
        client.withdraw_authorisation(agent_token, active.authorisation_id)


def test_a_new_authorisation_replaces_the_old_one_for_the_same_relative(client, raw, kiosk):
    elder_token, agent, agent_token, first = authorised(client, raw, kiosk, scopes=("query",))
    pending = client.authorise(elder_token, agent, "女儿", ["query", "payment"], 365, kiosk)
    client.confirm_authorisation(elder_token, pending.authorisation_id, code_for(client, agent), kiosk)
    [now] = client.authorisations(elder_token)
    assert now.authorisation_id == pending.authorisation_id and now.scopes == ["query", "payment"]
    assert [p.authorisation_id for p in client.principals(agent_token)] == [pending.authorisation_id]


def test_a_reminder_goes_to_the_relative_when_the_certification_is_due(client, raw, kiosk):
    elder, elder_name, _phone = demo_resident(0)  # 张桂英: due soon (seed_services.certification)
    agent, _name, agent_phone = raw.fresh_resident()
    token = raw.token(elder)
    pending = client.authorise(token, agent, "儿子", ["certification_reminder"], 30, kiosk)
    client.confirm_authorisation(token, pending.authorisation_id, code_for(client, agent), kiosk)
    reminders = [m for m in client.sandbox_sms(phone=agent_phone) if m.purpose == "certification_reminder"]
    assert reminders and "张*英" in reminders[0].text and elder_name not in reminders[0].text
    proxy = client.proxy_token(raw.token(agent), pending.authorisation_id, kiosk)
    assert client.pension_certification(proxy.token).status in ("due", "overdue")
    with pytest.raises(PortalRefused):  # the reminder scope is not a pension query
        client.pension_payments(proxy.token)
    client.withdraw_authorisation(token, pending.authorisation_id)
