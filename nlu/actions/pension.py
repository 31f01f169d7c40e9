"""Pension (养老金): has this month's pension been paid, and how much."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from common.errands import PENSION
from common.kiosk_protocol import FINISHED, RESULT, directive
from nlu.actions.formatting import month, month_day, yuan
from nlu.actions.portal_access import portal
from nlu.actions.resident import ResidentAction
from portal.models import PensionPayment

MONTHS_SHOWN = 3


def describe(payments: List[PensionPayment]) -> Dict[str, Any]:
    """The sentence and the big result for the newest paid month (and what is pending)."""
    paid = [p for p in payments if p.status == "paid" and p.paid_on]
    if not paid:
        return {"text": "最近几个月还没有发放记录。请您点“找人帮忙”，工作人员会帮您查。", "result": None}
    latest = paid[0]
    text = f"您{month(latest.month)}的养老金 {yuan(latest.amount)}，已于{month_day(latest.paid_on)}发放。"
    scheduled = [p for p in payments if p.status == "scheduled"]
    if scheduled:
        text += f"{month(scheduled[0].month)}的养老金还没到发放日。"
    result = {"title": f"{month(latest.month)}养老金", "value": yuan(latest.amount),
              "note": f"{month_day(latest.paid_on)}已发放"}
    return {"text": text, "result": result}


class ActionQueryPension(ResidentAction):
    for_proxy = True  # a relative may ask for an elder who authorised them (代办)

    def name(self) -> str:
        return "action_query_pension"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
        answer = describe(portal().pension_payments(token, MONTHS_SHOWN))
        result = directive(**{RESULT: answer["result"], FINISHED: PENSION.id}) if answer["result"] else None
        dispatcher.utter_message(text=answer["text"], json_message=result)
        dispatcher.utter_message(response="utter_what_else")
        return []
