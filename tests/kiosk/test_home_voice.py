"""The home screen's voice button in the real window: shown only where a dialect pack is
recorded, big and readable at every text step, on the reference screen and on 1024 x 768;
a tap switches the voice for the visit. And a tap on a blank spot stops the kiosk's speech."""

from __future__ import annotations

import shutil
from typing import Iterator

import pytest

from kiosk.home_menu import VOICE_CHOSEN
from kiosk.speech.packs import packs_root
from kiosk.speech.prompts import catalogue_of
from tests.kiosk import a11y
from tests.kiosk.test_home_more import SMALL, problems, resize
from tests.kiosk.ui import UiDriver, find, find_one
from tests.kiosk.voice_pack_files import build_pack

pytestmark = pytest.mark.ui

HAKKA, HAKKA_NAME = "hakka-yudu", "客家话·于都"


@pytest.fixture
def with_hakka(ui) -> Iterator[UiDriver]:
    """A Hakka pack recorded on this kiosk, counted from the next visit (as the console's are)."""
    root = packs_root(ui.app.settings.data_dir)
    build_pack(root, catalogue_of([("test:chosen", VOICE_CHOSEN)]), [VOICE_CHOSEN], pack_id=HAKKA,
               name=HAKKA_NAME, language="hak")
    ui.app.controller.session.end()
    ui.settle()
    yield ui
    shutil.rmtree(root / HAKKA)
    ui.app.controller.session.end()
    ui.settle()


def test_no_voice_button_without_a_dialect_pack(ui):
    from kiosk.widgets.buttons import VoiceButton

    assert ui.app.state.voice_switch == ""
    assert not find(ui.app.root, VoiceButton)


@pytest.mark.parametrize("size", ["reference", "1024x768"])
@pytest.mark.parametrize("step", [0, 2])
def test_the_voice_button_is_big_and_switches_the_voice(with_hakka, output_dir, size, step):
    from kiosk.widgets.buttons import VoiceButton

    ui = with_hakka
    before = tuple(ui.window.size)
    try:
        if size != "reference":
            resize(ui, SMALL)
        ui.app.state.scale_index = step
        ui.app.state.font_scale = ui.app.settings.kiosk.text_scales[step]
        shot = ui.screenshot(output_dir / f"voice-{size}-step{step}.png")
        assert not problems(ui, shot), "\n".join(problems(ui, shot))
        button = find_one(ui.app.root, VoiceButton, HAKKA_NAME)
        ui.tap(button)
        assert ui.app.speaker.pack_id == HAKKA
        ui.app.speaker.wait_idle()
        assert ui.app.speaker.spoken[-1] == VOICE_CHOSEN
        ui.settle()
        assert find_one(ui.app.root, VoiceButton, "普通话")
        ui.tap(find_one(ui.app.root, VoiceButton, "普通话"))
        assert ui.app.speaker.pack_id is None
    finally:
        if tuple(ui.window.size) != before:
            resize(ui, before)


def test_a_tap_on_a_blank_spot_stops_the_speech(ui, monkeypatch):
    stops = []
    speaker = ui.app.speaker
    real_stop = speaker.stop
    monkeypatch.setattr(speaker, "stop", lambda: (stops.append(True), real_stop())[1])
    greeting = ui.screen.ids.greeting  # a label: no button under it
    assert a11y.visible_labels(ui.app.root)
    ui.tap(greeting)
    assert stops, "the window's touch-down did not stop the speech"
