"""Intent from a regularised linear model over characters, words and sounds.

Why not DIET's intent: residents' requests are short and the hand-written examples are few
(a few dozen per intent). DIET, trained from scratch on so little, latched onto single
characters and was sure of itself when wrong ("荷包胨怎么做" taken for the pension
certification because 做 is in "认证怎么做"). A logistic regression over TF-IDF character
n-grams, Jieba words and toneless pinyin n-grams generalises better on the NLU report's
held-out split, is steadier on same-sound recognition errors (the sounds of 养老今 are those
of 养老金), gives probabilities the fallback thresholds can use, and trains in seconds,
deterministically. docs/nlu-report.md compares the two.

Details are blanked before the model sees them (`mask_details`): a day, a time, a district, a
name or a number becomes one placeholder per kind ("下个礼拜三上午去章贡区办老年证" is read as
"Ⓓ Ⓣ 去 Ⓠ 办老年证"). Without that, the short detail-only answers (`inform`: "明天上午", "章贡区")
made every day and district evidence for `inform`, and a first sentence that said everything at
once ("明天上午去章贡区办老年证我先预约") was taken for an answer with no errand. With it, what
decides is the rest of the sentence, and any day the parsers know counts the same as the few the
examples name. Hall services, ratings and a report's words stay: they are what errands are about.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, Dict, List, Optional, Sequence, Tuple

import joblib
import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from common import understanding
from nlu.components import tfidf_rows
from nlu.components.pinyin_featurizer import syllables

logger = logging.getLogger(__name__)
MODEL_FILE = "linear_intent_classifier.joblib"
# One placeholder per kind of detail (characters no resident's sentence holds).
PLACEHOLDERS = {"appointment_date": "Ⓓ", "appointment_time": "Ⓣ", "appointment_period": "Ⓣ", "district": "Ⓠ",
                "person_name": "Ⓟ", "id_number": "Ⓝ", "phone_number": "Ⓝ", "case_number": "Ⓝ"}
# Training examples are masked against a fixed day, so that training stays reproducible; which
# day hardly matters, as the examples' days ("明天", "下个礼拜三") resolve on any.
TRAINING_DAY = date(2026, 1, 5)
Span = Tuple[int, int, str]


def detail_spans(text: str, today: date) -> List[Span]:
    """(start, end, placeholder) of each detail the model should not read word for word."""
    return [(d.start, d.end, PLACEHOLDERS[d.entity]) for d in understanding.find_details(text, today)
            if d.entity in PLACEHOLDERS]


def masked_text(text: str, spans: Sequence[Span]) -> str:
    out, last = [], 0
    for start, end, mark in sorted(spans):
        if start < last:
            continue
        out += [text[last:start], mark]
        last = end
    return "".join(out + [text[last:]])


def masked_words(message: Message, spans: Sequence[Span]) -> List[str]:
    """Jieba's words, each run of words inside one detail turned into its placeholder."""
    out: List[str] = []
    taken = -1
    for token in message.get(TOKENS_NAMES[TEXT]) or []:
        if not token.text.strip():
            continue
        inside = next((index for index, (start, end, _mark) in enumerate(spans)
                       if token.start < end and start < token.end), None)
        if inside is None:
            out.append(token.text)
        elif inside != taken:
            out.append(spans[inside][2])
            taken = inside
    return out


def _as_is(items: List[str]) -> List[str]:
    """The analyser for pre-split input (module level, so the fitted model pickles)."""
    return items


def sound_grams(text: str, longest: int) -> List[str]:
    """Toneless syllables and runs of up to `longest` of them: 养老今 and 养老金 share all."""
    sounds = syllables(text)
    return ["_".join(sounds[i:i + size]) for size in range(1, longest + 1) for i in range(len(sounds) - size + 1)]


