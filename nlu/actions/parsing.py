"""Turning what a resident said or tapped into clean values (kept out of the action classes)."""

from __future__ import annotations

import re
from typing import Optional

_FILLERS = ("我的名字叫", "我的名字是", "名字叫", "名字是", "姓名是", "我叫", "我是", "叫做", "叫",
            "那个", "呃", "嗯", "就是")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_SPACES_AND_PUNCT = re.compile(r"[\s，。,.!！?？、~～\"“”'‘’]+")


def full_name(text: Optional[str]) -> Optional[str]:
    """'呃 我叫 张桂英。' -> '张桂英'; None when what is left is not a 2-4 character name."""
    if not text:
        return None
    cleaned = _SPACES_AND_PUNCT.sub("", text)
    changed = True
    while changed:
        changed = False
        for filler in _FILLERS:
            if cleaned.startswith(filler) and len(cleaned) > len(filler):
                cleaned, changed = cleaned[len(filler):], True
    return cleaned if _CJK_NAME.match(cleaned) else None


def is_masked_name(text: Optional[str]) -> bool:
    return bool(text) and "*" in str(text)
