"""The pension certification's actions against the real sandbox: the ways offered match the
kiosk's camera, staff certify in person (decided through the portal as the console does), the
face check with real photos and dlib's real comparison, the reminders.

Fast: no Rasa, no kiosk. Each test takes residents of its own; the demo resident whose photo is
enrolled has her due date put back afterwards.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any, Dict, Iterator

import pytest

from common.kiosk_protocol import task_of
from nlu.actions import certification_face
from nlu.actions.certification import ActionCertificationStatus, when
from nlu.actions.certification_face import ActionUseFaceCheck, verify_frames
from nlu.actions.certification_reminder import (
    ActionSetCertificationReminder,
    ValidateCertificationReminderForm,
)
from nlu.actions.certification_staff import ActionStaffCertified, ActionStaffWaitOver
from nlu.actions.pension import ActionQueryPension
from nlu.actions.resident import kiosk_id, verified_slots
from nlu.actions.vault import vault
from tests.nlu.actions.conftest import run, said, slots_of, tracker
from tests.portal.conftest import Raw, demo_resident

pytestmark = pytest.mark.usefixtures("portal_for_actions")
STAFF = "wang"


def kiosk_has_camera(sender: str, working: bool = True) -> None:
    """What the kiosk's report (POST /devices/camera) leaves in the action server's vault."""
    vault().put(f"kiosk:{kiosk_id(sender)}", certification_face.CAMERA, "working" if working else "off")


def payload_tracker(slots: Dict[str, Any], sender: str, **more: Any):
    return tracker(slots, text="/pension_certification", intent="pension_certification", sender=sender, **more)


@pytest.fixture
def due_resident(portal_for_actions, resident) -> Dict[str, Any]:
    """A verified resident whose certification is due in 20 days."""
    from tests.nlu.actions.conftest import verified

    portal_for_actions.portal().sandbox_certification_due(resident["id_number"], 20)
    return dict(resident, slots=verified(portal_for_actions, resident))


@pytest.fixture
def liu(portal_for_actions) -> Iterator[Dict[str, Any]]:
    """刘秀兰, enrolled with the astronaut photo, verified by card, due in 10 days; put back after."""
    client = portal_for_actions.portal()
    number = demo_resident(2)[0]
    before = client.sandbox_certification(number).due_date
    client.sandbox_certification_due(number, 10)
    token = Raw(portal_for_actions).token(number)
    yield {"id_number": number, "sender": f"kiosk-liu-{uuid.uuid4().hex[:8]}",
           "slots": verified_slots(token, 600, "刘*兰", "card", "3607 ********** 4081")}
    client.sandbox_certification_due(number, (before - date.today()).days)


def jpeg_b64(name: str, count: int = 3):
    import base64

    from kiosk.devices.camera import encode_jpeg
    from tests.kiosk.face import held_photo, place

    return [base64.b64encode(encode_jpeg(image, quality=85)).decode()
            for image in held_photo(place(name), seconds=0.2, seed=31)[:count]]


# -- the ways offered match the kiosk ---------------------------------------------------------

def test_without_a_camera_only_the_staff_way_is_offered(due_resident, domain):
    kiosk_has_camera(due_resident["sender"], working=False)
    events, messages = run(ActionCertificationStatus(), payload_tracker(due_resident["slots"],
                                                                        due_resident["sender"]), domain)
    assert [b["title"] for b in messages[-1]["buttons"]] == ["请工作人员认证"]
    assert "刷脸" not in said(messages) and "快到期了" in said(messages)
    kiosk = messages[0]["custom"]["kiosk"]
    due = date.today() + timedelta(days=20)
    assert kiosk["result"]["value"].endswith(f"{due.month}月{due.day}日") and "快到期" in kiosk["result"]["title"]
    assert kiosk["screen"] == "certification"
    assert slots_of(events)["certification_way"] is None


def test_with_a_working_camera_the_face_check_is_offered_too(due_resident, domain):
    kiosk_has_camera(due_resident["sender"])
    _events, messages = run(ActionCertificationStatus(), payload_tracker(due_resident["slots"],
                                                                         due_resident["sender"]), domain)
    assert [b["title"] for b in messages[-1]["buttons"]] == ["刷脸认证", "请工作人员认证"]
    assert "刷脸" in said(messages)
    tired = dict(due_resident["slots"], face_failures=2.0)  # two failed face checks: staff only
    _events, messages = run(ActionCertificationStatus(), payload_tracker(tired, due_resident["sender"]), domain)
    assert [b["title"] for b in messages[-1]["buttons"]] == ["请工作人员认证"]


def test_the_face_way_said_on_a_kiosk_without_a_camera_goes_to_staff(due_resident, domain):
    kiosk_has_camera(due_resident["sender"], working=False)
    said_it = tracker(due_resident["slots"], text="我要刷脸认证", intent="pension_certification",
                      sender=due_resident["sender"])
    _events, messages = run(ActionCertificationStatus(), said_it, domain)
    assert "不能刷脸" in said(messages) and [b["title"] for b in messages[-1]["buttons"]] == ["请工作人员认证"]
    assert "face_check" not in json.dumps(messages)


def test_done_says_the_next_due_date_and_offers_the_sms(resident, portal_for_actions, domain):
    from tests.nlu.actions.conftest import verified

    slots = verified(portal_for_actions, resident)
    portal_for_actions.portal().sandbox_certification_due(resident["id_number"], 200)
    _events, messages = run(ActionCertificationStatus(), payload_tracker(slots, resident["sender"]), domain)
    assert "已经做好了" in said(messages) and messages[0]["custom"]["kiosk"]["finished"] == "certification"
    assert [b["title"] for b in messages[-1]["buttons"]] == ["短信提醒我", "短信提醒家人"]


# -- certified in person by staff -----------------------------------------------------------

def test_staff_way_asks_the_portal_and_the_kiosk_raises_the_task(due_resident, portal_for_actions, domain):
    chose = dict(due_resident["slots"], certification_way="staff")
    events, messages = run(ActionCertificationStatus(), payload_tracker(chose, due_resident["sender"]), domain)
    request_id = slots_of(events)["certification_request"]
    assert task_of(messages[0]["custom"]["kiosk"]["identity_check"]) == ("certification", request_id)
    assert "工作人员马上过来" in said(messages) and messages[0]["buttons"][0]["payload"] == "/staff_certified"

    waiting = dict(due_resident["slots"], certification_request=request_id)
    _events, messages = run(ActionStaffCertified(), tracker(waiting, sender=due_resident["sender"]), domain)
    assert "还在路上" in said(messages)  # tapped before anyone came: the portal says it still waits

    portal_for_actions.portal().decide_staff_certification(request_id, STAFF, True, seen_in_person=True)
    events, messages = run(ActionStaffCertified(), tracker(waiting, sender=due_resident["sender"]), domain)
    kiosk = messages[0]["custom"]["kiosk"]
    next_due = date.today() + timedelta(days=365)
    assert kiosk["result"]["title"] == "养老资格认证好了" and kiosk["printable"]
    assert kiosk["finished"] == "certification"
    assert kiosk["result"]["value"] == when(next_due)  # the date, big
    assert f"{next_due.month}月{next_due.day}日" in said(messages) and "工作人员已经帮您认证好了" in said(messages)
    assert slots_of(events)["certification_request"] is None
    [record] = portal_for_actions.portal().sandbox_certification(due_resident["id_number"]).records
    assert (record.way, record.staff_account) == ("community_staff", STAFF)


def test_staff_who_cannot_certify_say_so_and_nothing_is_recorded(due_resident, portal_for_actions, domain):
    chose = dict(due_resident["slots"], certification_way="staff")
    events, _messages = run(ActionCertificationStatus(), payload_tracker(chose, due_resident["sender"]), domain)
    request_id = slots_of(events)["certification_request"]
    portal_for_actions.portal().decide_staff_certification(request_id, STAFF, False, seen_in_person=True)
    waiting = dict(due_resident["slots"], certification_request=request_id)
    events, messages = run(ActionStaffCertified(), tracker(waiting, sender=due_resident["sender"]), domain)
    assert "没有认证成功" in said(messages) and "result" not in messages[0].get("custom", {}).get("kiosk", {})
    assert slots_of(events)["certification_request"] is None
    assert not portal_for_actions.portal().sandbox_certification(due_resident["id_number"]).records


def test_nobody_came_withdraws_and_offers_the_hall_or_a_home_visit(due_resident, portal_for_actions, domain):
    chose = dict(due_resident["slots"], certification_way="staff")
    events, _messages = run(ActionCertificationStatus(), payload_tracker(chose, due_resident["sender"]), domain)
    request_id = slots_of(events)["certification_request"]
    waiting = dict(due_resident["slots"], certification_request=request_id)
    events, messages = run(ActionStaffWaitOver(), tracker(waiting, sender=due_resident["sender"]), domain)
    assert "走不开" in said(messages) and "上门" in said(messages)
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/book_appointment{"hall_service": "社保业务"}', '/pension_certification{"certification_way": "home_visit"}']
    client = portal_for_actions.portal()
    assert client.staff_certification(request_id, kiosk_id(due_resident["sender"])).status == "withdrawn"
    home = dict(due_resident["slots"], certification_way="home_visit")
    _events, messages = run(ActionCertificationStatus(), payload_tracker(home, due_resident["sender"]), domain)
    assert messages[0]["custom"]["kiosk"]["result"]["value"] == "已登记" and "打电话" in said(messages)
    assert len(client.sandbox_certification(due_resident["id_number"]).home_visits) == 1


# -- the face check ---------------------------------------------------------------------------

def test_face_way_starts_the_camera_and_a_match_certifies(liu, portal_for_actions, domain):
    kiosk_has_camera(liu["sender"])
    chose = dict(liu["slots"], certification_way="face")
    _events, messages = run(ActionCertificationStatus(), payload_tracker(chose, liu["sender"]), domain)
    assert messages[0]["custom"]["kiosk"]["face_check"] == "start" and "看着屏幕" in said(messages)
    assert verify_frames(liu["sender"], jpeg_b64("astronaut"), "turn_left") == {"verdict": "match"}
    checked = tracker(dict(liu["slots"], face_outcome="checked"), sender=liu["sender"])
    events, messages = run(ActionUseFaceCheck(), checked, domain)
    assert messages[0]["custom"]["kiosk"]["result"]["title"] == "养老资格认证好了" and "刷脸认证好了" in said(messages)
    assert slots_of(events)["face_failures"] is None
    record = portal_for_actions.portal().sandbox_certification(liu["id_number"]).records[-1]
    assert (record.way, record.kiosk_id) == ("kiosk_face", kiosk_id(liu["sender"]))
    # The token was for one check: frames sent again go nowhere.
    assert verify_frames(liu["sender"], jpeg_b64("astronaut", 1), "turn_left") == {"verdict": "unavailable"}


def test_two_failed_face_checks_offer_staff_at_once(liu, domain):
    kiosk_has_camera(liu["sender"])
    chose = dict(liu["slots"], certification_way="face")
    run(ActionCertificationStatus(), payload_tracker(chose, liu["sender"]), domain)
    assert verify_frames(liu["sender"], jpeg_b64("hopper"), "turn_right") == {"verdict": "no_match"}
    first = tracker(dict(liu["slots"], face_outcome="checked"), sender=liu["sender"])
    events, messages = run(ActionUseFaceCheck(), first, domain)
    assert "没有认出" in said(messages)
    assert [b["title"] for b in messages[0]["buttons"]] == ["再试一次", "请工作人员认证"]
    assert slots_of(events)["face_failures"] == 1.0
    second = tracker(dict(liu["slots"], face_outcome="not_live", face_failures=1.0), sender=liu["sender"])
    events, messages = run(ActionUseFaceCheck(), second, domain)  # a photo held up: no head turn seen
    assert "没有看到您转头" in said(messages) and "两次" in said(messages)
    assert [b["title"] for b in messages[0]["buttons"]] == ["请工作人员认证"]


@pytest.fixture
def unenrolled(portal_for_actions) -> Dict[str, Any]:
    """A verified resident, due in 20 days, with no photo on file at the portal."""
    from portal.sandbox.faces import enrolled_photo
    from tests.nlu.actions.conftest import fresh_resident, verified

    person = fresh_resident(portal_for_actions)
    while enrolled_photo(person["id_number"]) is not None:
        person = fresh_resident(portal_for_actions)
    portal_for_actions.portal().sandbox_certification_due(person["id_number"], 20)
    return dict(person, slots=verified(portal_for_actions, person))


def test_needs_staff_review_calls_staff_without_a_guess(unenrolled, domain):
    """A resident with no enrolled photo: the portal cannot judge, so staff are asked at once."""
    due_resident = unenrolled
    kiosk_has_camera(due_resident["sender"])
    chose = dict(due_resident["slots"], certification_way="face")
    run(ActionCertificationStatus(), payload_tracker(chose, due_resident["sender"]), domain)
    assert verify_frames(due_resident["sender"], jpeg_b64("astronaut", 1), "turn_left") == {
        "verdict": "needs_staff_review"}
    checked = tracker(dict(due_resident["slots"], face_outcome="checked"), sender=due_resident["sender"])
    events, messages = run(ActionUseFaceCheck(), checked, domain)
    assert "拿不准" in said(messages) and "工作人员马上过来" in said(messages)
    assert task_of(messages[0]["custom"]["kiosk"]["identity_check"])[0] == "certification"
    assert slots_of(events)["certification_request"]


# -- reminders --------------------------------------------------------------------------------

def test_an_errand_ends_offering_to_certify_when_due_within_60_days(due_resident, domain):
    events, messages = run(ActionQueryPension(), tracker(due_resident["slots"], sender=due_resident["sender"]),
                           domain)
    texts = [m.get("text") or m.get("response") for m in messages]
    # The offer is the errand's closing question, in place of 您还想办别的事吗.
    assert texts[-1] == "养老资格认证快到期了，要现在认证吗？" and "utter_what_else" not in texts
    assert messages[-1]["buttons"] == [{"title": "现在认证", "payload": "/pension_certification"}]
    assert slots_of(events) == {"certification_reminded": True}
    once = dict(due_resident["slots"], certification_reminded=True)
    _events, messages = run(ActionQueryPension(), tracker(once, sender=due_resident["sender"]), domain)
    assert "认证" not in said(messages)  # once a visit


def test_no_reminder_when_the_due_date_is_far(resident, portal_for_actions, domain):
    from tests.nlu.actions.conftest import verified

    slots = verified(portal_for_actions, resident)
    portal_for_actions.portal().sandbox_certification_due(resident["id_number"], 61)
    _events, messages = run(ActionQueryPension(), tracker(slots, sender=resident["sender"]), domain)
    assert "认证" not in said(messages)


def test_sms_reminder_to_a_family_member_keeps_only_the_masked_phone(due_resident, portal_for_actions, domain):
    form = ValidateCertificationReminderForm()
    asked = dict(due_resident["slots"], reminder_to=None)
    events, _ = run(form, tracker(asked, text="发给我女儿", form="certification_reminder_form",
                                  requested="reminder_to", candidates={"reminder_to": "发给我女儿"},
                                  sender=due_resident["sender"]), domain)
    assert slots_of(events)["reminder_to"] == "family"
    typed = dict(due_resident["slots"], reminder_to="family")
    events, _ = run(form, tracker(typed, form="certification_reminder_form", requested="reminder_phone",
                                  candidates={"reminder_phone": "13912345678", "phone_number": "13912345678"},
                                  sender=due_resident["sender"]), domain)
    assert slots_of(events)["reminder_phone"] == "139 **** 5678" and slots_of(events)["phone_number"] is None
    done = dict(due_resident["slots"], reminder_to="family", reminder_phone="139 **** 5678")
    events, messages = run(ActionSetCertificationReminder(), tracker(done, sender=due_resident["sender"]), domain)
    assert "尾号5678" in said(messages) and "13912345678" not in said(messages)
    assert slots_of(events)["reminder_phone"] is None
    [reminder] = portal_for_actions.portal().sandbox_certification(due_resident["id_number"]).reminders
    assert reminder.to == "family" and reminder.masked_phone == "139 **** 5678"
    assert reminder.remind_on == date.today() + timedelta(days=1)  # due in 20 days: tomorrow


def test_sms_reminder_to_the_resident_self(due_resident, portal_for_actions, domain):
    mine = dict(due_resident["slots"], reminder_to="self")
    _events, messages = run(ActionSetCertificationReminder(), tracker(mine, sender=due_resident["sender"]), domain)
    assert "您尾号" in said(messages) and messages[0]["custom"]["kiosk"]["finished"] == "certification_reminder"
    [reminder] = portal_for_actions.portal().sandbox_certification(due_resident["id_number"]).reminders
    assert reminder.to == "self"
