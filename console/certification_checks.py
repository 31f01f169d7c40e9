"""Staff certifying a resident's yearly pension entitlement in person (社区工作人员当面认证), for a
kiosk that asked: what the console shows and how staff decide.

The same pattern as the staff identity check (console/identity_checks.py): the kiosk's help
request carries the portal's request ("certification:<id>", common.kiosk_protocol.staff_task);
the portal keeps the request and records the certification with the way `community_staff`, the
staff account and the time; the console only shows the portal's masked view and passes the
decision on under the staff member's own account. Volunteers see that a resident waits, and are
told to fetch staff: the page and its decision route are for staff only, and a confirmation needs
the box "seen in person, with the card" ticked. The kiosk is told (`certification_decided`), and
its dialogue then asks the portal how it went: the event itself certifies nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional, Tuple

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from common.kiosk_protocol import CERTIFICATION_DECIDED, CERTIFICATION_TASK, task_of
from console.app import form_value, message, render, require
from console.help_desk import Refused
from portal.certification_models import StaffCertificationView
from portal.client import PortalClient
from portal.errors import PortalError, PortalNotFound, PortalRefused

logger = logging.getLogger(__name__)

REFUSALS = {"already_decided": "这次认证已经有人处理过了。",
            "request_expired": "这次认证等的时间太长，已经过期了。请居民在自助机上重新选“请工作人员认证”。",
            "request_withdrawn": "居民在自助机上已经不等了。需要的话，请居民重新选“请工作人员认证”。",
            "seen_in_person_required": "请先当面见到居民本人，核对身份证，再勾选“我已当面核对”。"}
UNREACHABLE = "现在连不上政务系统，请稍后再试。"
STATUS_WORDS = {"waiting": "等工作人员", "confirmed": "已认证", "refused": "没有认证",
                "expired": "已过期", "withdrawn": "居民已经不等了"}
DECIDED_EVENT = CERTIFICATION_DECIDED  # what the kiosk is told after a decision (kiosk/staff_wait.py)

certification_pages = Blueprint("certification_pages")


def request_of(reference: str) -> str:
    """The portal's certification request in a help request's staff task; '' for none."""
    kind, request_id = task_of(reference)
    return request_id if kind == CERTIFICATION_TASK else ""


class CertificationChecks:
    def __init__(self, portal: PortalClient) -> None:
        self.portal = portal

    def view(self, request_id: str, staff_account: str) -> Optional[StaffCertificationView]:
        """The request as staff see it (masked), or None when the portal cannot say now."""
        try:
            return self.portal.staff_certification_for_staff(request_id, staff_account)
        except PortalError as error:
            logger.warning("certification request could not be shown: %s", type(error).__name__)
            return None

    def decide(self, request_id: str, staff_account: str, confirmed: bool, seen: bool) -> StaffCertificationView:
        """Confirm (seen in person with the card) or refuse; a refusal names why not."""
        try:
            return self.portal.decide_staff_certification(request_id, staff_account, confirmed, seen)
        except PortalNotFound as error:
            raise Refused("这次认证已经不在了。", 404) from error
        except PortalRefused as error:
            raise Refused(REFUSALS.get(error.code, "政务系统没有接受这次认证。"), 409) from error
        except PortalError as error:
            raise Refused(UNREACHABLE, 503) from error


def _task(request: Request, help_id: int) -> Tuple[Dict[str, Any], str]:
    """The help request and the portal request it carries; Refused when there is none."""
    row = request.app.ctx.help_desk.request(help_id)
    if row is None:
        raise Refused("这个求助已经办好了，或者已经不在了。", 404)
    request_id = request_of(row.get("identity_check") or "")
    if not request_id or request.app.ctx.certification_checks is None:
        raise Refused("这个求助不需要做资格认证。", 400)
    return row, request_id


@certification_pages.get("/help/<help_id:int>/certification")
async def page(request: Request, help_id: int) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    try:
        row, request_id = _task(request, help_id)
    except Refused as why:
        return message(request, why.message, status=why.status, back="/help")
    view = await asyncio.get_running_loop().run_in_executor(
        None, request.app.ctx.certification_checks.view, request_id, request.ctx.session.username)
    return render(request, "certification_check.html", help=row, check=view,
                  status_word=STATUS_WORDS.get(view.status, view.status) if view else "")


@certification_pages.post("/help/<help_id:int>/certification")
async def decide(request: Request, help_id: int) -> HTTPResponse:
    """Staff, with the resident and the card in front of them: 确认认证 or 不能认证. The help
    request becomes theirs (recorded), the portal records the decision under their account,
    and the kiosk is told."""
    refused = require(request, "staff")
    if refused:
        return refused
    confirmed = form_value(request, "decision") == "confirm"
    seen = form_value(request, "seen_in_person") == "yes"
    staff = request.ctx.session.username
    desk, store = request.app.ctx.help_desk, request.app.ctx.store

    def act() -> None:
        row, request_id = _task(request, help_id)
        if confirmed and not seen:
            raise Refused(REFUSALS["seen_in_person_required"], 400)
        desk.take_over(help_id, staff)
        request.app.ctx.certification_checks.decide(request_id, staff, confirmed, seen)
        store.send_to_kiosk(row["kiosk_id"], {"type": DECIDED_EVENT, "request_id": request_id})

    try:
        await asyncio.get_running_loop().run_in_executor(None, act)
    except Refused as why:
        return message(request, why.message, status=why.status, back=f"/help/{help_id}/certification")
    return redirect(f"/help/{help_id}/certification")
