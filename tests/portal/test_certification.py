"""The yearly pension certification against the real sandbox: staff certifying in person, the
face check with dlib's real comparison on real photos, reminders, home visits; every answer
through the typed client and checked as raw HTTP against openapi.yaml.

The sandbox is shared by the session's portal tests, so each test takes residents of its own
and puts the demo residents' due dates back as they were.
"""

from __future__ import annotations

import base64
from datetime import date, timedelta
from typing import Callable, Dict, Iterator, List

import pytest

from common.names import mask_name
from kiosk.devices.camera import encode_jpeg
from portal.errors import PortalNotFound, PortalRefused
from tests.portal.conftest import demo_resident, new_kiosk
from tests.portal.contract import check

STAFF = "wang"


@pytest.fixture
def restore_due(client) -> Iterator[Callable[[str], None]]:
    """Keep a resident's due date, to be put back after the test."""
    before: Dict[str, date] = {}

    def _keep(number: str) -> None:
        before[number] = client.sandbox_certification(number).due_date

    yield _keep
    for number, due in before.items():
        client.sandbox_certification_due(number, (due - date.today()).days)


def frames_of(name: str, count: int = 3) -> List[bytes]:
    """JPEG frames of a real photo as the kiosk's camera would take them (placed, shaken)."""
    from tests.kiosk.face import held_photo, place

    return [encode_jpeg(image, quality=85) for image in held_photo(place(name), seconds=0.2, seed=21)[:count]]


def test_status_lists_every_way_and_says_due_within_60_days(client, raw):
    number = raw.fresh_resident()[0]
    token = raw.token(number)
    client.sandbox_certification_due(number, 59)
    status = client.pension_certification(token)
    assert status.status == "due" and {way.way for way in status.ways} >= {"kiosk_face", "community_staff"}
    client.sandbox_certification_due(number, 61)
    assert client.pension_certification(token).status == "done"
    client.sandbox_certification_due(number, -1)
    assert client.pension_certification(token).status == "overdue"
    check("/v1/pension/certification", "get", raw.get("/v1/pension/certification",
                                                      headers={"X-Resident-Token": token}))


def test_nothing_marks_a_resident_certified_on_its_own_say_so(raw, token):
    answer = raw.post("/v1/pension/certification", headers={"X-Resident-Token": token})
    assert answer.status_code == 405  # the old "record a certification" call is gone


def test_staff_confirm_in_person_records_the_way_the_account_and_the_time(client, raw):
    number, name, _phone = raw.fresh_resident()
    token, kiosk = raw.token(number), new_kiosk()
    client.sandbox_certification_due(number, 20)
    asked = client.request_staff_certification(token, kiosk)
    assert client.request_staff_certification(token, kiosk).request_id == asked.request_id  # safe to repeat
    assert client.staff_certification(asked.request_id, kiosk).status == "waiting"
    with pytest.raises(PortalNotFound):
        client.staff_certification(asked.request_id, new_kiosk())  # only the asking kiosk hears of it
    view = client.staff_certification_for_staff(asked.request_id, STAFF)
    assert view.masked_name == mask_name(name) and view.status == "waiting"
    assert number not in view.masked_id_number and view.kiosk_id == kiosk
    with pytest.raises(PortalRefused) as unseen:
        client.decide_staff_certification(asked.request_id, STAFF, True, seen_in_person=False)
    assert unseen.value.code == "seen_in_person_required"
    decided = client.decide_staff_certification(asked.request_id, STAFF, True, seen_in_person=True)
    assert decided.status == "confirmed" and decided.decided_by == STAFF
    assert decided.due_date == date.today() + timedelta(days=365)
    outcome = client.staff_certification(asked.request_id, kiosk)
    assert outcome.status == "confirmed" and outcome.certification.status == "done"
    assert outcome.certification.last_way == "community_staff"
    assert client.decide_staff_certification(asked.request_id, STAFF, True, True) == decided  # same again: nothing new
    with pytest.raises(PortalRefused) as twice:
        client.decide_staff_certification(asked.request_id, "zhao", False, False)
    assert twice.value.code == "already_decided"
    [recorded] = client.sandbox_certification(number).records
    assert (recorded.way, recorded.staff_account, recorded.kiosk_id) == ("community_staff", STAFF, kiosk)
    assert recorded.at.date() == date.today()
    path = "/v1/pension/certification/staff-requests/{request_id}"
    check(path, "get", raw.get(f"/v1/pension/certification/staff-requests/{asked.request_id}",
                               headers={"X-Kiosk-Id": kiosk}))
    check(path + "/staff-view", "get", raw.get(f"/v1/pension/certification/staff-requests/{asked.request_id}"
                                               "/staff-view", headers={"X-Staff-Account": STAFF}))


def test_refused_or_withdrawn_records_nothing(client, raw):
    number = raw.fresh_resident()[0]
    token, kiosk = raw.token(number), new_kiosk()
    refused = client.request_staff_certification(token, kiosk)
    assert client.decide_staff_certification(refused.request_id, STAFF, False, False).status == "refused"
    assert client.staff_certification(refused.request_id, kiosk).certification is None
    withdrawn = client.request_staff_certification(token, kiosk)
    assert withdrawn.request_id != refused.request_id
    answer = raw.delete(f"/v1/pension/certification/staff-requests/{withdrawn.request_id}",
                        headers={"X-Kiosk-Id": kiosk})
    assert check("/v1/pension/certification/staff-requests/{request_id}", "delete", answer)["status"] == "withdrawn"
    with pytest.raises(PortalRefused) as late:
        client.decide_staff_certification(withdrawn.request_id, STAFF, True, True)
    assert late.value.code == "request_withdrawn"
    assert client.sandbox_certification(number).records == []


