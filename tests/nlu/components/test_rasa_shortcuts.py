"""The Rasa server's shortcuts give exactly Rasa's own answers: nlu/rule_index.py the same rule
keys, in the same order, for conversations made of the trained model's own rules (each rule's
steps, shortened, with a different last action, after other steps); nlu/tracker_building.py
the same event classes and the same slot copies; nlu/schema_cache.py's quick check the same
verdict as jsonschema on good and bad action answers; nlu/components/tfidf_rows.py the same
features as sklearn's transform on every sentence of the NLU data."""

from __future__ import annotations

import json
import random
import tarfile
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.nlu.constants import ACTION_NAME

from nlu import rule_index, schema_cache, tracker_building

MODELS = Path(__file__).resolve().parents[3] / "models"


@pytest.fixture(scope="module")
def model_archive() -> Path:
    models = sorted(MODELS.glob("*.tar.gz"))
    if not models:
        pytest.skip("no trained model in models/ (make train)")
    return models[-1]


@pytest.fixture(scope="module")
def lookups(model_archive: Path) -> Dict[str, Dict[str, str]]:
    with tarfile.open(model_archive) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("RulePolicy1/rule_policy.json"))
        lookup = json.load(archive.extractfile(member))["lookup"]
    return {name: lookup[name] for name in ("rules", "rules_for_loop_unhappy_path")}


def conversations(lookup: Dict[str, str]) -> List[List[Dict[str, Any]]]:
    """Each rule's own states; the same with the last action swapped; a rule's steps after
    another rule's; every prefix of a few."""
    chance = random.Random(20261204)
    rules = [json.loads(key) for key in lookup]
    actions = sorted({(state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME) for rule in rules for state in rule} - {None})
    made = []
    for states in rules:
        made.append(states)
        swapped = json.loads(json.dumps(states))
        if swapped[-1].get(PREVIOUS_ACTION):
            swapped[-1][PREVIOUS_ACTION] = {ACTION_NAME: chance.choice(actions)}
            made.append(swapped)
        made.append(chance.choice(rules) + states)
    for states in chance.sample(rules, 40):
        made.extend(states[:end] for end in range(1, len(states)))
    return made


def test_the_index_finds_exactly_the_rules_rasa_finds(lookups):
    own, indexed = rule_index._ORIGINAL, rule_index.possible_keys
    policy = RulePolicy.__new__(RulePolicy)  # the method reads nothing of the instance but its rule checks
    checked = {"own": 0, "indexed": 0}
    applicable = policy._is_rule_applicable

    def counting(which):
        def check(key, turn, state):
            checked[which] += 1
            return applicable(key, turn, state)
        return check

    found_some = 0
    for lookup in lookups.values():
        for states in conversations(lookup):
            policy._is_rule_applicable = counting("own")
            expected = list(own(policy, lookup, states))
            policy._is_rule_applicable = counting("indexed")
            got = list(indexed(policy, lookup, states))
            assert got == expected, states
            found_some += bool(expected)
    assert found_some > 500  # the conversations do match rules: the comparison means something
    assert checked["indexed"] < checked["own"] / 3, checked


def test_event_classes_by_name_are_rasas_own():
    from rasa.shared.core.events import Event

    names = ["slot", "user", "bot", "action", "active_loop", "action_execution_rejected", "session_started",
             "user_featurization", "restart", "followup"]
    expected = [tracker_building._ORIGINAL_RESOLVE(name) for name in names]
    assert [tracker_building.resolve_by_type(name) for name in names] == expected
    assert all(cls is not None and issubclass(cls, Event) for cls in expected)
    assert tracker_building.resolve_by_type("topic") is None  # Rasa's answer for old TopicSet events
    assert tracker_building.resolve_by_type("no_such_event", default=Event) is Event
    with pytest.raises(ValueError):
        tracker_building.resolve_by_type("no_such_event")


