"""Drive one first sentence through the real dialogue to the errand's last step, as a resident
would: say the sentence, put the ID card on the reader when asked who they are, then answer
every other question the way the kiosk offers (the first button, a description, a phone
number), and record every question asked (the `step` each reply names).

Kept apart from the test so the rules of answering are in one place and the test reads as
what it checks: no step the first sentence gave is asked after identity.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import requests

from kiosk.dialogue_client import DialogueClient, Reply
from portal.models import CaseRequest
from tests.e2e.conftest import demo_card

# Steps of proving who the resident is: asked whatever the first sentence said (the kiosk
# verifies a number said aloud, it never takes it on trust).
IDENTITY_STEPS = frozenset({"id_number", "identity_way", "sms_code", "staff_check"})
# The read-back before anything is submitted: the errand's last step.
CONFIRM_STEPS = frozenset({"appointment_confirmed", "report_confirmed", "rating_confirmed"})
# Answers for the steps that take words or digits rather than a tap.
TYPED = {"problem_description": "楼道的灯坏了，晚上看不见路", "place": "文明大道18号",
         "phone_number": '/inform{"phone_number": "13912345678"}'}
MOST_TURNS = 12
KIOSK = "test-first-sentences"


@dataclass
class Visit:
    """What happened: each reply in order, the steps asked after identity, and the last reply."""

    replies: List[Reply] = field(default_factory=list)
    asked_after_identity: List[str] = field(default_factory=list)
    verified: bool = False

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    @property
    def transcript(self) -> str:
        return "\n".join(f"  [{reply.directives.get('step', '')}] {reply.text} "
                         f"{[button.title for button in reply.buttons]}" for reply in self.replies)


def step_of(reply: Reply) -> str:
    return str(reply.directives.get("step") or "")


def drive(dialogue: DialogueClient, sentence: str, place_card: Callable[[], Reply],
          answers: Optional[Dict[str, str]] = None) -> Visit:
    """Say `sentence`, then answer until the read-back, a result, or the kiosk's home screen."""
    visit = Visit()
    reply = dialogue.send(sentence)
    given = {**TYPED, **(answers or {})}
    for _turn in range(MOST_TURNS):
        visit.replies.append(reply)
        step = step_of(reply)
        if visit.verified and step and step not in IDENTITY_STEPS:
            visit.asked_after_identity.append(step)
        if step in CONFIRM_STEPS or reply.result or reply.goes_home or not step:
            return visit
        if step == "id_number":
            reply = place_card()
            visit.verified = True
        elif step in given:
            reply = dialogue.send(given[step])
        elif reply.buttons:
            reply = dialogue.send(reply.buttons[0].payload)
        else:
            return visit
    return visit


def closed_case(stack) -> str:
    """A case the demo resident reported, moved on until it is closed and can be rated."""
    card = demo_card()
    client = stack.portal()
    token = client.verify_card(card.id_number, card.name, card.valid_until, KIOSK).token
    request = CaseRequest(category="市容环境", description="小区门口的垃圾三天没人收了", place="红旗大道12号",
                          district="章贡区", contact_phone="13900001111")
    number = client.submit_case(request, f"rating-{secrets.token_hex(6)}", KIOSK, token).case_number
    for _ in range(3):
        requests.post(f"{stack.settings.portal.url}/v1/_sandbox/cases/{number}/advance",
                      headers={"Authorization": f"Bearer {stack.portal_key}"}, timeout=10).raise_for_status()
    return number
