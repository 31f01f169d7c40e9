"""What is due, read once per payment form and kept in the conversation: whose dues, what is
open (what, which year, how much, by when) and what has been paid, in the words the resident
hears and sees. Helpers only; the forms are in nlu/actions/payment_forms.py.

Whose dues: the verified resident's own (`self`), a member of their household (`member`,
the portal's opaque member id), anyone's looked up by number (`other`, the portal's lookup id),
or, for a relative acting for an elder (代办), the elder's own (`proxy`, with the proxy token).
Amounts stay the portal's decimal strings, to the cent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from nlu.actions.formatting import month_day, yuan
from nlu.actions.portal_access import portal
from nlu.actions.resident import kiosk_of
from portal.payment_models import Due, Dues

SELF, MEMBER, OTHER, PROXY = "self", "member", "other", "proxy"
NOTHING, UNAVAILABLE = "nothing", "unavailable"  # pay_dues_read when there is nothing to choose
ALL = "all"
KIND_WORDS = {"medical": ("医保", "医疗"), "pension": ("养老",)}
ALL_WORDS = ("都交", "都要", "两个", "全部", "一起", "都")


def fetch(tracker: Tracker, member_id: Optional[str] = None, for_whom: str = SELF,
          lookup_id: Optional[str] = None, proxy_token: Optional[str] = None) -> Dues:
    """The resident's own dues, (member_id) a household member's, (lookup_id) the person looked
    up, or (PROXY) the elder's a relative acts for, with `proxy_token`."""
    if lookup_id:
        return portal().looked_up_dues(lookup_id, kiosk_of(tracker))
    token = proxy_token if for_whom == PROXY else tracker.get_slot("resident_token")
    return portal().dues(token, member_id=member_id, kiosk_id=kiosk_of(tracker))


def what(due: Due) -> str:
    return f"{due.year}年{due.title}"


def kept(dues: Dues, for_whom: str) -> Dict[str, Any]:
    """The pay_open slot: what the later questions and the order need, without another call."""
    return {"for": for_whom, "name": dues.masked_name, "payee": dues.payee,
            "open": [{"due_id": d.due_id, "kind": d.kind, "what": what(d), "amount": str(d.amount),
                      "due_by": d.due_by.isoformat()} for d in dues.open]}


def reading(dues: Dues, for_whom: str) -> str:
    """'您的2027年城乡居民医保要交400.00 元，12月31日前交。2026年城乡居民医保已经交了。'"""
    owner = "您的" if for_whom == SELF else f"{dues.masked_name}的"
    parts = [f"{owner}{what(d)}要交{yuan(d.amount)}，{month_day(d.due_by)}前交。" for d in dues.open]
    paid = [what(d) for d in dues.paid]
    if paid:
        parts.append(f"{'、'.join(paid)}已经交了。")
    if not dues.open:
        parts.insert(0, f"{owner}费都交了，现在没有要交的。")
    return "".join(parts)


def chosen(open_: Dict[str, Any], value: str) -> Optional[List[str]]:
    """Due ids the answer means: tapped ids ("D1,D2"), 都交, or a kind said in words (只交医保)."""
    items = open_.get("open") or []
    ids = [item["due_id"] for item in items]
    text = str(value or "").strip()
    if text == ALL:
        return ids
    tapped = [part for part in text.split(",") if part]
    if tapped and all(part in ids for part in tapped):
        return tapped
    kinds = [kind for kind, words in KIND_WORDS.items() if any(word in text for word in words)]
    if len(kinds) == 1 and not any(word in text for word in ALL_WORDS[:4]):
        return [item["due_id"] for item in items if item["kind"] == kinds[0]] or None
    if any(word in text for word in ALL_WORDS) or len(kinds) > 1:
        return ids
    return None


def items_of(open_: Dict[str, Any], due_ids: List[str]) -> List[Dict[str, Any]]:
    return [item for item in open_.get("open") or [] if item["due_id"] in due_ids]


def total(items: List[Dict[str, Any]]) -> Decimal:
    return sum((Decimal(item["amount"]) for item in items), Decimal("0"))

