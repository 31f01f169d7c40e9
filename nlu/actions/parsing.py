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


# -- 12345 problems ---------------------------------------------------------------------

CATEGORY_WORDS = {
    "供水供电": ("停水", "停电", "水管", "自来水", "电灯", "路灯", "灯坏", "灯不亮", "没电", "没水", "漏电"),
    "市容环境": ("垃圾", "脏", "臭", "绿化", "卫生", "狗屎", "乱堆"),
    "道路交通": ("马路", "路口", "红绿灯", "井盖", "坑", "公交", "停车", "人行道", "路面"),
    "住房物业": ("物业", "漏水", "电梯", "楼顶", "房子", "楼道", "小区门"),
    "噪音扰民": ("吵", "噪音", "广场舞", "音响", "施工", "装修"),
    "社会保障": ("养老金", "补贴", "低保", "社保", "退休金"),
    "医疗卫生": ("医院", "看病", "药", "医生", "卫生院"),
}


def problem_category(description: str) -> str:
    """The 12345 category a description most likely belongs to; 其他 when unsure."""
    scores = {category: sum(word in description for word in words)
              for category, words in CATEGORY_WORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else "其他"
