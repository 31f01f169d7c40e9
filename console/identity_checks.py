"""Staff checking a resident's card in person, for a kiosk that asked (no phone, no card the
reader takes): what the console shows and how staff decide.

The portal keeps the check and records who decided; the console only shows its masked view
and passes the decision on, under the staff member's own account. A volunteer cannot decide:
the page offers the buttons to staff only, and the route refuses anyone else.
"""

from __future__ import annotations

import logging
from typing import Optional

from console.help_desk import Refused
from portal.client import PortalClient
from portal.errors import PortalError, PortalNotFound, PortalRefused
from portal.models import StaffCheckView

logger = logging.getLogger(__name__)

ALREADY = {"already_decided": "这次核验已经有人确认过了。",
           "check_expired": "这次核验已经过期了，请居民在自助机上重新选“请工作人员核验”。",
           "not_a_resident": "系统里没有这个身份证号的居民。请核对居民的身份证，或者请他到窗口办理。"}
UNREACHABLE = "现在连不上政务系统，请稍后再试。"


class IdentityChecks:
    def __init__(self, portal: PortalClient) -> None:
        self.portal = portal

    def view(self, check_id: str, staff_account: str) -> Optional[StaffCheckView]:
        """The check as staff see it (masked), or None when the portal cannot say now."""
        try:
            return self.portal.staff_check_for_staff(check_id, staff_account)
        except PortalError as error:
            logger.warning("staff check could not be shown: %s", type(error).__name__)
            return None

    def decide(self, check_id: str, staff_account: str, confirmed: bool) -> StaffCheckView:
        """Confirm (the card in hand is this resident's) or refuse; a refusal names why not."""
        try:
            return self.portal.decide_staff_check(check_id, staff_account, confirmed)
        except PortalNotFound as error:
            raise Refused("这次核验已经不在了。", 404) from error
        except PortalRefused as error:
            raise Refused(ALREADY.get(error.code, "政务系统没有接受这次确认。"), 409) from error
        except PortalError as error:
            raise Refused(UNREACHABLE, 503) from error
