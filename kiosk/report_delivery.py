"""Delivering a report kept on the kiosk: the 12345 conversation, walked from the stored answers.

The walk answers whatever the dialogue's 12345 form asks next rather than following a fixed
script, because the form skips what it already heard: a description that names a district
("石城县的路灯坏了") fills the district, and the district question never comes. Before the
final yes it checks the read-back against the report (district, place, phone) and corrects
what differs through the form's own 不对 flow; it picks the district by paging through the
five-at-a-time buttons (更多区县), or says it by name, never by taking another district's
button. What the resident confirmed on the kiosk is what 12345 gets, or nothing is sent.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable, Dict, Optional

from common.idnumber import GANZHOU_DISTRICTS
from common.masking import last_four
from kiosk.dialogue_client import DialogueClient, Reply

if TYPE_CHECKING:
    from kiosk.report_outbox import WaitingReport

MORE_DISTRICTS = "更多区县"  # the dialogue's button for the next five districts
MAX_DISTRICT_PAGES = 6
MAX_TURNS = 24  # a walk that has not ended by now is going round in circles
DISTRICTS = frozenset(GANZHOU_DISTRICTS.values())


class DeliveryFailed(RuntimeError):
    """The service answered, but not as the 12345 form does: try again later, then park."""


def deliver(client: DialogueClient, report: WaitingReport) -> str:
    """Walk the 12345 conversation for a stored report; return the case number (or the
    central service's own outbox reference). Raises DeliveryFailed or DialogueUnavailable.
    The conversation id is fixed per report, so a walk tried again is the same case."""
    client.sender_id = f"{client.kiosk_id}-outbox-{report.token}"
    client.forget(client.sender_id)  # a delivery that broke off earlier starts again cleanly
    try:
        return _Walk(client, report).run()
    finally:
        client.forget(client.sender_id)


def question_of(reply: Reply) -> Optional[str]:
    """Which of the form's questions a reply asks (None: not one of them)."""
    titles = {button.title for button in reply.buttons}
    if reply.result:
        return "result"
    if reply.input_kind == "yes_no":
        return "read_back"
    if reply.input_kind == "phone":
        return "phone"
    if titles & DISTRICTS or MORE_DISTRICTS in titles:
        return "district"
    if any('"change_field"' in button.payload for button in reply.buttons):
        return "change"
    if "在哪里" in reply.text:
        return "place"
    if reply.input_kind == "free_speech":
        return "description"
    return None


def choose_district(send: Callable[[str], Reply], reply: Reply, district: str) -> Reply:
    """Tap the report's own district, paging on while it is not among the five shown; if no
    page has it, say its name (the dialogue knows every district by name)."""
    for _ in range(MAX_DISTRICT_PAGES):
        button = next((b for b in reply.buttons if b.title == district), None)
        if button is not None:
            return send(button.payload)
        more = next((b for b in reply.buttons if b.title == MORE_DISTRICTS), None)
        if more is None:
            break
        reply = send(more.payload)
    return send(district)


class _Walk:
    def __init__(self, client: DialogueClient, report: WaitingReport) -> None:
        self.client = client
        self.report = report
        self.turns = 0
        self.answers: Dict[str, Callable[[Reply], Reply]] = {
            "description": lambda _reply: self.send(report.description),
            "place": lambda _reply: self.send(report.place),
            "district": lambda reply: choose_district(self.send, reply, report.district),
            "phone": lambda _reply: self.send(f"/inform{json.dumps({'phone_number': report.phone})}"),
        }

    def send(self, message: str) -> Reply:
        self.turns += 1
        if self.turns > MAX_TURNS:
            raise DeliveryFailed("the conversation did not come to an end")
        return self.client.send(message)

    def run(self) -> str:
        reply = self.send("/hotline_report")
        previous: Optional[str] = None
        while True:
            question = question_of(reply)
            if question == "result":
                return str(reply.result.get("value", "")).replace(" ", "")
            if question is None:
                raise DeliveryFailed("a question the 12345 form does not ask")
            if question == previous and question in self.answers:
                raise DeliveryFailed(f"the {question} was not accepted")
            if question == "read_back":
                wrong = self.differs(reply.text)
                reply = self.send("/affirm") if wrong is None else self.change(wrong)
                if wrong is None and question_of(reply) != "result":
                    raise DeliveryFailed("no case number after the yes")
            elif question == "change":
                raise DeliveryFailed("asked what to change, unasked")
            else:
                reply = self.answers[question](reply)
            previous = question

    def differs(self, read_back: str) -> Optional[str]:
        """The first answer the read-back does not repeat as the report has it."""
        report = self.report
        if f"，{report.district}。" not in read_back:
            return "district"
        if f"地点是{report.place}，" not in read_back:
            return "place"
        if f"尾号{last_four(report.phone)}" not in read_back:
            return "phone_number"
        return None  # the description is sent as it was said and read back as sent

    def change(self, field: str) -> Reply:
        """不对, then the button for `field`: the form clears it and asks it again."""
        reply = self.send("/deny")
        button = next((b for b in reply.buttons if f'"change_field": "{field}"' in b.payload), None)
        if button is None:
            raise DeliveryFailed(f"the {field} could not be changed")
        return self.send(button.payload)
