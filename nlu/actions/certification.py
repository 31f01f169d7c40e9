"""The yearly pension entitlement certification (养老待遇资格认证): where it stands, and the ways
to do it that this kiosk really has.

Every community service centre can certify in person: a staff member comes to the kiosk, sees
the resident and the card, and confirms on the console (nlu/actions/certification_staff.py).
Where the kiosk has reported a working camera, the face check is offered too
(certification_face.py). Nothing else is offered at the kiosk: the portal's list of ways names
the face check for every resident, but a kiosk without a camera must not send anyone to look
for one. The way chosen rides in the payload of the buttons below (`certification_way`) or is
read from the words ("我要刷脸认证"); it is used once and cleared.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from common.errands import CERTIFICATION
from common.kiosk_protocol import CERTIFICATION_SCREEN, FINISHED, PRINTABLE, RESULT, SCREEN, directive
from nlu.actions.formatting import month_day
from nlu.actions.portal_access import portal
from nlu.actions.resident import ResidentAction, kiosk_of
from portal.models import Certification

FACE, STAFF, HOME_VISIT = "face", "staff", "home_visit"
# The result shown: the due date big (a key result), what it means above it. "certified" is the
# new date just after certifying here.
TITLES = {"done": "今年的养老资格认证做好了", "due": "养老资格认证快到期了", "overdue": "养老资格认证已经过期了",
          "certified": "养老资格认证好了"}
NOTES = {"done": "下次请在这天前认证", "due": "请在这天前认证", "overdue": "认证以后，养老金会补发",
         "certified": "下次请在这天前认证"}
# After this many face checks that did not certify in one visit, only the staff way.
FACE_TRIES = 2
# How a resident names a way, when they say it rather than tap it.
WAY_WORDS = ((HOME_VISIT, ("上门", "到家里", "走不动", "行动不便", "来家里")),
             (FACE, ("刷脸", "人脸", "脸")),
             (STAFF, ("工作人员", "人工", "当面")))


def _button(title: str, way: str) -> Dict[str, str]:
    return {"title": title, "payload": "/pension_certification" + json.dumps({"certification_way": way})}


FACE_BUTTON = _button("刷脸认证", FACE)
STAFF_BUTTON = _button("请工作人员认证", STAFF)
HOME_VISIT_BUTTON = _button("请人上门认证", HOME_VISIT)
# The appointment errand, with the service already chosen (certification is a 社保 matter).
HALL_BUTTON = {"title": "预约去大厅", "payload": '/book_appointment{"hall_service": "社保业务"}'}
REMINDER_BUTTONS = [{"title": "短信提醒我", "payload": '/certification_reminder{"reminder_to": "self"}'},
                    {"title": "短信提醒家人", "payload": '/certification_reminder{"reminder_to": "family"}'}]
# The result screen has room for two lines of text above the choices at the largest text size
# (tests/kiosk/test_every_screen.py): each sentence here is kept to one line of 30 characters.
OFFER_REMINDER = "到时可以发短信提醒您"


def when(day: date) -> str:
    return f"{day.year}年{month_day(day)}" if day.year != date.today().year else month_day(day)


def way_said(tracker: Tracker) -> str:
    """The way tapped (the payload's entity) or said in the words of this turn; '' for none."""
    chosen = tracker.get_slot("certification_way")
    if chosen in (FACE, STAFF, HOME_VISIT):
        return str(chosen)
    message = tracker.latest_message or {}
    if (message.get("intent") or {}).get("name") != CERTIFICATION.intent:
        return ""
    text = str(message.get("text") or "")
    return next((way for way, words in WAY_WORDS if any(word in text for word in words)), "")


def face_tries_left(tracker: Tracker) -> int:
    return max(0, FACE_TRIES - int(tracker.get_slot("face_failures") or 0))


def ways_here(tracker: Tracker) -> List[Dict[str, str]]:
    """The buttons for the ways this kiosk has now: the face check only with a working camera
    and tries left; staff always."""
    from nlu.actions.certification_face import camera_ready

    face = [FACE_BUTTON] if camera_ready(kiosk_of(tracker)) and face_tries_left(tracker) else []
    return face + [STAFF_BUTTON]


def status_sentence(certification: Certification, owner: str = "您") -> str:
    """Where the certification stands; `owner` is the elder's masked name when a relative asks."""
    if certification.status == "done":
        offer = f"，{OFFER_REMINDER}" if owner == "您" else ""
        return f"{owner}今年的养老资格认证已经做好了。下次请在{when(certification.due_date)}前认证{offer}。"
    if certification.status == "due":
        return f"{owner}的养老资格认证快到期了。请在{when(certification.due_date)}前认证。"
    return f"{owner}的养老资格认证过期了，养老金可能暂停发放。"


def ways_sentence(buttons: List[Dict[str, str]]) -> str:
    if FACE_BUTTON in buttons:
        return "您可以刷脸，也可以请工作人员当面帮您。请点一下。"
    return "请点“请工作人员认证”，工作人员会当面帮您。"


def result(kind: str, certification: Certification) -> Dict[str, str]:
    return {"title": TITLES[kind], "value": when(certification.due_date), "note": NOTES[kind]}


def certified(dispatcher: CollectingDispatcher, certification: Certification, lead: str) -> List[Dict[str, Any]]:
    """Done: the new due date shown big and said, a receipt offered, and the SMS reminder."""
    note = f"下次请在{when(certification.due_date)}前认证"
    dispatcher.utter_message(
        text=f"{lead}{note}，{OFFER_REMINDER}。", buttons=REMINDER_BUTTONS, json_message=directive(**{
            RESULT: result("certified", certification), PRINTABLE: True,
            FINISHED: CERTIFICATION.id, SCREEN: CERTIFICATION_SCREEN}))
    return [SlotSet("face_failures", None), SlotSet("certification_request", None),
            SlotSet("certification_reminded", True)]


def certification_of(tracker: Tracker, token: str) -> Certification:
    """The resident's certification as the portal has it, asked from this kiosk."""
    return portal().pension_certification(token, kiosk_of(tracker))


class ActionCertificationStatus(ResidentAction):
    """Runs once the resident is verified: the status, or straight on with the way chosen."""

    for_proxy = True  # a relative may see where an elder's stands (代办); only the elder certifies
    may_remind = False  # it is the certification itself

    def name(self) -> str:
        return "action_certification_status"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        from nlu.actions.family_proxy import acting, elder_name  # it builds on the resident actions

        way = way_said(tracker)
        certification = certification_of(tracker, token)
        if acting(tracker):
            return self._for_relative(dispatcher, elder_name(tracker), certification)
        events: List[Dict[str, Any]] = [SlotSet("certification_way", None), SlotSet("certification_reminded", True)]
        if certification.status == "done":
            return events + self._done(dispatcher, certification)
        if way == HOME_VISIT:
            from nlu.actions.certification_staff import home_visit

            return events + home_visit(dispatcher, tracker, token)
        if way == STAFF:
            from nlu.actions.certification_staff import ask_staff

            return events + ask_staff(dispatcher, tracker, token)
        if way == FACE:
            from nlu.actions.certification_face import start_face_check

            return events + start_face_check(dispatcher, tracker, token)
        buttons = ways_here(tracker)
        dispatcher.utter_message(text=status_sentence(certification), json_message=directive(**{
            RESULT: result(certification.status, certification), SCREEN: CERTIFICATION_SCREEN}))
        dispatcher.utter_message(text=ways_sentence(buttons), buttons=buttons)
        return events

    @staticmethod
    def _for_relative(dispatcher: CollectingDispatcher, name: str,
                      certification: Certification) -> List[Dict[str, Any]]:
        """The elder's status only: certifying needs the elder in person, so the relative is
        told how, and no way to certify is offered."""
        how = "" if certification.status == "done" else f"认证要{name}本人来做。请陪{name}来这里，工作人员会当面帮忙。"
        dispatcher.utter_message(text=status_sentence(certification, name) + how, json_message=directive(**{
            RESULT: result(certification.status, certification), FINISHED: CERTIFICATION.id,
            SCREEN: CERTIFICATION_SCREEN}))
        return []

    @staticmethod
    def _done(dispatcher: CollectingDispatcher, certification: Certification) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=status_sentence(certification), buttons=REMINDER_BUTTONS, json_message=directive(
            **{RESULT: result("done", certification), FINISHED: CERTIFICATION.id, SCREEN: CERTIFICATION_SCREEN}))
        return []
