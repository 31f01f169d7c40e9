"""Words that work on every screen, by voice as by the bar's buttons, answered by the kiosk
itself (instantly, and even when the dialogue service is unreachable)."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from common.kiosk_protocol import INPUT_CHOICE, INPUT_YES_NO
from kiosk.number_entry import NUMBER_INPUTS
from kiosk.speech import digits

# phrase -> controller method
COMMANDS: Dict[str, str] = {
    "首页": "home", "回首页": "home",
    "返回": "back", "上一步": "back",
    "再听一遍": "repeat", "再说一遍": "repeat",
    "字大一点": "bigger_text",
    "找人帮忙": "help", "找工作人员": "help",
    "说慢一点": "slower", "慢一点": "slower",
    "说快一点": "faster",
    "大声一点": "louder", "大点声": "louder",
    "小声一点": "softer",
}

YES_NO = ["是", "是的", "对", "对的", "没错", "不是", "不对", "错了", "不要"]


def command_for(text: str) -> Optional[str]:
    return COMMANDS.get(text.strip("，。！？ "))


def phrases_for(input_kind: Optional[str], choices: Sequence[str]) -> Optional[List[str]]:
    """The grammar for what the screen accepts, or None for free speech.

    Numbers, 是/不是 and readable choices get a grammar (more accurate for older voices);
    a home or conversation screen, masked names and descriptions take free speech.
    """
    if input_kind in NUMBER_INPUTS:
        return digits.grammar_words() + list(COMMANDS)
    if input_kind == INPUT_YES_NO:
        return YES_NO + list(COMMANDS)
    if input_kind == INPUT_CHOICE and choices and not any("*" in choice for choice in choices):
        return list(choices) + list(COMMANDS)
    return None
