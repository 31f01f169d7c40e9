"""The yearly pension entitlement certification (养老待遇资格认证): done, due, or overdue,
and the ways to do it."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from common.errands import CERTIFICATION
from common.kiosk_protocol import FINISHED, RESULT, directive
from nlu.actions.formatting import month_day
from nlu.actions.portal_access import portal
from nlu.actions.resident import ResidentAction
from portal.models import Certification

STATUS_WORDS = {"done": "已认证", "due": "快到期", "overdue": "已过期"}


def when(day: date) -> str:
    return f"{day.year}年{month_day(day)}" if day.year != date.today().year else month_day(day)


def describe(certification: Certification) -> str:
    if certification.status == "done":
        return f"您今年的养老资格认证已经做过了。下次请在{when(certification.due_date)}前认证。"
    ways = "；".join(f"{way.title}" for way in certification.ways)
    if certification.status == "due":
        head = f"您的养老资格认证快到期了。请在{when(certification.due_date)}前认证。"
    else:
        head = "您的养老资格认证已经过期了，养老金可能会暂停发放。请尽快认证，认证后会补发。"
    return f"{head}可以这样做：{ways}。"


class ActionCertificationStatus(ResidentAction):
    def name(self) -> str:
        return "action_certification_status"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> list[dict[str, Any]]:
        certification = portal().pension_certification(token)
        dispatcher.utter_message(text=describe(certification), json_message=directive(**{RESULT: {
            "title": "养老资格认证", "value": STATUS_WORDS[certification.status],
            "note": f"请在{when(certification.due_date)}前认证"}, FINISHED: CERTIFICATION.id}))
        if certification.status != "done":
            dispatcher.utter_message(text="要不要预约去大厅认证，或者请工作人员帮您？",
                                     buttons=[{"title": "预约办事", "payload": "/book_appointment"},
                                              {"title": "找人帮忙", "payload": "/help_volunteer"}])
        else:
            dispatcher.utter_message(response="utter_what_else")
        return []
