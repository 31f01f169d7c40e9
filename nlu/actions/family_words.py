"""The words of 授权家人代办 (nlu/actions/family_authorise.py): who the relative is, what they
may do and for how long, as buttons and as residents say them, in the portal's values."""

from __future__ import annotations

from portal.family_models import SCOPE_NAMES

# What a resident may say for who the relative is, longest words first ("外孙女" before "孙女");
# the values are the portal's (portal/sandbox/family.py RELATIONSHIPS).
RELATION_WORDS = (("外孙女", "外孙女"), ("外孙", "外孙"), ("孙女", "孙女"), ("孙子", "孙子"), ("儿媳", "儿媳"),
                  ("女婿", "女婿"), ("儿子", "儿子"), ("女儿", "女儿"), ("闺女", "女儿"), ("老伴", "老伴"),
                  ("爱人", "老伴"), ("老头", "老伴"), ("其他", "其他亲属"), ("亲戚", "其他亲属"))
RELATIONS = {value for _, value in RELATION_WORDS}
SCOPE_CHOICES = {"query": ["query"], "query,certification_reminder": ["query", "certification_reminder"],
                 "query,certification_reminder,payment": ["query", "certification_reminder", "payment"]}
DAY_WORDS = (("三个月", 90), ("3个月", 90), ("半年", 180), ("两年", 730), ("2年", 730), ("一年", 365), ("1年", 365),
             ("一个月", 30), ("1个月", 30))
DAY_NAMES = {30: "一个月", 90: "三个月", 180: "半年", 365: "一年", 730: "两年"}


def relationship_said(value: str) -> str:
    """The portal's word for who the relative is, from a tapped value or the words said; ''."""
    value = value.strip()
    if value in RELATIONS:
        return value
    return next((relation for word, relation in RELATION_WORDS if word in value), "")


def scopes_said(value: str) -> str:
    """'query' / 'query,certification_reminder' / all three, from a tap or the words; ''."""
    value = value.strip()
    if value in SCOPE_CHOICES:
        return value
    if any(word in value for word in ("全部", "都可以", "都行", "所有", "缴费", "交费", "交钱")):
        return "query,certification_reminder,payment"
    if "提醒" in value or "认证" in value:
        return "query,certification_reminder"
    return "query" if "查" in value else ""


def days_said(value: str) -> int:
    value = value.strip()
    if value.isdigit() and int(value) in DAY_NAMES:
        return int(value)
    return next((days for word, days in DAY_WORDS if word in value), 0)


def scope_words(scopes: str) -> str:
    return "、".join(SCOPE_NAMES[scope] for scope in scopes.split(",") if scope in SCOPE_NAMES)


def pronoun(relationship: str) -> str:
    """她 for a daughter, granddaughter, daughter-in-law; 他 for a son...; otherwise words, not
    他（她）, which reads badly and sounds like a stammer."""
    if relationship in ("女儿", "孙女", "外孙女", "儿媳"):
        return "她"
    if relationship in ("儿子", "孙子", "外孙", "女婿"):
        return "他"
    return "您老伴" if relationship == "老伴" else "这位亲属"


RELATION_BUTTONS = [{"title": word, "payload": f'/inform{{"agent_relationship": "{word}"}}'}
                    for word in ("儿子", "女儿", "老伴", "孙子", "孙女", "其他亲属")]
SCOPE_BUTTONS = [{"title": title, "payload": f'/inform{{"agent_scopes": "{value}"}}'} for title, value in (
    ("只查询", "query"), ("查询和认证提醒", "query,certification_reminder"),
    ("全部（查询、认证提醒、缴费）", "query,certification_reminder,payment"))]
DAY_BUTTONS = [{"title": DAY_NAMES[days], "payload": f'/inform{{"agent_days": "{days}"}}'} for days in (30, 90, 365)]


