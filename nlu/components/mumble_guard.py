"""Sounds are not requests: "啊啊啊呀" or "哈哈哈" must be "not understood", never a service.

A classifier always picks its nearest intent, and with few characters to go on a run of
interjections lands, confidently, on whatever intent has 啊 or 哈 in its examples (是啊 →
affirm, 哈哈 → greet). Older residents hum, sigh and laugh at the microphone; treating that
as 是的 could confirm a submission they never agreed to. So an utterance made only of
interjections is set to nlu_fallback, and the kiosk asks again with big buttons. 嗯 and 哦
alone stay with the classifier: they are how people say yes.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

FALLBACK = "nlu_fallback"
INTERJECTIONS = set("啊呀嗯哦噢呃哈呵嘿呜啦哎唉诶欸哇咦哟嘛呢吧呐哼")
ASSENT = set("嗯哦噢呐")  # 嗯呐: yes, in Gan and Hakka speech
IGNORED = set(" ，。！？、,.!?~…")


def is_mumble(text: str) -> bool:
    """Only interjections, and not just the sounds of assent."""
    sounds = [char for char in text if char not in IGNORED]
    return bool(sounds) and set(sounds) <= INTERJECTIONS and not set(sounds) <= ASSENT


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class MumbleGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MumbleGuard:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not is_mumble(message.get(TEXT) or ""):
                continue
            fallback = {INTENT_NAME_KEY: FALLBACK, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [item for item in message.data.get(INTENT_RANKING_KEY, [])
                       if item.get(INTENT_NAME_KEY) != FALLBACK]
            message.data[INTENT] = fallback
            message.data[INTENT_RANKING_KEY] = [fallback, *ranking]
        return messages
