"""The linear intent model (nlu/components/linear_intent_classifier.py): trained for real on a
small data set, saved to and loaded from a real model storage."""

from pathlib import Path
from typing import Dict, List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.linear_intent_classifier import LinearIntentClassifier, sound_grams

EXAMPLES: Dict[str, List[str]] = {
    "query_pension": ["查养老金", "我的养老金到了没有", "养老金发了多少", "帮我看看养老金"],
    "query_medical_insurance": ["查医保", "医保卡里还有多少钱", "医保余额", "看看我的医保"],
    "thank": ["谢谢", "谢谢你", "多谢多谢", "麻烦你了"],
}


def message(text: str, intent: str = "") -> Message:
    tokens = [Token(char, index) for index, char in enumerate(text)]  # one token per character will do here
    data = {TEXT: text, TOKENS_NAMES[TEXT]: tokens}
    return Message(data={**data, INTENT: intent} if intent else data)


def ranking(classifier: LinearIntentClassifier, text: str) -> Dict[str, float]:
    heard = message(text)
    classifier.process([heard])
    return {item["name"]: item["confidence"] for item in heard.get(INTENT_RANKING_KEY)}


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


@pytest.fixture()
def trained(storage: LocalModelStorage) -> LinearIntentClassifier:
    classifier = LinearIntentClassifier.create(LinearIntentClassifier.get_default_config(), storage,
                                               Resource("linear"), ExecutionContext(GraphSchema({}), "test"))
    classifier.train(TrainingData([message(text, intent) for intent, texts in EXAMPLES.items() for text in texts]))
    return classifier


def test_sound_grams_are_the_same_for_a_homophone():
    assert sound_grams("养老今", 2) == sound_grams("养老金", 2)
    assert "yang_lao" in sound_grams("养老金", 2)


def test_a_homophone_still_finds_its_intent(trained: LinearIntentClassifier):
    # Not one character in common with what was trained: only the sounds match.
    scores = ranking(trained, "样劳今")  # yang lao jin, as 养老金
    assert max(scores, key=scores.get) == "query_pension"
    scores = ranking(trained, "一宝")  # yi bao, as 医保
    assert max(scores, key=scores.get) == "query_medical_insurance"


def test_a_ranking_of_probabilities_the_fallback_thresholds_can_use(trained: LinearIntentClassifier):
    scores = ranking(trained, "谢谢你")
    assert max(scores, key=scores.get) == "thank"
    assert sum(scores.values()) == pytest.approx(1.0) and set(scores) == set(EXAMPLES)


def test_the_saved_model_loads_and_answers_the_same(trained: LinearIntentClassifier, storage: LocalModelStorage):
    loaded = LinearIntentClassifier.load({}, storage, Resource("linear"), ExecutionContext(GraphSchema({}), "test"))
    assert ranking(loaded, "医保余额多少") == pytest.approx(ranking(trained, "医保余额多少"))


def test_untrained_it_leaves_the_message_alone(storage: LocalModelStorage):
    classifier = LinearIntentClassifier.load({}, storage, Resource("never-trained"),
                                             ExecutionContext(GraphSchema({}), "test"))
    heard = message("谢谢")
    heard.set(INTENT, {"name": "thank", "confidence": 0.9})
    classifier.process([heard])
    assert heard.get(INTENT) == {"name": "thank", "confidence": 0.9}


def test_its_probabilities_are_sklearns_own(trained: LinearIntentClassifier, storage: LocalModelStorage):
    """The contiguous-weights product gives what predict_proba gives, trained and loaded."""
    import numpy as np

    loaded = LinearIntentClassifier.load({}, storage, Resource("linear"), ExecutionContext(GraphSchema({}), "test"))
    sentences = [message(text) for text in ("医保余额多少", "谢谢你", "样劳今", "今天天气怎么样", "")]
    for classifier in (trained, loaded):
        assert classifier._weights is not None  # more than two intents: the fast product is used
        features = classifier._features(sentences)
        assert np.allclose(classifier.probabilities(features), classifier.model.predict_proba(features), atol=1e-12)


def test_its_features_are_sklearns_transform(trained: LinearIntentClassifier):
    """Row by row (nlu/components/tfidf_rows.py), the same numbers as the vectorizers' own
    transform: sentences it learnt, new ones, empty, unknown characters, placeholders."""
    import numpy as np

    texts = [text for texts in EXAMPLES.values() for text in texts] + [
        "", "今天天气怎么样", "ABC abc 123", "样劳今样劳今样劳今", "明天上午去章贡区办老年证", "医保 医保 医保"]
    sentences = [message(text) for text in texts]
    assert trained._rows is not None
    ours, theirs = trained._features(sentences), trained._sklearn_features(sentences)
    assert ours.shape == theirs.shape and ours.nnz == theirs.nnz > 0
    assert np.array_equal((ours != 0).toarray(), (theirs != 0).toarray())
    assert abs(ours - theirs).max() <= 1e-12
    for text, row in zip(texts, trained.model.predict_proba(theirs), strict=True):
        assert ranking(trained, text) == pytest.approx(dict(zip(trained.model.classes_, row, strict=True)))
