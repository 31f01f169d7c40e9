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
TOO_MANY_CODES = "短信已经发了好几次了。请您过几分钟再试，或者请工作人员核验。"
KIOSK_LIMIT = "这台机器核验的次数太多了，要等一会儿。请您到服务台，请工作人员帮您。"
TOO_MANY_CHECKS = "这个号码刚才已经请工作人员核验好几次了。请您直接到服务台，请工作人员帮您。"
TOO_MANY_LOOKUPS = "这个号码刚才已经查了好几次了。请您过一会儿再试，或者点“找人帮忙”。"
CODE_SHAPE = "验证码是6位数字。请再输一遍。"
CASE_NUMBER_WRONG = "这个办件编号好像不对。请核对一下，再输一遍，一共16位数字。"
CARD_EXPIRED = "这张身份证已经过了有效期。请您点“找人帮忙”，工作人员会帮您。"
BY_CODE = {"too_many_attempts": LOCKED, "token_invalid": EXPIRED, "too_many_codes": TOO_MANY_CODES,
           "kiosk_limit": KIOSK_LIMIT, "card_expired": CARD_EXPIRED, "too_many_checks": TOO_MANY_CHECKS,
           "invalid_code": CODE_SHAPE, "invalid_case_number": CASE_NUMBER_WRONG,
           "too_many_lookups": TOO_MANY_LOOKUPS}


def sentence_for(error: PortalError) -> str:
    """One plain sentence pair per kind of failure; never the technical message."""
    if isinstance(error, PortalRefused):
        return BY_CODE.get(error.code, REFUSED)
    if isinstance(error, PortalNotFound):
        return NO_HALL if error.code == "hall_not_found" else NOT_FOUND
    if isinstance(error, PortalInvalidAnswer):
        return INVALID_ANSWER
    return UNAVAILABLE
