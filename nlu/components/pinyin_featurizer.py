"""Pinyin features: a homophone the recogniser wrote (养老今 for 养老金) still sounds the same.

Speech recognition errors in Mandarin are mostly same-sound characters. Each token is
described by the toneless pinyin of its characters (single syllables and adjacent pairs),
hashed into a fixed number of columns, so 养老今 and 养老金 share every feature. Hashing
needs no vocabulary, so the component has nothing to train or store.

No longer in nlu/config.yml: intents now come from the linear model
(linear_intent_classifier.py), which has its own sound n-grams built on `syllables` here.
`make nlu-report` still feeds these features to DIET to rebuild the previous pipeline and
show what the change is worth.

With `across_tokens`, the sentence features also hold the syllable pairs of the whole
message, regardless of where Jieba cut it: a homophone often changes the cut (医保卡里 ->
医报 / 卡里), and the pairs across the new boundaries still match the trained sentence.
"""

from __future__ import annotations

import zlib
from typing import Any, Dict, List

import numpy as np
import scipy.sparse
from pypinyin import Style, lazy_pinyin
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def syllables(text: str) -> List[str]:
    """Toneless pinyin per character; anything that is not Chinese stays as it is."""
    return [s for s in lazy_pinyin(text, style=Style.NORMAL, errors="default") if s.strip()]


def token_keys(text: str) -> List[str]:
    sounds = syllables(text)
    pairs = [f"{a}_{b}" for a, b in zip(sounds, sounds[1:], strict=False)]
    return sounds + pairs + (["~" + "".join(sounds)] if sounds else [])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class PinyinFeaturizer(SparseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**SparseFeaturizer.get_default_config(), "dimensions": 4096, "across_tokens": False}

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.dimensions = int(config["dimensions"])
        self.across_tokens = bool(config.get("across_tokens", False))

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> PinyinFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        if int(config.get("dimensions", 0)) < 64:
            raise ValueError("PinyinFeaturizer needs at least 64 dimensions")

    def _column(self, key: str) -> int:
        return zlib.crc32(key.encode("utf-8")) % self.dimensions

    def _featurize(self, message: Message) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        if not tokens:
            return
        rows, cols = [], []
        for row, token in enumerate(tokens):
            for key in token_keys(token.text):
                rows.append(row)
                cols.append(self._column(key))
        shape = (len(tokens), self.dimensions)
        sequence = scipy.sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
        sentence = sequence.sum(axis=0)
        if self.across_tokens:
            sounds = [s for token in tokens for s in syllables(token.text)]
            for a, b in zip(sounds, sounds[1:], strict=False):
                sentence[0, self._column(f"{a}_{b}")] = 1
        sentence = scipy.sparse.coo_matrix(np.asarray(sentence).clip(0, 1))
        self.add_features_to_message(sequence=sequence, sentence=sentence, attribute=TEXT, message=message)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._featurize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
