"""Medical insurance (医保): the personal account balance and the latest reimbursement."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from common.errands import MEDICAL
from common.kiosk_protocol import FINISHED, RESULT, directive
from nlu.actions.formatting import month_day, yuan
from nlu.actions.portal_access import portal
from nlu.actions.resident import ResidentAction


class ActionQueryMedical(ResidentAction):
    for_proxy = True  # a relative may ask for an elder who authorised them (代办)

    def name(self) -> str:
        return "action_query_medical"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> list[dict[str, Any]]:
        account = portal().medical_account(token)
        text = f"您的医保个人账户还有 {yuan(account.balance)}。今年已经存入 {yuan(account.contributions_total)}。"
        if account.reimbursements:
            latest = account.reimbursements[0]
            text += (f"最近一次是{month_day(latest.date)}在{latest.hospital}看病，"
                     f"报销了 {yuan(latest.reimbursed)}，自己付了 {yuan(latest.self_paid)}。")
        dispatcher.utter_message(text=text, json_message=directive(**{RESULT: {
            "title": "医保账户余额", "value": yuan(account.balance),
            "note": f"今年存入 {yuan(account.contributions_total)}"}, FINISHED: MEDICAL.id}))
        dispatcher.utter_message(response="utter_what_else")
        return []
