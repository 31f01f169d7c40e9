"""How well details (entities) are found: the held-out entity set and the first sentences.

Shared by the NLU report (`make nlu-report`, in the Rasa environment, each pipeline's parse as
the finder) and tests/nlu/test_understanding.py (the kiosk environment, common.understanding
alone), so both score the same way. Pure Python and PyYAML; it imports neither Rasa nor
config/ or runtime/.

How a found detail is compared with the expected one (nlu/tests/entities_test.yml says the same):
- appointment_date: both sides resolved with common.dates.parse_day against the file's `today`,
  then the days compared (a found value that resolves to no day is wrong);
- id_number, phone_number, case_number: read as the form validators read them (common.number_finder);
- free text (place, problem_description, rating_comment, person_name): punctuation and blanks at
  the ends stripped; an expected value may list accepted spellings separated by " | ";
- everything else exactly. The same detail found twice in a sentence counts once (it fills one
  slot); anything else found that was not expected counts against precision.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from common import dates, number_finder, numbers

TESTS = Path(__file__).resolve().parent.parent / "tests"
ENTITIES_TEST = TESTS / "entities_test.yml"
FIRST_SENTENCES = TESTS / "first_sentences.yml"

ALTERNATIVES = " | "
FREE_TEXT = frozenset({"place", "problem_description", "rating_comment", "person_name"})
_EDGES = " \t\u3000，。,.!！?？、~～"
_NUMBER_READERS: Dict[str, Callable[[str], Optional[str]]] = {
    "id_number": number_finder.identity_number, "phone_number": number_finder.phone_number,
    "case_number": number_finder.case_number}

Pair = Tuple[str, str]  # (entity, value)
Finder = Callable[[str], Iterable[Pair]]


@dataclass(frozen=True)
class Sentence:
    """One test sentence: its text, the details it gives, and (first sentences) its intent."""

    text: str
    expected: Tuple[Pair, ...]
    intent: Optional[str] = None


@dataclass(frozen=True)
class SentenceSet:
    today: date
    sentences: Tuple[Sentence, ...]


def _pairs(details: Dict[str, object], where: str) -> Tuple[Pair, ...]:
    pairs: List[Pair] = []
    for entity, value in (details or {}).items():
        for one in value if isinstance(value, list) else [value]:
            if one is None or str(one).strip() == "":
                raise ValueError(f"{where}: {entity} has no value")
            pairs.append((str(entity), str(one)))
    return tuple(pairs)


def load(path: Path, details_key: str) -> SentenceSet:
    """A test file; every expected day must resolve against its `today`, else the file is wrong."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = data.get("today")
    if not isinstance(today, date):
        raise ValueError(f"{path.name}: `today` must be a date (YYYY-MM-DD)")
    sentences = []
    for index, item in enumerate(data.get("sentences") or []):
        where = f"{path.name} sentence {index + 1} ({item.get('text')!r})"
        if not item.get("text") or details_key not in item:
            raise ValueError(f"{where}: needs text and {details_key}")
        expected = _pairs(item[details_key], where)
        for entity, value in expected:
            if entity == "appointment_date" and dates.parse_day(value, today) is None:
                raise ValueError(f"{where}: appointment_date {value!r} is no day on {today}")
        sentences.append(Sentence(str(item["text"]), expected, item.get("intent")))
    if not sentences:
        raise ValueError(f"{path.name}: no sentences")
    return SentenceSet(today, tuple(sentences))


def load_entities(path: Path = ENTITIES_TEST) -> SentenceSet:
    return load(path, "entities")


def load_first_sentences(path: Path = FIRST_SENTENCES) -> SentenceSet:
    test_set = load(path, "slots")
    missing = [s.text for s in test_set.sentences if not s.intent]
    if missing:
        raise ValueError(f"{path.name}: no intent for {missing}")
    return test_set


def canonical(entity: str, value: object, today: date) -> str:
    """A value as the slot would hold it once read: days as ISO dates, numbers as digits."""
    text = str(value).strip(_EDGES)
    if entity == "appointment_date":
        day = dates.parse_day(text, today)
        return day.isoformat() if day else f"no day: {text}"
    if entity in _NUMBER_READERS:
        return _NUMBER_READERS[entity](text) or numbers.normalise_digits(text) or text
    if entity == "rating" and text.endswith(".0"):  # a float slot's value
        return text[:-2]
    return text


def _accepted(entity: str, value: str, today: date) -> Tuple[str, ...]:
    spellings = value.split(ALTERNATIVES) if entity in FREE_TEXT else [value]
    return tuple(canonical(entity, spelling, today) for spelling in spellings)


@dataclass(frozen=True)
class Miss:
    text: str
    entity: str
    expected: Optional[str]  # None: found but not said
    found: Optional[str]  # None: said but not found


