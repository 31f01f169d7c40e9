"""JSON-schema validation in the Rasa server with each schema checked once, not on every call.

Why: Rasa 3.6 validates every action server answer (`Action._validate_action_result`) and
every event list put to a tracker (`rasa.server.validate_events_in_request_body`) with
`jsonschema.validate(instance, schema)`. That function first checks the *schema* against its
meta-schema, every time; for Rasa's large event schema this was 85 % of the Rasa server's busy
time in a profiled pension turn (py-spy, docs/benchmarks.md), several times per turn since a
turn runs the form, its validation and the errand's action. The schemas never change while
the server runs, so each is checked and compiled once; the instances are validated exactly as
before (the same validator class, the same best-match error raised).

Then, 9 % of the busy time was still these checks: an event list is checked against a `oneOf`
of 23 event kinds, and jsonschema tries every kind for every event, building an error object
for each of the 22 that do not fit. Each kind fixes the event's name (`"event": {"const":
"slot"}`), so an instance whose name differs cannot fit it. A first, quick check therefore
tries only the kinds whose fixed strings the instance does not contradict; an instance it
accepts is valid (a kind it skipped could not have matched). Anything it rejects is checked
again by jsonschema's full validator, so an invalid answer raises exactly the error it
raised before.

Installed by nlu/rasa_main.py for `rasa run` only; anything called with extra arguments goes
to jsonschema's own function untouched.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Iterator, Tuple

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

_ORIGINAL: Callable[..., None] = jsonschema.validate
_VALIDATORS: Dict[str, Any] = {}
MOST_SCHEMAS = 64  # Rasa validates against a handful; a bound all the same


def _ruled_out(alternative: Any, instance: Any) -> bool:
    """Whether a property of the instance differs from a string the alternative fixes for it
    (then `properties` fails on its `const`, whatever else the alternative says)."""
    if not isinstance(instance, dict) or not isinstance(alternative, dict):
        return False
    fixed = alternative.get("properties")
    if not isinstance(fixed, dict):
        return False
    return any(isinstance(rule, dict) and isinstance(rule.get("const"), str) and name in instance
               and instance[name] != rule["const"] for name, rule in fixed.items())


def _one_of_quickly(validator: Any, alternatives: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """`oneOf`, trying only the alternatives not ruled out; its one error is never shown."""
    fitting = sum(1 for alternative in alternatives if not _ruled_out(alternative, instance)
                  and validator.evolve(schema=alternative).is_valid(instance))
    if fitting != 1:
        yield ValidationError("not exactly one alternative fits: checked again in full")


def _validators(schema: Any) -> Tuple[Any, Any]:
    """(the quick validator, jsonschema's own) for a schema, each built once."""
    key = json.dumps(schema, sort_keys=True, default=repr)
    pair = _VALIDATORS.get(key)
    if pair is None:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        quick = jsonschema.validators.extend(cls, {"oneOf": _one_of_quickly})
        pair = (quick(schema), cls(schema))
        if len(_VALIDATORS) < MOST_SCHEMAS:
            _VALIDATORS[key] = pair
    return pair


def validate(instance: Any, schema: Any, *args: Any, **kwargs: Any) -> None:
    """`jsonschema.validate`, with the schema's own check and compilation done once, and a
    valid instance accepted by the quick check."""
    if args or kwargs:
        return _ORIGINAL(instance, schema, *args, **kwargs)
    quick, full = _validators(schema)
    if quick.is_valid(instance):
        return None
    error = best_match(full.iter_errors(instance))
    if error is not None:
        raise error
    return None


def install() -> None:
    """Every `jsonschema.validate` looked up from now on (Rasa imports it at call time in
    actions, and calls it as an attribute in its server) is the cached one."""
    jsonschema.validate = validate