def words(message: Message) -> List[str]:
    return [token.text for token in message.get(TOKENS_NAMES[TEXT]) or [] if token.text.strip()]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"char_ngrams": 3, "sound_ngrams": 2, "C": 100.0, "tol": 1e-4, "ranking_length": 10,
                "random_seed": 20261124, "mask_details": True}

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 fitted: Optional[Tuple[List[TfidfVectorizer], LogisticRegression]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.vectorizers, self.model = fitted if fitted else (self._new_vectorizers(), None)
        self._weights = self._dense_weights()
        self._rows = self._row_readers()

    def _dense_weights(self) -> Optional[np.ndarray]:
        """The coefficients transposed once, in memory order, for a multinomial model (more than
        two intents). Why: sklearn's predict_proba multiplies the sparse features by `coef_.T`,
        a transposed view, and took 3.9 ms a sentence (a sixth of a Rasa turn); the same product
        against a contiguous copy takes 0.01 ms and gives the same numbers."""
        model = self.model
        if model is None or len(model.classes_) <= 2 or model.solver == "liblinear":
            return None
        if getattr(model, "multi_class", "auto") not in ("auto", "multinomial"):
            return None
        return np.ascontiguousarray(model.coef_.T)

    def probabilities(self, features: scipy.sparse.csr_matrix) -> np.ndarray:
        """predict_proba's answer: the softmax of the decision scores."""
        if self._weights is None:
            return self.model.predict_proba(features)
        scores = np.asarray(features @ self._weights) + self.model.intercept_
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def _new_vectorizers(self) -> List[TfidfVectorizer]:
        chars = TfidfVectorizer(analyzer="char", ngram_range=(1, int(self.config["char_ngrams"])), sublinear_tf=True)
        columns = 3 if self.config["sound_ngrams"] else 2  # sound_ngrams 0: no pinyin (the report's comparison)
        return [chars] + [TfidfVectorizer(analyzer=_as_is, sublinear_tf=True) for _ in range(columns - 1)]

    def _inputs(self, messages: List[Message], today: Optional[date] = None) -> List[List[Any]]:
        texts = [message.get(TEXT) or "" for message in messages]
        if self.config["mask_details"]:
            day = today or date.today()
            spans = [detail_spans(text, day) for text in texts]
            texts = [masked_text(text, found) for text, found in zip(texts, spans, strict=True)]
            word_lists = [masked_words(message, found) for message, found in zip(messages, spans, strict=True)]
        else:
            word_lists = [words(message) for message in messages]
        inputs = [texts, word_lists]
        if self.config["sound_ngrams"]:
            inputs.append([sound_grams(text, int(self.config["sound_ngrams"])) for text in texts])
        return inputs

    def _features(self, messages: List[Message]) -> scipy.sparse.csr_matrix:
        if self._rows is not None:  # sklearn's arithmetic, a row at a time (nlu/components/tfidf_rows.py)
            return tfidf_rows.transform(self._rows, self._inputs(messages))
        return self._sklearn_features(messages)

    def _sklearn_features(self, messages: List[Message]) -> scipy.sparse.csr_matrix:
        return scipy.sparse.hstack([vectorizer.transform(column) for vectorizer, column
                                    in zip(self.vectorizers, self._inputs(messages), strict=True)]).tocsr()

    def _row_readers(self) -> Optional[List[tfidf_rows.TfidfRows]]:
        if self.model is None or not all(tfidf_rows.supported(v) for v in self.vectorizers):
            return None
        return [tfidf_rows.TfidfRows(vectorizer) for vectorizer in self.vectorizers]

    def train(self, training_data: TrainingData) -> Resource:
        examples = [message for message in training_data.intent_examples if message.get(INTENT) and message.get(TEXT)]
        if len({message.get(INTENT) for message in examples}) < 2:
            logger.warning("LinearIntentClassifier needs at least two intents; not trained.")
            return self._resource
        features = scipy.sparse.hstack([vectorizer.fit_transform(column) for vectorizer, column
                                        in zip(self.vectorizers, self._inputs(examples, TRAINING_DAY), strict=True)]
                                       ).tocsr()
        self.model = LogisticRegression(C=float(self.config["C"]), class_weight="balanced", max_iter=5000,
                                        tol=float(self.config["tol"]),
                                        random_state=int(self.config["random_seed"]))
        self.model.fit(features, [message.get(INTENT) for message in examples])
        self._weights = self._dense_weights()
        self._rows = self._row_readers()
        with self._model_storage.write_to(self._resource) as folder:
            joblib.dump((self.vectorizers, self.model), folder / MODEL_FILE)
        return self._resource

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as folder:
                fitted = joblib.load(folder / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("LinearIntentClassifier was not trained; intents are left as they are.")
            fitted = None
        return cls(config, model_storage, resource, fitted)

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None or not messages:
            return messages
        probabilities = self.probabilities(self._features(messages))
        for message, row in zip(messages, probabilities, strict=True):
            ordered = sorted(zip(self.model.classes_, row, strict=True), key=lambda pair: -pair[1])
            ranking = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: float(score)} for name, score in ordered]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[:int(self.config["ranking_length"])], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Rasa's training graph may run a classifier over the training data, as it does its own
        LogisticRegressionClassifier; intents there are given, so nothing is added."""
        return training_data
