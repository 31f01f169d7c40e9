"""The details in every sentence, for Rasa: days, times, districts, hall services, ratings,
names and numbers, found by common/understanding.py.

Why not DIET (which did this before) or CRF: the details have closed or regular forms that
a tested parser reads exactly, while a model trained on a few dozen examples guessed, needed
TensorFlow, and took minutes to train; docs/nlu-report.md compares them. The entities carry
their canonical values (于都 -> 于都县, 老年证 -> 老年人优待证, 差评 -> 2), so no synonym
table is kept beside the registry of facts.

Button payloads (`/inform{"district": "章贡区"}`) already carry their entities; they are
left as they are.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from common import understanding


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class DetailExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> DetailExtractor:
        understanding.warm_up()
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        today = date.today()
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            found = [detail.as_entity(text) for detail in understanding.find_details(text, today)]
            if found:
                entities = message.get(ENTITIES, []) + self.add_extractor_name(found)
                message.set(ENTITIES, entities, add_to_output=True)
        return messages
