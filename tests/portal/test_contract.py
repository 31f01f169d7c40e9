"""Every endpoint, through the typed client and as raw HTTP checked against openapi.yaml."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from common.numbers import is_valid_case_number
from portal.errors import PortalNotFound, PortalRefused
from portal.models import CaseRequest
from tests.portal.conftest import demo_resident
from tests.portal.contract import check


def next_weekday() -> date:
    day = date.today() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def a_case(**changes) -> CaseRequest:
    fields = dict(category="供水供电", description="楼道的灯坏了，晚上看不见路。", place="文明大道18号",
                  district="章贡区", contact_phone="13912345678")
    fields.update(changes)
    return CaseRequest(**fields)


def test_health(raw):
    check("/v1/health", "get", raw.get("/v1/health"))


def test_pension_payments_and_certification(client, raw, token):
    payments = client.pension_payments(token, months=12)
    assert len(payments) == 12 and payments[0].month > payments[-1].month
    assert all(p.amount > Decimal("1000") for p in payments)
    certification = client.pension_certification(token)
    assert certification.status in ("done", "due", "overdue") and certification.ways
    check("/v1/pension/payments", "get", raw.get("/v1/pension/payments", headers={"X-Resident-Token": token}))
    check("/v1/pension/certification", "get",
          raw.get("/v1/pension/certification", headers={"X-Resident-Token": token}))


def test_medical_account(client, raw, token):
    account = client.medical_account(token)
    assert account.contributions_total == sum(c.amount for c in account.contributions)
    assert all(r.reimbursed + r.self_paid == r.total for r in account.reimbursements)
    check("/v1/medical/account", "get", raw.get("/v1/medical/account", headers={"X-Resident-Token": token}))


def test_hotline_submit_follow_rate(client, raw, token, kiosk):
    key = uuid.uuid4().hex
    case = client.submit_case(a_case(contact_phone="13912345678"), key, kiosk, token=token)
    assert case.status == "已受理" and case.masked_phone == "139 **** 5678" and case.created
    assert is_valid_case_number(case.case_number)
    again = client.submit_case(a_case(contact_phone="13912345678"), key, kiosk, token=token)
    assert again.case_number == case.case_number and again.created is False
    assert client.follow_case(case.case_number, token, kiosk).case_number == case.case_number
    assert client.my_cases(token, kiosk)[0].case_number == case.case_number  # newest first
    with pytest.raises(PortalRefused) as refused:
        client.rate_case(case.case_number, 5, "", token, kiosk)
    assert refused.value.code == "case_not_closed"
    for _ in range(3):
        raw.post(f"/v1/_sandbox/cases/{case.case_number}/advance").raise_for_status()
    closed = client.follow_case(case.case_number, token, kiosk)
    assert [e.status for e in closed.timeline] == ["已受理", "已转办", "办理中", "已办结"]
    rated = client.rate_case(case.case_number, 4, "修得很快", token, kiosk)
    assert rated.rating.score == 4 and rated.rating.comment == "修得很快"  # the resident's words come back
    assert client.rate_case(case.case_number, 4, "修得很快", token, kiosk).rating.score == 4
    with pytest.raises(PortalRefused) as twice:
        client.rate_case(case.case_number, 1, "", token, kiosk)
    assert twice.value.code == "already_rated"
    body = {"category": "其他", "description": "公交站没有遮雨棚。", "place": "人民路", "district": "于都县",
            "contact_phone": "13912345678"}
    headers = {"X-Resident-Token": token, "X-Kiosk-Id": kiosk}
    check("/v1/hotline/cases", "post", raw.post("/v1/hotline/cases", json=body,
                                                 headers={"Idempotency-Key": uuid.uuid4().hex, **headers}))
    check("/v1/hotline/cases", "get", raw.get("/v1/hotline/cases", headers=headers))
    check("/v1/hotline/cases/{case_number}", "get", raw.get(f"/v1/hotline/cases/{case.case_number}", headers=headers))
    check("/v1/hotline/cases/{case_number}/rating", "post",
          raw.post(f"/v1/hotline/cases/{case.case_number}/rating", json={"score": 4, "comment": "修得很快"},
                   headers=headers))


def test_same_key_different_request_is_a_conflict(client, kiosk):
    key = uuid.uuid4().hex
    client.submit_case(a_case(), key, kiosk)
    with pytest.raises(PortalRefused) as conflict:
        client.submit_case(a_case(description="完全不同的一件事。"), key, kiosk)
    assert conflict.value.code == "idempotency_conflict"


def test_demo_resident_has_a_closed_case_to_rate(client, token, kiosk):
    """Lessons and the dialogue's tests use these: 张桂英 has a closed, unrated case and an open one."""
    cases = client.my_cases(token, kiosk)
    assert any(c.closed and c.rating is None for c in cases)
    assert any(not c.closed for c in cases)
    assert all(is_valid_case_number(c.case_number) for c in cases)


