"""RulePolicy's rule lookup, narrowed by the conversation's last action, with the same answers.

Why: Rasa 3.6's RulePolicy checks every learned rule against the conversation at every
prediction (`_get_possible_keys`), and a card turn makes four or five predictions. The kiosk's
model holds 589 rules and 163 unhappy-path rules (most are generated: each errand's start and
each form's interruptions), so that check was 16 % of the Rasa server's busy time in a
profiled pension turn (py-spy, docs/benchmarks.md).

A rule can only apply if its last state matches the conversation's current state, and a
last state that names a previous action matches only a conversation whose previous action
has that very name (`RulePolicy._does_rule_match_state`). So the rules are grouped once by
the action their last state names; a prediction checks the group of the conversation's
previous action and the rules whose last state names none. Rasa's own `_is_rule_applicable`
still decides every rule it checks, state by state as before, and the rules are checked in
the order Rasa checks them, so the keys found are the same set, built in the same order
(which matters where two matching rules are equally long: Rasa takes the first it meets).

Installed by nlu/rasa_main.py for `rasa run` and `rasa test`; training, which builds the
lookup and checks rules for contradictions while doing so, is left to Rasa's own method.
tests/nlu/components/test_rasa_shortcuts.py compares both on the trained model's rules.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.nlu.constants import ACTION_NAME

_ORIGINAL: Callable[[RulePolicy, Dict[str, str], List[Dict[str, Any]]], Set[str]] = RulePolicy._get_possible_keys


class RuleIndex:
    """One lookup's rule keys in Rasa's checking order, each with the action its last state
    names; the keys that may apply after an action are picked out once per action."""

    def __init__(self, lookup: Dict[str, str]) -> None:
        self.lookup = lookup
        self.size = len(lookup)
        # set(lookup.keys()) is exactly the order Rasa's own method iterates.
        self._named = [(key, last_action_named(RulePolicy._rule_key_to_state(key))) for key in set(lookup.keys())]
        self._after: Dict[Optional[str], List[str]] = {}

    def candidates(self, action: Optional[str]) -> List[str]:
        """The rules that may apply after `action` (its own and those naming none), in Rasa's order."""
        picked = self._after.get(action)
        if picked is None:
            picked = self._after[action] = [key for key, name in self._named if name in (None, action)]
        return picked


def last_action_named(rule_states: List[Dict[str, Any]]) -> Optional[str]:
    """The action a rule's last state requires as the previous one, if it names one."""
    if not rule_states:
        return None
    name = (rule_states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    return name if name and name != SHOULD_NOT_BE_SET else None


_INDEXES: Dict[int, RuleIndex] = {}


def _index(lookup: Dict[str, str]) -> RuleIndex:
    index = _INDEXES.get(id(lookup))
    if index is None or index.lookup is not lookup or index.size != len(lookup):
        index = _INDEXES[id(lookup)] = RuleIndex(lookup)
    return index


def possible_keys(policy: RulePolicy, lookup: Dict[str, str], states: List[Dict[str, Any]]) -> Set[str]:
    """`RulePolicy._get_possible_keys`, checking only the rules that may apply."""
    if not states:
        return _ORIGINAL(policy, lookup, states)
    current = (states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    keys: Iterable[str] = _index(lookup).candidates(current or None)
    for turn, state in enumerate(reversed(states)):
        keys = {key for key in keys if policy._is_rule_applicable(key, turn, state)}
    return set(keys)


def install() -> Tuple[Callable[..., Set[str]], Callable[..., Set[str]]]:
    """From now on every RulePolicy finds its rules through the index. Returns (Rasa's own
    method, the indexed one) for the comparison test."""
    RulePolicy._get_possible_keys = possible_keys
    return _ORIGINAL, possible_keys
