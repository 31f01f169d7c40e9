"""Pension (养老金): has this month's pension been paid, and how much."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.kiosk_protocol import RESULT, SCREEN, directive
from nlu.actions.formatting import month, month_day, yuan
from nlu.actions.identity import identity_still_valid
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from portal.errors import PortalError, PortalRefused
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


class ActionQueryPension(Action):
    def name(self) -> str:
        return "action_query_pension"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        if tracker.get_slot("identity_stop") or not identity_still_valid(tracker):
            # The identity step already said why; offer the home screen again.
            dispatcher.utter_message(json_message=directive(**{SCREEN: "home"}))
            return [SlotSet("identity_stop", None)]
        try:
            payments = portal().pension_payments(tracker.get_slot("resident_token"), MONTHS_SHOWN)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            events = [SlotSet("resident_token", None)] if isinstance(error, PortalRefused) else []
            return events
        answer = describe(payments)
        result = directive(**{RESULT: answer["result"]}) if answer["result"] else None
        dispatcher.utter_message(text=answer["text"], json_message=result)
        dispatcher.utter_message(response="utter_what_else")
        return []