def test_slots_are_copied_as_copy_copies_them():
    import copy

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.slots import Slot
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(Path(__file__).resolve().parents[3] / "nlu" / "domain"))
    kinds = {type(slot) for slot in domain.slots}
    assert len(domain.slots) > 50 and len(kinds) >= 4  # text, float, bool, categorical, any, list
    for slot in domain.slots:
        slot.value = ["a list", 1]  # a value the copy shares, as copy.copy's does
        ours, theirs = tracker_building.copy_slot(slot), copy.copy(slot)
        assert type(ours) is type(theirs) is type(slot) and ours is not slot
        assert ours.__dict__ == theirs.__dict__ and ours.value is slot.value

    class Pickled(type(domain.slots[0])):  # a slot class with its own pickling: copied copy.copy's way
        def __getstate__(self):
            return {"name": "from getstate", "value": None}

    pickled = Pickled("x", mappings=[{"type": "custom"}])
    assert not tracker_building._plain(Pickled) and tracker_building._plain(type(domain.slots[0]))
    assert tracker_building.copy_slot(pickled).__dict__ == copy.copy(pickled).__dict__ == Pickled.__getstate__(pickled)
    original = Slot.__dict__.get("__copy__")
    tracker_building.install()
    try:
        assert Slot.__copy__ is tracker_building.copy_slot
        made = DialogueStateTracker("kiosk-1-abc", domain.slots)
        assert set(made.slots) == {slot.name for slot in domain.slots}
        assert all(made.slots[slot.name] is not slot for slot in domain.slots)
    finally:
        if original is None:
            del Slot.__copy__
        else:
            Slot.__copy__ = original


ANSWERS = [
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "好的。"}]},
    {"events": [{"event": "bot", "text": "您好。", "data": {}}, {"event": "action", "name": "x", "policy": None},
                {"event": "active_loop", "name": None}, {"event": "followup", "name": "x"}], "responses": []},
    {"events": [{"event": "user", "text": "你好", "parse_data": {"intent": {"name": "greet", "confidence": 1.0},
                                                              "entities": [{"entity": "d", "value": "明天"}]}}]},
    {"events": [{"event": "slot", "name": 3}], "responses": "not a list"},
    {"events": [{"event": "slot", "value": 1}]},  # a slot without its name
    {"events": [{"name": "x"}]},  # no event name at all
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": 5}]},
    {"events": [{"event": "user", "parse_data": {"entities": [{"value": 1}]}}]},  # an entity without a name
    {"events": [{"event": "action", "confidence": "high"}]},
    {"events": "slot"},
]


@pytest.mark.parametrize("answer", ANSWERS)
def test_the_quick_schema_check_gives_jsonschemas_verdict_and_error(answer):
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    spec = RemoteAction.action_response_format_spec()
    quick, _full = schema_cache._validators(spec)
    try:
        schema_cache._ORIGINAL(answer, spec)
    except jsonschema.ValidationError as error:
        expected = (error.message, list(error.path))
    else:
        expected = None
    assert quick.is_valid(answer) is (expected is None)
    try:
        schema_cache.validate(answer, spec)
    except jsonschema.ValidationError as error:
        assert (error.message, list(error.path)) == expected
    else:
        assert expected is None


def test_the_trained_models_features_row_by_row_are_sklearns(model_archive):
    """The kiosk's own trained vectorizers, on every sentence of the NLU data."""
    import io
    import re

    import joblib
    import numpy as np
    import scipy.sparse

    from nlu.components import tfidf_rows
    from nlu.components.linear_intent_classifier import MODEL_FILE, sound_grams

    with tarfile.open(model_archive) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith(MODEL_FILE))
        vectorizers, _model = joblib.load(io.BytesIO(archive.extractfile(member).read()))
    data = Path(__file__).resolve().parents[3] / "nlu" / "data" / "nlu"
    texts = [line.strip()[2:] for path in sorted(data.glob("*.yml"))
             for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"^\s+- \S", line)]
    assert len(texts) > 5000
    columns = [texts, [list(text) for text in texts], [sound_grams(text, 2) for text in texts]]
    assert all(tfidf_rows.supported(v) for v in vectorizers)
    ours = tfidf_rows.transform([tfidf_rows.TfidfRows(v) for v in vectorizers], columns)
    theirs = scipy.sparse.hstack([v.transform(c) for v, c in zip(vectorizers, columns, strict=True)]).tocsr()
    theirs.sort_indices()
    assert ours.shape == theirs.shape and ours.nnz == theirs.nnz
    assert np.array_equal(ours.indices, theirs.indices) and np.array_equal(ours.indptr, theirs.indptr)
    assert np.abs(ours.data - theirs.data).max() <= 1e-12
