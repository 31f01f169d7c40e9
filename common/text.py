"""Small text helpers shared by the dialogue's actions and the kiosk's offline desk.

What counts as an answer to "what happened?" and "where?" is decided here once: a report the
kiosk takes by itself while the service is away is delivered later through the same dialogue,
and a rule that differed would let the kiosk accept a report the dialogue then refuses, with
the resident long gone and holding a receipt.
"""

from __future__ import annotations

import re
from typing import Optional

_FINAL_PUNCTUATION = "。.！!？?，, "
_SPACES_AND_PUNCT = re.compile(r"[\s，。,.!！?？、~～\"“”'‘’]+")
_FILLERS = ("那个", "呃", "嗯", "就是", "啊")

DESCRIPTION_MINIMUM = 4  # characters that say something: "灯坏了" is too little to act on
PLACE_MINIMUM = 2  # "村口", "楼下"

# What the resident hears when a description is too short, online and offline alike.
DESCRIPTION_UNCLEAR = "没听清楚是什么事。请再说一遍。"
DESCRIPTION_EXPLAINED = "请说说遇到的事，比如“楼道的灯坏了”“小区垃圾没人收”。"
PLACE_UNCLEAR = "没听清楚地点。请再说一遍。"
PLACE_EXPLAINED = "请说一个地方，比如“文明大道18号”“幸福小区3栋”。"
PHONE_UNCLEAR = "这个手机号好像不对。请再输一遍，一共11位。"


def bare_sentence(text: str) -> str:
    """A resident's sentence without its closing punctuation, to quote it inside a reply
    ("我帮您记下了：路灯不亮。" rather than "…路灯不亮。。")."""
    return text.rstrip(_FINAL_PUNCTUATION)


def meaningful(text: Optional[str], minimum: int = DESCRIPTION_MINIMUM) -> bool:
    """Enough words to act on: fillers (呃, 那个) and punctuation do not count."""
    if not text:
        return False
    cleaned = _SPACES_AND_PUNCT.sub("", text)
    for filler in _FILLERS:
        cleaned = cleaned.replace(filler, "")
    return len(cleaned) >= minimum

# A turn that would otherwise show and say nothing (an action failed, a reply got lost): the
# dialogue's guard (nlu/reply_guard.py) and the kiosk's (kiosk/session.py) both say this.
NOTHING_DONE = "对不起，刚才没有办成。请您再说一遍，或者点“找人帮忙”。"