def test_halls_slots_book_and_cancel(client, raw, token):
    halls = client.halls("于都县")
    assert len(halls) == 1 and halls[0].district == "于都县"
    assert len(client.halls()) == 18
    day = next_weekday()
    slots = client.slots(halls[0].hall_id, day)
    assert slots and all(s.remaining > 0 for s in slots)
    key = uuid.uuid4().hex
    booked = client.book_appointment(token, halls[0].hall_id, day, slots[0].start, "社保业务", key)
    assert booked.status == "booked" and "身份证" in booked.materials
    assert client.book_appointment(token, halls[0].hall_id, day, slots[0].start, "社保业务", key) == booked
    check("/v1/appointments", "post", raw.post("/v1/appointments", headers={"X-Resident-Token": token,
          "Idempotency-Key": key}, json={"hall_id": halls[0].hall_id, "date": day.isoformat(),
                                         "start": slots[0].start, "service": "社保业务"}))
    assert client.slots(halls[0].hall_id, day)[0].remaining == slots[0].remaining - 1
    assert booked.appointment_id in [a.appointment_id for a in client.appointments(token)]
    cancelled = client.cancel_appointment(token, booked.appointment_id)
    assert cancelled.status == "cancelled"
    assert client.cancel_appointment(token, booked.appointment_id).status == "cancelled"
    assert client.slots(halls[0].hall_id, day)[0].remaining == slots[0].remaining
    check("/v1/halls", "get", raw.get("/v1/halls"))
    check("/v1/halls/{hall_id}/slots", "get", raw.get(f"/v1/halls/{halls[0].hall_id}/slots",
                                                      params={"date": day.isoformat()}))
    check("/v1/appointments", "get", raw.get("/v1/appointments", headers={"X-Resident-Token": token}))


def test_a_full_slot_is_refused(client, raw):
    day = next_weekday() + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    token = raw.token(demo_resident(2)[0])
    for _ in range(4):
        client.book_appointment(token, "H02", day, "16:30", "医保业务", uuid.uuid4().hex)
    with pytest.raises(PortalRefused) as full:
        client.book_appointment(token, "H02", day, "16:30", "医保业务", uuid.uuid4().hex)
    assert full.value.code == "slot_full"


def test_a_booking_key_is_bound_to_its_request(client, raw, token):
    """The same key with another resident, hall, service, day or time is a 409, never the
    booking the key made (one resident must not be handed another's)."""
    day = next_weekday()
    key = uuid.uuid4().hex
    booked = client.book_appointment(token, "H03", day, "10:00", "社保业务", key)
    other = raw.token(demo_resident(1)[0])
    later = day + timedelta(days=1 if day.weekday() < 4 else 3)
    for changed in [dict(token=other), dict(hall_id="H04"), dict(service="医保业务"), dict(day=later),
                    dict(start="10:30")]:
        request = dict(token=token, hall_id="H03", day=day, start="10:00", service="社保业务", idempotency_key=key)
        request.update(changed)
        with pytest.raises(PortalRefused) as conflict:
            client.book_appointment(**request)
        assert conflict.value.code == "idempotency_conflict", changed
    answer = raw.post("/v1/appointments", headers={"X-Resident-Token": other, "Idempotency-Key": key},
                      json={"hall_id": "H03", "date": day.isoformat(), "start": "10:00", "service": "社保业务"})
    assert answer.status_code == 409 and booked.appointment_id not in answer.text
    check("/v1/appointments", "post", answer)
    assert booked.appointment_id not in [a.appointment_id for a in client.appointments(other)]


@pytest.mark.parametrize("question, expected", [
    ("我八十岁了有没有补贴", "high-age-allowance"),
    ("退休金什么时候涨", "pension-adjustment"),
    ("老人证怎么办", "senior-card"),
    ("医保报销比例是多少", "medical-reimbursement-rate"),
    ("养老资格认证在哪里做", "pension-certification"),
    ("坐公交要不要钱", "bus-concession"),
])
def test_policy_search_finds_plain_answers(client, raw, question, expected):
    results = client.search_policies(question)
    assert results and results[0].id == expected
    check("/v1/policies", "get", raw.get("/v1/policies", params={"q": question}))


def test_policy_search_finds_nothing_for_unrelated_questions(client):
    assert client.search_policies("今天天气怎么样") == []
    with pytest.raises(PortalNotFound):
        client.policy("no-such-policy")


def test_every_sandbox_route_is_in_the_contract_and_back(tmp_path):
    """The sandbox serves exactly the contract's operations (beside its own /v1/_sandbox/*)."""
    import re

    from portal.sandbox.app import create_app
    from tests.portal.contract import document

    app = create_app(tmp_path / "unused.sqlite3", "key", name="contract_routes")
    served = set()
    for route in app.router.routes:
        path = "/" + re.sub(r"<(\w+)(?::\w+)?>", r"{\1}", route.path)
        if path.startswith("/v1/_sandbox/"):
            continue
        served |= {(path, method.lower()) for method in route.methods if method not in ("HEAD", "OPTIONS")}
    paths = document()["paths"]
    promised = {(re.sub(r"\{\w+\}", "{}", path), method) for path, operations in paths.items()
                for method in operations}
    assert {(re.sub(r"\{\w+\}", "{}", path), method) for path, method in served} == promised
