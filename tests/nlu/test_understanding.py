"""Every held-out entity sentence (nlu/tests/entities_test.yml) and every first sentence
(nlu/tests/first_sentences.yml, first_sentences_fresh.yml) through
common.understanding.find_details, without Rasa.

The floors are today's figures rounded down (F1 per entity to a step of 0.05, overall and the
first sentences to 0.01): a change that finds fewer details, or wrong ones, fails; a change that
finds more raises the figures, and then the floors should be raised with it. The rules were
shaped on the first two files (their misses were fixed one by one, so their 100 % flatters);
the fresh file was written afterwards and is the honest figure. Each run writes every miss to
tests/output/<test>/misses.txt and prints them, so nothing is skipped silently.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

import pytest

from common import understanding
from nlu.tools import entity_scores
from nlu.tools.nlu_examples import GENERATED, examples

OVERALL_F1_FLOOR = 0.99
F1_FLOORS: Dict[str, float] = {
    "appointment_date": 0.95,
    "appointment_period": 1.0,
    "appointment_time": 1.0,
    "case_number": 1.0,
    "district": 0.95,
    "hall_service": 0.95,
    "id_number": 1.0,
    "person_name": 0.95,
    "phone_number": 0.95,
    "place": 0.95,
    "problem_description": 0.95,
    "rating": 0.95,
    "rating_comment": 0.95,
}
FIRST_SENTENCES_ALL_DETAILS_FLOOR = 0.99

Pair = Tuple[str, str]


def found_details(test_set: entity_scores.SentenceSet) -> List[Sequence[Pair]]:
    return [[(detail.entity, detail.value) for detail in understanding.find_details(sentence.text, test_set.today)]
            for sentence in test_set.sentences]


def write_misses(folder: Path, lines: List[str]) -> None:
    text = "\n".join(lines) + "\n"
    (folder / "misses.txt").write_text(text, encoding="utf-8")
    print(text)


def test_entities_found_in_held_out_sentences(output_dir: Path) -> None:
    test_set = entity_scores.load_entities()
    found = found_details(test_set)
    assert len(found) == len(test_set.sentences) >= 120
    scores = entity_scores.score_entities(test_set, found)

    lines = [f"overall: precision {scores.precision():.3f}, recall {scores.recall():.3f}, F1 {scores.f1():.3f}"]
    lines += [f"{entity}: P {scores.precision(entity):.2f} R {scores.recall(entity):.2f} F1 {scores.f1(entity):.2f} "
              f"({scores.expected[entity]} expected)" for entity in scores.entities()]
    for entity, misses in scores.misses_by_entity().items():
        lines += [f"-- {entity}"] + [f"   {entity_scores.describe(miss)}" for miss in misses]
    write_misses(output_dir, lines)

    unscored = set(scores.entities()) - set(F1_FLOORS)
    assert not unscored, f"entities with no floor (add one): {sorted(unscored)}"
    below = {entity: round(scores.f1(entity), 3) for entity, floor in F1_FLOORS.items() if scores.f1(entity) < floor}
    assert not below, f"F1 fell below its floor: {below}\n" + "\n".join(lines)
    assert scores.f1() >= OVERALL_F1_FLOOR, "\n".join(lines)


def test_details_of_first_sentences() -> None:
    test_set = entity_scores.load_first_sentences()
    found = found_details(test_set)
    scores = entity_scores.score_first_sentences(
        test_set, [(str(sentence.intent), pairs) for sentence, pairs in zip(test_set.sentences, found, strict=True)])
    assert scores.sentences == len(test_set.sentences) >= 40
    incomplete = [f"{text}: {missed}" for text, _intent, _found, missed in scores.misses if missed]
    print("\n".join(incomplete))
    assert scores.share(scores.all_details) >= FIRST_SENTENCES_ALL_DETAILS_FLOOR, "\n".join(incomplete)


FRESH = entity_scores.TESTS / "first_sentences_fresh.yml"
# The fresh set was written after the rules and run once, untuned: 19 of 20 (小区后门 is no place
# the rules know). A floor, not a target: raise it when they do better, never tune on the file.
FRESH_ALL_DETAILS_FLOOR = 0.95


def load_fresh() -> entity_scores.SentenceSet:
    return entity_scores.load_first_sentences(FRESH)


def test_details_of_fresh_first_sentences() -> None:
    test_set = load_fresh()
    found = found_details(test_set)
    scores = entity_scores.score_first_sentences(
        test_set, [(str(sentence.intent), pairs) for sentence, pairs in zip(test_set.sentences, found, strict=True)])
    assert scores.sentences == len(test_set.sentences) >= 20
    incomplete = [f"{text}: {missed}" for text, _intent, _found, missed in scores.misses if missed]
    print("\n".join(incomplete))
    assert scores.share(scores.all_details) >= FRESH_ALL_DETAILS_FLOOR, "\n".join(incomplete)


@pytest.mark.parametrize("load", [entity_scores.load_entities, entity_scores.load_first_sentences, load_fresh])
def test_test_files_are_well_formed(load: Callable[[], entity_scores.SentenceSet]) -> None:
    """Every expected day resolves against the file's today; every sentence has its details."""
    test_set = load()
    assert test_set.sentences
    assert all(sentence.text.strip() for sentence in test_set.sentences)


def test_test_sets_are_held_out() -> None:
    """No sentence is word for word in the training data (markup taken off), and no number or name
    they expect is in it either: a model trained on nlu/data has never seen them."""
    training = [re.sub(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})", r"\1", text)
                for _intent, text in examples(include=GENERATED)]
    seen, everything = set(training), "\n".join(training)
    for load in (entity_scores.load_entities, entity_scores.load_first_sentences, load_fresh):
        for sentence in load().sentences:
            assert sentence.text not in seen, f"trained on: {sentence.text}"
            for entity, value in sentence.expected:
                if entity in ("person_name", "id_number", "phone_number", "case_number"):
                    assert value not in everything, f"{entity} {value} ({sentence.text}) is in the training data"


def test_scoring_compares_days_and_numbers_as_read() -> None:
    sentence = entity_scores.Sentence("下礼拜三打138 0797 1234", (("appointment_date", "下个礼拜三"),
                                                                  ("phone_number", "13807971234")))
    today = entity_scores.load_entities().today
    matched = entity_scores.match(sentence, [("appointment_date", "下礼拜三"), ("phone_number", "138 0797 1234"),
                                             ("phone_number", "13807971234")], today)
    assert (matched.missed, matched.extra) == ([], [])
    wrong = entity_scores.match(sentence, [("appointment_date", "下下礼拜三")], today)
    assert [pair[0] for pair in wrong.missed] == ["appointment_date", "phone_number"]
    assert [pair[0] for pair in wrong.extra] == ["appointment_date"]


@pytest.mark.parametrize("said, place", [
    ("楼道的灯坏了晚上看不见路", None),  # which building's 楼道? still to be asked
    ("门口的路灯坏了", None),
    ("幸福小区门口的路灯坏了", "幸福小区门口"),
    ("我家楼下的下水道堵了", "我家楼下"),
])
def test_a_place_that_names_no_place_is_left_to_be_asked(said, place):
    found = {d.entity: d.value for d in understanding.find_details(said, entity_scores.load_entities().today)}
    assert found.get("place") == place and "problem_description" in found
