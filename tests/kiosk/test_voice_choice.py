"""The home screen's voice button and the staff panel's default voice, with real voice packs
(espeak-ng takes stored through the console's path) and the real voice (tts.Voice) playing
into a sink that records which recordings reached the loudspeaker. No window: the
controller and the home menu, as test_controller.py drives them."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import yaml

from kiosk.home_menu import MORE_INTRO, VOICE_CHOSEN
from kiosk.speech import voice_choice
from kiosk.speech.packs import Pack, list_packs, packs_root
from kiosk.speech.playback import RECORDING, SYNTHESIS
from kiosk.speech.prompts import catalogue_of
from kiosk.speech.tts import Voice
from tests.kiosk.controller_fakes import Kiosk
from tests.kiosk.voice_pack_files import CONSENT, SegmentSink, build_pack

CATALOGUE = catalogue_of([("test:chosen", VOICE_CHOSEN)])
HAKKA, HAKKA_NAME = "hakka-yudu", "客家话·于都"


@pytest.fixture(scope="module")
def pack_folder(tmp_path_factory) -> Path:
    """Two real packs: Hakka with the voice button's answer recorded, and a Mandarin voice."""
    data = tmp_path_factory.mktemp("data")
    root = packs_root(data)
    build_pack(root, CATALOGUE, [VOICE_CHOSEN], pack_id=HAKKA, name=HAKKA_NAME, language="hak")
    build_pack(root, CATALOGUE, [VOICE_CHOSEN], pack_id="putonghua-wang", name="普通话·女声·王老师", language="cmn")
    return root


@pytest.fixture
def kiosk(tmp_path, pack_folder) -> Iterator[Kiosk]:
    import shutil

    shutil.copytree(pack_folder, packs_root(tmp_path))
    voice = Voice(SegmentSink(), packs_folder=packs_root(tmp_path))
    made = Kiosk(tmp_path, voice=voice)
    yield made
    made.close()
    voice.close()


def last_heard(k: Kiosk):
    assert k.voice.wait_idle(60)
    return k.voice.spoken[-1], [segment.kind for segment in k.voice.sink.utterances[-1].segments]


def test_residents_are_offered_mandarin_and_each_dialect_only(pack_folder, tmp_path):
    packs = voice_choice.usable_packs(pack_folder)
    options = voice_choice.resident_options(packs, None)
    assert [o.label for o in options] == ["普通话", HAKKA_NAME]
    assert options[0].pack_id is None  # 普通话 is synthesis unless the centre's default is a Mandarin pack
    assert voice_choice.resident_options(packs, "putonghua-wang")[0].pack_id == "putonghua-wang"
    assert voice_choice.next_option(options, None).pack_id == HAKKA
    assert voice_choice.next_option(options, HAKKA).label == "普通话"
    mandarin_only = [pack for pack in packs if pack.language == "cmn"]
    assert voice_choice.resident_options(mandarin_only, None) == []  # nothing to choose: no button
    assert voice_choice.usable_packs(tmp_path / "nothing-here") == []


def test_a_pack_without_consent_or_recordings_is_not_offered(tmp_path):
    root = packs_root(tmp_path)
    Pack.create(root, "hakka-empty", "客家话·空", "hak", CONSENT)
    Pack.create(root, "hakka-unconsented", "客家话·无", "hak", None)
    assert len(list_packs(root)) == 2
    assert voice_choice.usable_packs(root) == []


def test_the_voice_button_switches_for_this_visit_only(kiosk):
    k = kiosk
    assert k.state.voice_switch == HAKKA_NAME  # the button names the voice it switches to
    k.controller.menu.switch_voice()
    assert k.voice.pack_id == HAKKA and k.state.voice_switch == "普通话"
    assert last_heard(k) == (VOICE_CHOSEN, [RECORDING])  # said in the voice just chosen
    k.controller.menu.switch_voice()
    assert k.voice.pack_id is None and k.state.voice_switch == HAKKA_NAME
    assert last_heard(k) == (VOICE_CHOSEN, [SYNTHESIS])
    k.controller.menu.switch_voice()
    k.session.end()  # the visit ends: the next resident starts with the centre's voice
    assert k.voice.pack_id is None and k.state.voice_switch == HAKKA_NAME


def test_staff_choose_the_centres_default_voice(kiosk):
    k = kiosk
    for _ in range(5):
        k.controller.staff.title_tapped()
    for digit in "2468":
        k.controller.keypad.key(digit)
    k.controller.keypad.confirm()
    rows = {name: shown for name, _title, shown in k.state.staff_rows}
    assert rows["voice"] == voice_choice.SYNTHESIS_LABEL
    while dict((n, s) for n, _t, s in k.state.staff_rows)["voice"] != HAKKA_NAME:
        k.controller.staff.adjust("voice", "1")
    k.controller.staff.save()
    saved = yaml.safe_load((k.settings.data_dir / "staff-settings.yaml").read_text(encoding="utf-8"))
    assert saved["speech"]["voice_pack"] == HAKKA
    assert k.voice.default_pack == HAKKA == k.voice.pack_id
    assert k.state.voice_switch == "普通话"  # residents can still switch to Mandarin
    k.controller.menu.switch_voice()
    assert k.voice.pack_id is None
    k.session.end()
    assert k.voice.pack_id == HAKKA  # every visit starts with the centre's default


def test_more_is_answered_by_the_kiosk_itself(kiosk):
    k = kiosk
    k.controller.menu.more()
    assert k.screens.current == "more" and k.state.more_page == 0
    assert last_heard(k)[0] == MORE_INTRO
    assert k.dialogue.sent == []  # nothing went to the dialogue
    k.controller.back()
    assert k.screens.current == "home"
