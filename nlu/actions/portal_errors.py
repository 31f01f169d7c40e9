"""What the resident hears when the portal cannot help: what happened, and what to do now."""

from __future__ import annotations

from portal.errors import PortalError, PortalInvalidAnswer, PortalNotFound, PortalRefused

UNAVAILABLE = "系统暂时连不上。请您过一会儿再试，或者点“找人帮忙”。"
INVALID_ANSWER = "系统返回的信息有问题，我不敢乱说。请您点“找人帮忙”，工作人员会帮您查。"
LOCKED = "错误次数太多了，系统暂停了一会儿。请您过几分钟再试，或者点“找人帮忙”。"
EXPIRED = "刚才的验证过期了。请您重新输入身份证号。"
NOT_FOUND = "没有查到您的信息。请您点“找人帮忙”。"
NO_HALL = "这个区县的办事大厅还没有查到。请您换一个区县，或者点“找人帮忙”。"
REFUSED = "系统没有办成这件事。请您点“找人帮忙”，工作人员会帮您。"


def sentence_for(error: PortalError) -> str:
    """One plain sentence pair per kind of failure; never the technical message."""
    if isinstance(error, PortalRefused):
        if error.code == "too_many_attempts":
            return LOCKED
        if error.code == "token_invalid":
            return EXPIRED
        return REFUSED
    if isinstance(error, PortalNotFound):
        return NO_HALL if error.code == "hall_not_found" else NOT_FOUND
    if isinstance(error, PortalInvalidAnswer):
        return INVALID_ANSWER
    return UNAVAILABLE
