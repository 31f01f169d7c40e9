"""JSON-schema validation in the Rasa server with each schema checked once, not on every call.

Why: Rasa 3.6 validates every action server answer (`Action._validate_action_result`) and
every event list put to a tracker (`rasa.server.validate_events_in_request_body`) with
`jsonschema.validate(instance, schema)`. That function first checks the *schema* against its
meta-schema, every time; for Rasa's large event schema this was 85 % of the Rasa server's busy
time in a profiled pension turn (py-spy, docs/benchmarks.md), several times per turn since a
turn runs the form, its validation and the errand's action. The schemas never change while
the server runs, so each is checked and compiled once; the instances are validated exactly as
before (the same validator class, the same best-match error raised).

Installed by nlu/rasa_main.py for `rasa run` only; anything called with extra arguments goes
to jsonschema's own function untouched.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict

import jsonschema
from jsonschema.exceptions import best_match

_ORIGINAL: Callable[..., None] = jsonschema.validate
_VALIDATORS: Dict[str, Any] = {}
MOST_SCHEMAS = 64  # Rasa validates against a handful; a bound all the same


def _validator(schema: Any) -> Any:
    key = json.dumps(schema, sort_keys=True, default=repr)
    validator = _VALIDATORS.get(key)
    if validator is None:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = cls(schema)
        if len(_VALIDATORS) < MOST_SCHEMAS:
            _VALIDATORS[key] = validator
    return validator


def validate(instance: Any, schema: Any, *args: Any, **kwargs: Any) -> None:
    """`jsonschema.validate`, with the schema's own check and compilation done once."""
    if args or kwargs:
        return _ORIGINAL(instance, schema, *args, **kwargs)
    error = best_match(_validator(schema).iter_errors(instance))
    if error is not None:
        raise error
    return None


def install() -> None:
    """Every `jsonschema.validate` looked up from now on (Rasa imports it at call time in
    actions, and calls it as an attribute in its server) is the cached one."""
    jsonschema.validate = validate
