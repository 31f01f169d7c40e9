"""nlu/rasa_main.py in the Rasa environment: TensorFlow stays out of `rasa run`, and the
reply guard answers a turn that uttered nothing."""

from __future__ import annotations

import subprocess
import sys


def test_serving_imports_no_tensorflow():
    """What `rasa run` imports to load the kiosk's model and serve it, without TensorFlow."""
    script = ("import sys; from nlu.rasa_main import defer_tensorflow; defer_tensorflow(serving=True); "
              "import rasa.core.agent, rasa.core.policies.rule_policy, rasa.core.policies.memoization; "
              "import rasa.nlu.classifiers.fallback_classifier, nlu.components.detail_extractor; "
              "print('tensorflow' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_a_silent_turn_is_answered_and_recorded_and_the_visit_end_is_left_alone():
    import asyncio

    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from common.kiosk_protocol import END_VISIT
    from nlu import reply_guard

    for said, answered in (("后天上午", True), (END_VISIT, False)):
        tracker = DialogueStateTracker.from_events("kiosk-1-abc", [UserUttered(said)])
        channel = CollectingOutputChannel()
        assert asyncio.run(reply_guard.answer_if_silent(channel, tracker)) is answered
        assert [m["text"] for m in channel.messages] == ([reply_guard.TEXT] if answered else [])
        assert isinstance(tracker.events[-1], BotUttered) is answered
    spoken = CollectingOutputChannel()
    asyncio.run(spoken.send_text_message("kiosk-1-abc", "好的。"))
    tracker = DialogueStateTracker.from_events("kiosk-1-abc", [UserUttered("你好")])
    assert asyncio.run(reply_guard.answer_if_silent(spoken, tracker)) is False  # it said something
    # An action failed after sending only its step and input kind: nothing to read or hear.
    from common.kiosk_protocol import INPUT, RESULT, STEP, directive

    only_directives = CollectingOutputChannel()
    asyncio.run(only_directives.send_custom_json("kiosk-1-abc", directive(**{STEP: "id_number", INPUT: "id_number"})))
    tracker = DialogueStateTracker.from_events("kiosk-1-abc", [UserUttered("/query_pension")])
    assert asyncio.run(reply_guard.answer_if_silent(only_directives, tracker)) is True
    assert only_directives.messages[-1]["text"] == reply_guard.TEXT
    card = CollectingOutputChannel()
    asyncio.run(card.send_custom_json("kiosk-1-abc", directive(**{RESULT: {"title": "登记号", "value": "1"}})))
    assert asyncio.run(reply_guard.answer_if_silent(card, tracker)) is False  # a result card is shown


def test_a_token_that_begins_with_a_dash_reaches_rasa_as_the_token():
    """secrets.token_urlsafe begins with "-" once in 64: Rasa's own parser must still take it as
    the token (as two words it read it as an option and `rasa run` stopped)."""
    import argparse

    from rasa.cli.arguments.run import add_server_arguments

    from nlu.rasa_main import rasa_arguments

    token = "-Xy_secret-token"
    arguments = rasa_arguments(["run", "--enable-api", "--auth-token-env", "T"], {"T": token})
    assert token not in arguments[:-1] and arguments[-1] == f"--auth-token={token}"
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    assert parser.parse_args(arguments[1:]).auth_token == token


def test_schemas_are_checked_once_and_instances_exactly_as_jsonschema_does():
    """The cached validation raises what jsonschema's own does, for a good and a bad action
    answer against Rasa's own schema, and compiles each schema once."""
    import jsonschema
    import pytest
    from rasa.core.actions.action import RemoteAction

    from nlu import schema_cache

    spec = RemoteAction.action_response_format_spec()
    good = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "好的。"}]}
    bad = {"events": [{"event": "slot", "name": 3}], "responses": "not a list"}
    original = schema_cache._ORIGINAL
    assert schema_cache.validate(good, spec) is None and original(good, spec) is None
    with pytest.raises(jsonschema.ValidationError) as ours:
        schema_cache.validate(bad, spec)
    with pytest.raises(jsonschema.ValidationError) as theirs:
        original(bad, spec)
    assert (ours.value.message, list(ours.value.path)) == (theirs.value.message, list(theirs.value.path))
    compiled = len(schema_cache._VALIDATORS)
    for _turn in range(3):
        schema_cache.validate(good, RemoteAction.action_response_format_spec())
    assert len(schema_cache._VALIDATORS) == compiled
    schema_cache.install()
    try:
        assert RemoteAction("action_x", None)._validate_action_result(good)
        with pytest.raises(jsonschema.ValidationError):
            RemoteAction("action_x", None)._validate_action_result(bad)
    finally:
        jsonschema.validate = original
