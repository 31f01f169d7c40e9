"""The errand registry and the Rasa project agree: generated files are current, and every
intent, action, form, slot and question the registry names exists in the domain.

Fast (YAML only, no trained model): a registry change that was not carried into the domain
fails here in a second, not after a training run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Set

import pytest

from common import errands
from kiosk import theme
from nlu.tools import make_domain
from tests.nlu.domain import merged_domain

REPO = Path(__file__).resolve().parents[2]


def test_generated_files_are_current():
    stale = [path.relative_to(REPO) for path, text in make_domain.outputs().items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    assert not stale, f"run nlu/tools/make_domain.py: {stale} differ from the registry"


def test_every_errand_exists_in_the_domain():
    domain = merged_domain()
    actions: Set[str] = set(domain["actions"])
    for errand in errands.ERRANDS:
        assert errand.intent in domain["intents"], errand.id
        assert errand.action in actions, errand.id
        assert errand.id in domain["slots"]["errand"]["values"]
        if errand.form is not None:
            assert f"validate_{errand.form.name}" in actions, errand.form.name


def test_every_question_of_every_form_can_be_asked_and_filled():
    domain = merged_domain()
    asks = set(domain["responses"]) | set(domain["actions"])
    for form in errands.forms():
        assert domain["forms"][form.name]["required_slots"] == form.slots
        for step in form.steps:
            assert step.slot in domain["slots"], f"{form.name}: no slot {step.slot}"
            if step.asked:
                candidates = {f"utter_ask_{step.slot}", f"utter_ask_{form.name}_{step.slot}",
                              f"action_ask_{step.slot}", f"action_ask_{form.name}_{step.slot}"}
                assert candidates & asks, f"{form.name}: nothing asks for {step.slot}"


def test_free_text_answers_never_swallow_a_request():
    domain = merged_domain()
    for form in errands.forms():
        for step in (s for s in form.steps if s.free_text):
            from_text = [m for m in domain["slots"][step.slot]["mappings"] if m["type"] == "from_text"]
            assert from_text and set(from_text[0]["not_intent"]) == set(errands.not_answers(form))
    assert set(errands.not_answers()) <= set(domain["intents"])
    report = errands.HOTLINE_REPORT
    assert report.intent not in errands.not_answers(report.form)  # its own description is an answer
    assert report.intent in errands.not_answers(errands.IDENTITY_FORM)


@pytest.mark.parametrize("tile_id, tile, payload", errands.tiles())
def test_tiles_follow_the_accessibility_rules(tile_id, tile, payload):
    assert 2 <= len(tile.label) <= 6
    assert (REPO / "assets" / "icons" / f"{tile.icon}.png").exists()
    assert contrast(theme.TILE_COLOURS[tile_id], theme.ON_DARK) >= theme.FLOOR_CONTRAST
    assert payload.startswith("/")


def test_at_most_six_tiles_on_the_home_screen():
    """The registry may hold more errands with tiles than fit: the rest are under 更多 (common/menu.py)."""
    from common import menu

    assert len(menu.home_tiles()) <= 6
    assert {row[0] for row in menu.home_tiles() + menu.more_tiles()} >= {t for t, _tile, _p in errands.tiles()}


def test_ids_and_payloads_are_unique():
    assert len({e.id for e in errands.ERRANDS}) == len(errands.ERRANDS)
    assert len({e.intent for e in errands.ERRANDS}) == len(errands.ERRANDS)


def test_identity_form_name_is_the_registry_one():
    assert errands.PENSION.first_step == errands.IDENTITY_FORM.name
    assert errands.HOTLINE_REPORT.first_step == "hotline_report_form"
    assert errands.POLICY.first_step == "action_answer_policy"


def test_step_names_for_volunteers():
    assert errands.step_name("id_number") == "身份证号"
    assert errands.step_name("district", "appointment") == "选区县"
    assert errands.errand_name("hotline_report") == "向12345反映问题"
    assert errands.step_name("no_such_slot") == "no_such_slot"


def luminance(colour) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in colour[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first, second) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
