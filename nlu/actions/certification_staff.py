"""Certified in person by the centre's staff (社区工作人员当面认证): the way every kiosk has.

The same pattern as the staff identity check (nlu/actions/identity.py): the action asks the
portal for a request and ends the turn at once with a directive carrying the request as a
staff task (common.kiosk_protocol.staff_task). The kiosk raises a help request with it, the
console shows it to staff, and a staff member who has seen the resident and the card confirms
there (the portal records it under their account). The console's word reaches the kiosk as an
event, and the kiosk says /staff_certified: only then does the dialogue ask the portal how it
went. The wait never holds up a turn. If nobody comes within the kiosk's patience
(kiosk.staff_wait_seconds), the kiosk says /staff_wait_over: the request is withdrawn and the
resident is offered an appointment at the hall or a home visit, both through the portal.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.errands import CERTIFICATION
from common.kiosk_protocol import (
    CERTIFICATION_TASK,
    FINISHED,
    IDENTITY_CHECK,
    PRINTABLE,
    RESULT,
    STAFF_CERTIFIED,
    STEP,
    directive,
    staff_task,
)
from nlu.actions.certification import HALL_BUTTON, HOME_VISIT_BUTTON, certified
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.resident import kiosk_of
from portal.certification_models import StaffCertificationStatus
from portal.errors import PortalError

COMING = "工作人员马上过来，当面帮您认证。请您带好身份证，在这里稍等。"
DONE_BUTTON = {"title": "工作人员认证好了", "payload": STAFF_CERTIFIED}
STILL_WAITING = "工作人员还在路上，请您再等一下。"
REFUSED = "这次没有认证成功。请您带上身份证，到服务台问一问工作人员。"
NOBODY_CAME = "对不起，工作人员现在走不开。"
WAITED_TOO_LONG = "这次等的时间太长了，没有认证成功。"
OTHER_WAYS = "您可以预约去大厅认证。行动不便的话，也可以请工作人员上门。"
BY_STAFF = "工作人员已经帮您认证好了。"
ENDED = "这次认证已经结束了。您还想办别的事吗？请点一下，或者直接说。"


def ask_staff(dispatcher: CollectingDispatcher, tracker: Tracker, token: str, lead: str = "") -> List[Dict[str, Any]]:
    """Ask the portal for a staff member; the kiosk raises the help request from the directive.
    `lead` says why, when the resident did not choose this way themselves."""
    asked = portal().request_staff_certification(token, kiosk_of(tracker))
    dispatcher.utter_message(
        text=(lead or "好的，") + COMING, buttons=[DONE_BUTTON],
        json_message=directive(**{IDENTITY_CHECK: staff_task(CERTIFICATION_TASK, asked.request_id),
                                  STEP: "staff_certification"}))
    return [SlotSet("certification_request", asked.request_id)]


def home_visit(dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
    """行动不便: staff come to the resident's home; they phone the registered number first."""
    visit = portal().request_home_visit(token, kiosk_of(tracker))
    last_four = visit.masked_phone[-4:]
    dispatcher.utter_message(
        text=f"好的，已经帮您登记了上门认证。工作人员会打电话到您尾号{last_four}的手机，和您约时间。",
        json_message=directive(**{RESULT: {"title": "上门认证", "value": "已登记", "note": "工作人员会打电话约时间"},
                                  PRINTABLE: True, FINISHED: CERTIFICATION.id}))
    dispatcher.utter_message(response="utter_what_else")
    return []


def other_ways(dispatcher: CollectingDispatcher, lead: str) -> None:
    dispatcher.utter_message(text=lead + OTHER_WAYS, buttons=[HALL_BUTTON, HOME_VISIT_BUTTON])


def _answer(dispatcher: CollectingDispatcher, status: StaffCertificationStatus) -> List[Dict[str, Any]]:
    """What the resident hears for a decided (or still open) request."""
    if status.status == "confirmed" and status.certification is not None:
        return certified(dispatcher, status.certification, BY_STAFF)
    if status.status == "waiting":
        dispatcher.utter_message(text=STILL_WAITING, buttons=[DONE_BUTTON])
        return []
    if status.status == "refused":
        dispatcher.utter_message(text=REFUSED)
    else:
        other_ways(dispatcher, WAITED_TOO_LONG)
    return [SlotSet("certification_request", None)]


class AsksAboutStaffRequest(Action, metaclass=ABCMeta):
    """A kiosk word about the staff request this visit waits for: with none any more, the
    certification has ended (and is said to have); else the portal is asked about the request.
    Abstract, so that rasa_sdk registers only the two concrete actions."""

    @abstractmethod
    def ask_portal(self, request_id: str, kiosk: str) -> StaffCertificationStatus:
        """The portal's call about the open request."""

    @abstractmethod
    def unreachable(self, dispatcher: CollectingDispatcher, error: PortalError) -> List[Dict[str, Any]]:
        """What the resident hears when the portal does not answer about the request."""

    def decided(self, dispatcher: CollectingDispatcher, status: StaffCertificationStatus) -> List[Dict[str, Any]]:
        return _answer(dispatcher, status)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        request_id = str(tracker.get_slot("certification_request") or "")
        if not request_id:
            dispatcher.utter_message(text=ENDED)
            return []
        try:
            status = self.ask_portal(request_id, kiosk_of(tracker))
        except PortalError as error:
            return self.unreachable(dispatcher, error)
        return self.decided(dispatcher, status)


class ActionStaffCertified(AsksAboutStaffRequest):
    """/staff_certified: the console said staff decided (or the resident tapped the button)."""

    def name(self) -> str:
        return "action_staff_certified"

    def ask_portal(self, request_id: str, kiosk: str) -> StaffCertificationStatus:
        return portal().staff_certification(request_id, kiosk)

    def unreachable(self, dispatcher: CollectingDispatcher, error: PortalError) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=sentence_for(error), buttons=[DONE_BUTTON])
        return []


class ActionStaffWaitOver(AsksAboutStaffRequest):
    """/staff_wait_over: nobody came in time. A decision made meanwhile stands; otherwise the
    request is withdrawn (staff can no longer confirm it) and the other ways are offered."""

    def name(self) -> str:
        return "action_staff_wait_over"

    def ask_portal(self, request_id: str, kiosk: str) -> StaffCertificationStatus:
        return portal().withdraw_staff_certification(request_id, kiosk)

    def unreachable(self, dispatcher: CollectingDispatcher, error: PortalError) -> List[Dict[str, Any]]:
        other_ways(dispatcher, NOBODY_CAME)  # the request expires on its own at the portal
        return [SlotSet("certification_request", None)]

    def decided(self, dispatcher: CollectingDispatcher, status: StaffCertificationStatus) -> List[Dict[str, Any]]:
        if status.status == "withdrawn":
            other_ways(dispatcher, NOBODY_CAME)
            return [SlotSet("certification_request", None)]
        return _answer(dispatcher, status)
