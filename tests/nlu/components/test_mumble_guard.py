"""Humming and laughter must never pass for a yes (nlu/components/mumble_guard.py)."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.components.mumble_guard import MumbleGuard, is_mumble


@pytest.mark.parametrize("text", ["啊啊啊呀", "哈哈哈", "呃……", "唉 唉", "呜呜啦啦"])
def test_sounds_alone_are_mumbling(text):
    assert is_mumble(text)


@pytest.mark.parametrize("text", ["嗯", "嗯嗯", "哦", "嗯呐", "是啊", "对啊", "哎 你好啊", "", "啊 我要查养老金"])
def test_words_and_assent_are_not(text):
    assert not is_mumble(text)


def test_a_mumble_becomes_not_understood_and_keeps_the_ranking():
    message = Message(data={"text": "啊啊啊呀", "intent": {"name": "affirm", "confidence": 0.78},
                            "intent_ranking": [{"name": "affirm", "confidence": 0.78},
                                               {"name": "greet", "confidence": 0.05}]})
    words = Message(data={"text": "是啊", "intent": {"name": "affirm", "confidence": 0.97}})
    MumbleGuard().process([message, words])
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 1.0}
    assert [item["name"] for item in message.get("intent_ranking")] == ["nlu_fallback", "affirm", "greet"]
    assert words.get("intent") == {"name": "affirm", "confidence": 0.97}
