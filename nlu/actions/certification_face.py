"""The face check (刷脸认证), where the kiosk has a working camera.

The kiosk tells its action server whether its camera works (`POST /devices/camera`, with the
kiosk's device key, the card reader's): only then is the face check offered to its residents.
When the resident chooses it, the dialogue keeps the resident's portal token for this
conversation in the vault and tells the kiosk to start (FACE_CHECK). The kiosk guides the
resident into place, runs the liveness step, and posts the chosen frames here
(`POST /certification/face`); they go to the portal with the token, the verdict is kept in the
vault for the conversation and the frames are dropped at once, never stored or logged. The
kiosk then says /face_checked, and `ActionUseFaceCheck` tells the resident: certified, try
again, or (after two failures, or whenever the portal cannot judge) a staff member in person.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sanic.response import json as json_reply

from common.kiosk_protocol import FACE_CHECK, FACE_OUTCOMES, STEP, directive
from config import get_settings
from nlu.actions import practice
from nlu.actions.certification import FACE_BUTTON, STAFF_BUTTON, certified, face_tries_left
from nlu.actions.device_routes import authorised, body, refused
from nlu.actions.portal_access import portal
from nlu.actions.portal_errors import sentence_for
from nlu.actions.resident import identity_still_valid, kiosk_id, kiosk_of
from nlu.actions.turns import portal_pool
from nlu.actions.vault import vault
from portal import deadline
from portal.errors import PortalError, PortalRefused

logger = logging.getLogger(__name__)

TOKEN, VERDICT, CAMERA = "face_token", "face_verdict", "camera"
MAX_FRAMES = 5
CHALLENGES = ("turn_left", "turn_right", "blink")
START = "好的，请您看着屏幕，照着提示做。"
ASK_STAFF = "请工作人员当面帮您认证，好吗？"
NO_CAMERA = "这台机器现在不能刷脸。" + ASK_STAFF
TRY_AGAIN = "请您再试一次，或者请工作人员当面帮您认证。"
TWICE = "两次都没有认出是您，没关系。请工作人员当面帮您认证吧。"
CANNOT_JUDGE = "机器这次拿不准是不是您。"
USED_UP = "今天刷脸的次数用完了。"
BY_FACE = "刷脸认证好了。"
WHY = {"no_match": "这次没有认出是您。", "not_live": "没有看到您转头。", "not_in_place": "没有拍清楚您的脸。",
       "camera_unavailable": "摄像头现在用不了。"}


def _kiosk_key(kiosk: str) -> str:
    return f"kiosk:{kiosk}"


def camera_ready(kiosk: str) -> bool:
    """The kiosk said lately that its camera works (and its face models are installed)."""
    return vault().get(_kiosk_key(kiosk), CAMERA) == "working"


def start_face_check(dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> List[Dict[str, Any]]:
    """Tell the kiosk to start, with the token kept (for the frames' call) in the vault only."""
    if not camera_ready(kiosk_of(tracker)):
        dispatcher.utter_message(text=NO_CAMERA, buttons=[STAFF_BUTTON])
        return []
    if not face_tries_left(tracker):
        dispatcher.utter_message(text=TWICE, buttons=[STAFF_BUTTON])
        return []
    vault().put(tracker.sender_id, TOKEN, token)
    vault().put(tracker.sender_id, VERDICT, "")
    dispatcher.utter_message(text=START, buttons=[STAFF_BUTTON],
                             json_message=directive(**{FACE_CHECK: "start", STEP: "face_check"}))
    return []


# -- the kiosk's routes -------------------------------------------------------------------------

def verify_frames(conversation: str, frames: List[str], challenge: str) -> Dict[str, Any]:
    """On a worker thread: the frames to the portal with the conversation's token; the verdict
    kept for the conversation. Returns what the kiosk may know (the verdict's word only)."""
    practice.mark_request(conversation)  # a lesson's face check reaches the sandbox only
    token = vault().get(conversation, TOKEN)
    if not token:
        expired = sentence_for(PortalRefused("no face check under way", "token_invalid"))
        outcome: Dict[str, Any] = {"verdict": "unavailable", "sentence": expired}
    else:
        try:
            with deadline.budget(get_settings().dialogue.turn_budget_seconds):
                answer = portal().verify_face_for_certification(token, frames, challenge, kiosk_id(conversation))
            outcome = {"verdict": answer.verdict, "reason": answer.reason,
                       "certification": answer.certification.model_dump(mode="json") if answer.certification else None}
        except PortalRefused as error:
            outcome = {"verdict": "used_up" if error.code == "too_many_face_checks" else "refused",
                       "sentence": sentence_for(error)}
        except PortalError as error:
            outcome = {"verdict": "unavailable", "sentence": sentence_for(error)}
    if outcome["verdict"] == "match":
        vault().put(conversation, TOKEN, "")  # certified: no second call with it
    vault().put(conversation, VERDICT, json.dumps(outcome, ensure_ascii=False))
    return {"verdict": outcome["verdict"]}


def face_routes() -> Blueprint:
    """`POST /devices/camera` {kiosk_id, working} and `POST /certification/face`
    {conversation, frames: [base64 JPEG], challenge}: only for the holder of the device key."""
    routes = Blueprint("certification_face")

    @routes.post("/devices/camera")
    async def camera(request: Request) -> HTTPResponse:
        if not authorised(request):
            return refused()
        content = body(request)
        if not isinstance((content or {}).get("kiosk_id"), str) or not isinstance((content or {}).get("working"), bool):
            return json_reply({"error": "kiosk_id and working are needed"}, status=400)
        vault().put(_kiosk_key(content["kiosk_id"][:64]), CAMERA, "working" if content["working"] else "off")
        return json_reply({"ok": True})

    @routes.post("/certification/face")
    async def face(request: Request) -> HTTPResponse:
        if not authorised(request):
            return refused()
        content = body(request)
        frames = (content or {}).get("frames")
        if (content is None or not isinstance(content.get("conversation"), str)
                or content.get("challenge") not in CHALLENGES or not isinstance(frames, list)
                or not 1 <= len(frames) <= MAX_FRAMES or not all(isinstance(frame, str) for frame in frames)):
            return json_reply({"error": "conversation, challenge and 1 to 5 frames are needed"}, status=400)
        answer = await asyncio.get_running_loop().run_in_executor(
            portal_pool(), verify_frames, content["conversation"], frames, content["challenge"])
        del frames, content  # sent; nothing of them is kept here
        return json_reply(answer)

    return routes


# -- the resident hears how it went -------------------------------------------------------------

class ActionUseFaceCheck(Action):
    """/face_checked{"face_outcome": ...}: the portal's verdict (from the vault) when frames were
    sent, else what the kiosk saw; a match is the certification, two failures the staff way."""

    def name(self) -> str:
        return "action_use_face_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        said = str(tracker.get_slot("face_outcome") or "")
        kept = vault().get(tracker.sender_id, VERDICT) if said == "checked" else None
        outcome = json.loads(kept) if kept else {"verdict": said if said in FACE_OUTCOMES else "unavailable"}
        events: List[Dict[str, Any]] = [SlotSet("face_outcome", None)]
        verdict = outcome.get("verdict")
        if verdict == "match" and outcome.get("certification"):
            from portal.models import Certification

            return events + certified(dispatcher, Certification.model_validate(outcome["certification"]), BY_FACE)
        if verdict in ("needs_staff_review", "used_up"):
            return events + self._to_staff(dispatcher, tracker, USED_UP if verdict == "used_up" else CANNOT_JUDGE)
        if verdict in ("unavailable", "refused", "checked"):
            dispatcher.utter_message(text=outcome.get("sentence") or sentence_for(PortalError("")),
                                     buttons=[STAFF_BUTTON])
            return events
        if verdict == "camera_unavailable":
            dispatcher.utter_message(text=WHY[verdict] + ASK_STAFF, buttons=[STAFF_BUTTON])
            return events
        failures = int(tracker.get_slot("face_failures") or 0) + 1
        events.append(SlotSet("face_failures", float(failures)))
        if failures >= 2:
            dispatcher.utter_message(text=WHY.get(str(verdict), "") + TWICE, buttons=[STAFF_BUTTON])
        else:
            dispatcher.utter_message(text=WHY.get(str(verdict), "") + TRY_AGAIN,
                                     buttons=[dict(FACE_BUTTON, title="再试一次"), STAFF_BUTTON])
        return events

    @staticmethod
    def _to_staff(dispatcher: CollectingDispatcher, tracker: Tracker, lead: str) -> List[Dict[str, Any]]:
        """The portal cannot judge: a staff member comes at once (the resident is still verified)."""
        from nlu.actions.certification_staff import ask_staff

        if not identity_still_valid(tracker):  # the staff way's button verifies the resident again
            dispatcher.utter_message(text=lead + ASK_STAFF, buttons=[STAFF_BUTTON])
            return []
        try:
            return ask_staff(dispatcher, tracker, str(tracker.get_slot("resident_token")), lead)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return []