@dataclass
class Matched:
    """One sentence: the expected details found, the ones missed, and what was found besides."""

    found: List[Pair] = field(default_factory=list)
    missed: List[Pair] = field(default_factory=list)
    extra: List[Pair] = field(default_factory=list)


def match(sentence: Sentence, found: Iterable[Pair], today: date) -> Matched:
    unique: List[Pair] = []
    for entity, value in found:
        pair = (entity, canonical(entity, value, today))
        if pair not in unique:
            unique.append(pair)
    result = Matched()
    for entity, value in sentence.expected:
        accepted = _accepted(entity, value, today)
        hit = next((pair for pair in unique if pair[0] == entity and pair[1] in accepted), None)
        if hit is None:
            result.missed.append((entity, value))
        else:
            unique.remove(hit)
            result.found.append((entity, value))
    result.extra = unique
    return result


@dataclass
class EntityScores:
    true_positives: Counter = field(default_factory=Counter)
    false_positives: Counter = field(default_factory=Counter)
    false_negatives: Counter = field(default_factory=Counter)
    expected: Counter = field(default_factory=Counter)
    misses: List[Miss] = field(default_factory=list)

    def entities(self) -> List[str]:
        return sorted(set(self.expected) | set(self.false_positives))

    def precision(self, entity: Optional[str] = None) -> float:
        tp, fp = self._count(self.true_positives, entity), self._count(self.false_positives, entity)
        return tp / (tp + fp) if tp + fp else 0.0

    def recall(self, entity: Optional[str] = None) -> float:
        tp, fn = self._count(self.true_positives, entity), self._count(self.false_negatives, entity)
        return tp / (tp + fn) if tp + fn else 0.0

    def f1(self, entity: Optional[str] = None) -> float:
        tp = self._count(self.true_positives, entity)
        wrong = self._count(self.false_positives, entity) + self._count(self.false_negatives, entity)
        return 2 * tp / (2 * tp + wrong) if tp else 0.0

    @staticmethod
    def _count(counter: Counter, entity: Optional[str]) -> int:
        return sum(counter.values()) if entity is None else counter[entity]

    def misses_by_entity(self) -> Dict[str, List[Miss]]:
        grouped: Dict[str, List[Miss]] = {}
        for miss in self.misses:
            grouped.setdefault(miss.entity, []).append(miss)
        return dict(sorted(grouped.items()))


def _misses(text: str, matched: Matched) -> List[Miss]:
    """A missed detail and a wrong one of the same entity are one miss: a wrong value."""
    extra = list(matched.extra)
    misses = []
    for entity, value in matched.missed:
        wrong = next((pair for pair in extra if pair[0] == entity), None)
        if wrong is not None:
            extra.remove(wrong)
        misses.append(Miss(text, entity, value, wrong[1] if wrong else None))
    return misses + [Miss(text, entity, None, value) for entity, value in extra]


def score_entities(test_set: SentenceSet, found: Sequence[Sequence[Pair]]) -> EntityScores:
    """`found[i]`: the (entity, value) pairs found in sentence i."""
    scores = EntityScores()
    for sentence, pairs in zip(test_set.sentences, found, strict=True):
        matched = match(sentence, pairs, test_set.today)
        scores.expected.update(entity for entity, _v in sentence.expected)
        scores.true_positives.update(entity for entity, _v in matched.found)
        scores.false_negatives.update(entity for entity, _v in matched.missed)
        scores.false_positives.update(entity for entity, _v in matched.extra)
        scores.misses += _misses(sentence.text, matched)
    return scores


@dataclass
class FirstSentenceScores:
    sentences: int = 0
    right_intent: int = 0
    all_details: int = 0
    both: int = 0
    # (text, expected intent, found intent, details missed)
    misses: List[Tuple[str, str, str, List[Pair]]] = field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.sentences if self.sentences else 0.0


def score_first_sentences(test_set: SentenceSet, parsed: Sequence[Tuple[str, Sequence[Pair]]]) -> FirstSentenceScores:
    """`parsed[i]`: (intent, found (entity, value) pairs) for sentence i. A detail counts as found
    when its entity has the expected value; details found besides are not held against it."""
    scores = FirstSentenceScores()
    for sentence, (intent, pairs) in zip(test_set.sentences, parsed, strict=True):
        matched = match(sentence, pairs, test_set.today)
        right, complete = intent == sentence.intent, not matched.missed
        scores.sentences += 1
        scores.right_intent += right
        scores.all_details += complete
        scores.both += right and complete
        if not (right and complete):
            scores.misses.append((sentence.text, str(sentence.intent), intent, matched.missed))
    return scores


def describe(miss: Miss) -> str:
    if miss.expected is None:
        return f"{miss.text} — found {miss.entity} {miss.found!r}, not said"
    if miss.found is None:
        return f"{miss.text} — {miss.entity} {miss.expected!r} not found"
    return f"{miss.text} — {miss.entity} {miss.expected!r}, found {miss.found!r}"