def test_staff_requests_are_limited_per_resident(client, raw):
    number = raw.fresh_resident()[0]
    token, kiosk = raw.token(number), new_kiosk()
    for _ in range(3):
        asked = client.request_staff_certification(token, kiosk)
        client.withdraw_staff_certification(asked.request_id, kiosk)
    with pytest.raises(PortalRefused) as limited:
        client.request_staff_certification(token, kiosk)
    assert limited.value.code == "too_many_requests" and limited.value.retry_after


def test_face_match_records_a_kiosk_face_certification(client, raw, restore_due):
    number = demo_resident(2)[0]  # 刘秀兰, enrolled with the astronaut photo
    restore_due(number)
    client.sandbox_certification_due(number, 10)
    token, kiosk = raw.token(number), new_kiosk()
    verdict = client.verify_face_for_certification(token, frames_of("astronaut"), "turn_left", kiosk)
    assert verdict.verdict == "match" and verdict.reason == "distance"
    assert verdict.certification.status == "done" and verdict.certification.last_way == "kiosk_face"
    record = client.sandbox_certification(number).records[-1]
    assert (record.way, record.kiosk_id, record.staff_account) == ("kiosk_face", kiosk, None)


def test_a_different_face_does_not_match_and_the_day_has_three(client, raw, restore_due):
    number = demo_resident(2)[0]
    restore_due(number)
    client.sandbox_certification_due(number, 10)  # also forgets earlier face checks
    token, kiosk = raw.token(number), new_kiosk()
    left = []
    for _ in range(3):
        verdict = client.verify_face_for_certification(token, frames_of("hopper"), "turn_right", kiosk)
        assert verdict.verdict == "no_match" and verdict.certification is None
        left.append(verdict.attempts_left)
    assert left == [2, 1, 0]
    with pytest.raises(PortalRefused) as limited:
        client.verify_face_for_certification(token, frames_of("astronaut"), "turn_left", kiosk)
    assert limited.value.code == "too_many_face_checks"
    assert client.pension_certification(token).status == "due"  # nothing was recorded


def test_what_cannot_be_judged_goes_to_staff(client, raw):
    number = raw.fresh_resident()[0]  # no enrolled photo on file
    token, kiosk = raw.token(number), new_kiosk()
    verdict = client.verify_face_for_certification(token, frames_of("astronaut", 1), "turn_left", kiosk)
    assert (verdict.verdict, verdict.reason) == ("needs_staff_review", "no_enrolled_photo")
    frame = base64.b64encode(frames_of("astronaut", 1)[0]).decode()
    answer = raw.post("/v1/pension/certification/face-checks", headers={"X-Resident-Token": token, "X-Kiosk-Id": kiosk},
                      json={"frames": [frame], "liveness": {"challenge": "turn_left", "passed": True}})
    check("/v1/pension/certification/face-checks", "post", answer)


@pytest.mark.parametrize(("body", "code"), [
    ({"frames": ["aGVsbG8="], "liveness": {"challenge": "turn_left", "passed": True}}, "invalid_frame"),
    ({"frames": ["@@@"], "liveness": {"challenge": "turn_left", "passed": True}}, "invalid_frame"),
    ({"frames": [], "liveness": {"challenge": "turn_left", "passed": True}}, "invalid_request"),
    ({"frames": ["aGVsbG8="], "liveness": {"challenge": "turn_left", "passed": False}}, "liveness_required"),
    ({"frames": ["aGVsbG8="]}, "liveness_required"),
], ids=["not-an-image", "not-base64", "no-frames", "liveness-failed", "no-liveness"])
def test_face_check_refuses_what_is_not_a_checked_face(raw, body, code):
    number = raw.fresh_resident()[0]
    answer = raw.post("/v1/pension/certification/face-checks",
                      headers={"X-Resident-Token": raw.token(number), "X-Kiosk-Id": new_kiosk()}, json=body)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == code


def test_reminder_to_self_or_family_thirty_days_before(client, raw):
    number, _name, phone = raw.fresh_resident()
    token = raw.token(number)
    client.sandbox_certification_due(number, 200)
    mine = client.certification_reminder(token)
    assert mine.to == "self" and mine.masked_phone.endswith(phone[-4:]) and phone not in mine.masked_phone
    assert mine.remind_on == date.today() + timedelta(days=170)
    family = client.certification_reminder(token, phone="13912345678")
    assert family.to == "family" and family.masked_phone == "139 **** 5678"
    [kept] = client.sandbox_certification(number).reminders
    assert kept == family  # one per resident: the latest wins
    with pytest.raises(PortalRefused):
        client.certification_reminder(token, phone="12345")
    answer = raw.post("/v1/pension/certification/reminders", headers={"X-Resident-Token": token}, json={"to": "self"})
    check("/v1/pension/certification/reminders", "post", answer)


def test_home_visit_is_asked_once(client, raw):
    number, _name, phone = raw.fresh_resident()
    token, kiosk = raw.token(number), new_kiosk()
    first = client.request_home_visit(token, kiosk)
    assert first.created and first.masked_phone.endswith(phone[-4:])
    again = client.request_home_visit(token, kiosk)
    assert again.visit_id == first.visit_id and not again.created
    answer = raw.post("/v1/pension/certification/home-visits", headers={"X-Resident-Token": token, "X-Kiosk-Id": kiosk})
    assert check("/v1/pension/certification/home-visits", "post", answer)["created"] is False
    assert [visit.visit_id for visit in client.sandbox_certification(number).home_visits] == [first.visit_id]
