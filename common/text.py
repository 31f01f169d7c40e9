"""Small text helpers shared by the dialogue's actions and the kiosk's offline desk."""

from __future__ import annotations

_FINAL_PUNCTUATION = "。.！!？?，, "


def bare_sentence(text: str) -> str:
    """A resident's sentence without its closing punctuation, to quote it inside a reply
    ("我帮您记下了：路灯不亮。" rather than "…路灯不亮。。")."""
    return text.rstrip(_FINAL_PUNCTUATION)
