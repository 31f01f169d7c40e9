"""Voice packs in the kiosk: recorded prompts play sample for sample, amounts and dates are
joined from recorded number words, everything else is synthesised by espeak-ng, and a bad,
missing or out-of-date recording never plays. Takes are real espeak-ng speech stored through
the console's path (recording.store_take); the sink records which files reached it."""

from __future__ import annotations

import logging
import re
import shutil
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from config import load_settings
from config.kiosk_settings import PathSettings, SpeechSettings
from kiosk.speech import packs
from kiosk.speech.pack_admin import coverage, import_pack
from kiosk.speech.packs import Pack, PackError
from kiosk.speech.playback import RECORDING, SYNTHESIS, WORDS
from kiosk.speech.prompts import catalogue_of, template_key
from kiosk.speech.recording import store_take
from kiosk.speech.tts import Voice, speaker_from_settings
from tests.kiosk.voice_pack_files import RealTimeSink, SegmentSink, build_pack, espeak_bytes, expected_in_sink

PENSION = "您{month}的养老金 {amount}，已于{date}发放。"
WHAT_ELSE = "您还想办别的事吗？请点一下，或者直接说。"
WAITING = "正在为您查询，请稍等。"
NOT_RECORDED = "对不起，系统暂时连不上。"
CATALOGUE = catalogue_of([("test:pension", PENSION), ("test:what_else", WHAT_ELSE), ("test:waiting", WAITING),
                          ("test:unavailable", NOT_RECORDED)])
NUMBER_WORDS = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "百", "千", "万", "元", "角",
                "月", "日"]
REPLY = "您11月的养老金 3,215.60\u00a0元，已于11月15日发放。" + WHAT_ELSE


@pytest.fixture(scope="module")
def pack_root(tmp_path_factory) -> Path:
    """One real pack for the module (espeak-ng takes, trimmed and levelled like a browser's)."""
    root = tmp_path_factory.mktemp("voice-packs")
    build_pack(root, CATALOGUE, [PENSION, WHAT_ELSE, WAITING], NUMBER_WORDS)
    return root


@pytest.fixture
def fresh_root(pack_root, tmp_path) -> Path:
    """A copy of the pack a test may damage."""
    root = tmp_path / "voice-packs"
    shutil.copytree(pack_root, root)
    return root


def speak(root: Path, text: str, volume: float = 0.9, pack_id: str = "putonghua-wang") -> SegmentSink:
    sink = SegmentSink()
    voice = Voice(sink, volume=volume, packs_folder=root, voice_pack=pack_id)
    try:
        voice.speak(text)
        assert voice.wait_idle(60)
    finally:
        voice.close()
    return sink


def test_recorded_prompts_play_and_the_rest_is_synthesised(pack_root):
    sink = speak(pack_root, REPLY + NOT_RECORDED)
    utterance = sink.utterances[-1]
    kinds = [segment.kind for segment in utterance.segments]
    assert kinds == [RECORDING, WORDS, RECORDING, WORDS, RECORDING, WORDS, RECORDING, RECORDING, SYNTHESIS]
    pension, what_else = template_key(PENSION), template_key(WHAT_ELSE)
    recorded = [s for s in utterance.segments if s.kind == RECORDING]
    assert [s.files[0].name for s in recorded] == [f"{pension}-0.wav", f"{pension}-2.wav", f"{pension}-4.wav",
                                                  f"{pension}-6.wav", f"{what_else}-0.wav"]
    for segment in recorded:  # the recording itself reached the sink, sample for sample
        assert np.array_equal(utterance.samples[segment.start:segment.end], expected_in_sink(segment.files[0], 0.9))
    synthesised = utterance.segments[-1]
    assert synthesised.text == "对不起，系统暂时连不上"
    sound = utterance.samples[synthesised.start:synthesised.end].astype(np.float64)
    assert synthesised.end - synthesised.start > 0.8 * 16000 and np.sqrt(np.mean(sound ** 2)) > 500  # espeak spoke


def test_an_amount_and_dates_are_joined_from_recorded_number_words(pack_root):
    sink = speak(pack_root, REPLY)
    words = [s for s in sink.utterances[-1].segments if s.kind == WORDS]
    said = [[f.name for f in s.files] for s in words]
    file_of = {w: packs.word_file(w).split("/")[1] for w in NUMBER_WORDS}
    assert [s.text for s in words] == ["十一月", "三千二百一十五元六角", "十一月十五日"]
    assert said[1] == [file_of[w] for w in "三千二百一十五元六角"]
    utterance = sink.utterances[-1]
    amount = words[1]
    joined = np.concatenate([expected_in_sink(f, 0.9) for f in amount.files])
    assert np.array_equal(utterance.samples[amount.start:amount.end], joined)


def test_the_pension_sentence_the_action_writes_is_matched(pack_root):
    """The real action's text (its formatting functions, the no-break space before 元)."""
    from nlu.actions.pension import describe
    from portal.models import PensionPayment

    text = describe([PensionPayment(month="2026-11", amount=Decimal("3215.60"), paid_on=date(2026, 11, 15),
                                    status="paid")])["text"]
    sink = speak(pack_root, text)
    assert [s.kind for s in sink.utterances[-1].segments] == [RECORDING, WORDS] * 3 + [RECORDING]


def test_a_slot_the_words_cannot_say_is_synthesised_whole(fresh_root):
    pack = Pack.load(fresh_root / "putonghua-wang")
    del pack.words["角"]
    pack.save()
    sink = speak(fresh_root, REPLY)
    amount = [s for s in sink.utterances[-1].segments if s.text.startswith("3,215")]
    assert len(amount) == 1 and amount[0].kind == SYNTHESIS  # not half recorded, half synthesised


def test_a_changed_prompt_text_marks_its_recording_out_of_date(pack_root):
    changed = "您还想办别的事吗？请点一下，或者直接跟我说。"
    catalogue = catalogue_of([("test:pension", PENSION), ("test:what_else", changed), ("test:waiting", WAITING),
                              ("test:unavailable", NOT_RECORDED)])
    report = coverage(Pack.load(pack_root / "putonghua-wang"), catalogue)
    assert report.out_of_date == [template_key(changed)]
    assert report.missing == [template_key(NOT_RECORDED)]
    assert sorted(report.recorded) == sorted([template_key(PENSION), template_key(WAITING)])
    assert report.unused == [template_key(WHAT_ELSE)]
    sink = speak(pack_root, changed)  # the old recording is never played for the new words
    assert [s.kind for s in sink.utterances[-1].segments] == [SYNTHESIS]


@pytest.mark.parametrize("damage", ["missing", "broken"])
def test_a_missing_or_broken_wav_falls_back_to_synthesis(fresh_root, damage, caplog):
    path = fresh_root / "putonghua-wang" / packs.take_file(template_key(WHAT_ELSE), 0)
    if damage == "missing":
        path.unlink()
    else:
        path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(200))
    with caplog.at_level(logging.WARNING, logger="kiosk.speech.packs"):
        sink = speak(fresh_root, WAITING + WHAT_ELSE)
    assert [s.kind for s in sink.utterances[-1].segments] == [RECORDING, SYNTHESIS]
    assert any(path.name in record.getMessage() for record in caplog.records)
    assert coverage(Pack.load(fresh_root / "putonghua-wang"), CATALOGUE).broken == [template_key(WHAT_ELSE)]


def test_a_wav_that_breaks_after_loading_is_synthesised_in_place(fresh_root):
    sink = SegmentSink()
    voice = Voice(sink, packs_folder=fresh_root, voice_pack="putonghua-wang")
    try:
        (fresh_root / "putonghua-wang" / packs.take_file(template_key(PENSION), 2)).unlink()
        voice.speak(REPLY)
        assert voice.wait_idle(60)
    finally:
        voice.close()
    segments = sink.utterances[-1].segments
    assert segments[2].kind == SYNTHESIS and segments[2].text == "的养老金"
    assert [s.kind for s in segments].count(RECORDING) == 4


def test_without_a_pack_everything_is_synthesised_as_before(pack_root):
    sink = SegmentSink()
    voice = Voice(sink, packs_folder=pack_root)
    try:
        voice.speak(WAITING)
        assert voice.wait_idle(60)
        assert voice.choose_pack("putonghua-wang") and voice.pack_id == "putonghua-wang"
        voice.speak(WAITING)
        assert voice.wait_idle(60)
        assert not voice.choose_pack("no-such-pack") and voice.pack_id is None  # logged, synthesis
        voice.choose_pack("putonghua-wang")
        voice.reset()  # the visit ended: back to the centre's default (none)
        voice.speak(WAITING)
        assert voice.wait_idle(60)
    finally:
        voice.close()
    assert [u.rate for u in sink.utterances] == [22050, 16000, 22050]
    assert [[s.kind for s in u.segments] for u in sink.utterances] == [[SYNTHESIS], [RECORDING], [SYNTHESIS]]


def test_stop_cuts_a_recording_at_once_and_speaking_is_signalled(pack_root):
    sink = RealTimeSink()
    voice = Voice(sink, packs_folder=pack_root, voice_pack="putonghua-wang")
    events = []
    voice.on_speaking(lambda speaking: events.append((speaking, time.monotonic())))
    try:
        voice.speak(REPLY)  # about 8 s of recordings
        assert voice._signal.wait_speaking(30)
        time.sleep(0.3)
        voice.stop()
        assert voice._signal.wait_silent(1)
        stopped = time.monotonic()
        voice.speak(WAITING)
        assert voice.wait_idle(30)
    finally:
        voice.close()
    assert voice.played[0].segments[0].kind == RECORDING
    assert [speaking for speaking, _ in events] == [True, False, True, False]
    assert sink.played_seconds[0] < 1.0 < len(voice.played[0].samples) / 16000  # cut, not played out
    assert stopped <= events[2][1] and not voice.speaking


def test_import_copies_a_pack_and_refuses_a_tampered_one(pack_root, tmp_path):
    kiosk_packs = tmp_path / "kiosk" / "voice-packs"
    pack = import_pack(pack_root / "putonghua-wang", kiosk_packs)
    assert pack.name == "普通话·女声·王老师" and pack.consent.speaker == "王桂兰" and not pack.broken
    assert len(pack.playable_prompts()) == 3
    with pytest.raises(PackError, match="already"):
        import_pack(pack_root / "putonghua-wang", kiosk_packs)

    stick = tmp_path / "usb" / "putonghua-wang"
    shutil.copytree(pack_root / "putonghua-wang", stick)
    tampered = stick / packs.take_file(template_key(WAITING), 0)
    data = bytearray(tampered.read_bytes())
    data[-100] ^= 0x40  # one changed sample: still a valid WAV, but not the one recorded
    tampered.write_bytes(bytes(data))
    before = sorted(p.relative_to(kiosk_packs) for p in kiosk_packs.rglob("*"))
    with pytest.raises(PackError, match="SHA-256"):
        import_pack(stick, kiosk_packs, replace=True)
    assert sorted(p.relative_to(kiosk_packs) for p in kiosk_packs.rglob("*")) == before  # nothing touched
    shutil.copyfile(pack_root / "putonghua-wang" / packs.take_file(template_key(WAITING), 0), tampered)
    (stick / packs.word_file("三")).unlink()
    with pytest.raises(PackError, match="missing"):
        import_pack(stick, kiosk_packs, replace=True)
    shutil.copyfile(pack_root / "putonghua-wang" / packs.word_file("三"), stick / packs.word_file("三"))
    assert len(import_pack(stick, kiosk_packs, replace=True).playable_words()) == len(NUMBER_WORDS)


def test_voice_pack_setting_and_the_speaker_from_settings(pack_root):
    assert SpeechSettings.model_fields["voice_pack"].metadata[0].pattern == packs.PACK_ID
    settings = load_settings()
    assert settings.speech.voice_pack is None
    settings = settings.model_copy(update={
        "speech": settings.speech.model_copy(update={"voice_pack": "putonghua-wang"}),
        "paths": PathSettings(data_dir=str(pack_root.parent), log_dir=str(pack_root.parent / "logs"))})
    packs_dir = pack_root.parent / packs.FOLDER
    if not packs_dir.exists():
        packs_dir.symlink_to(pack_root)
    voice = speaker_from_settings(settings, sink=SegmentSink())
    try:
        assert voice.pack_id == "putonghua-wang" and voice.default_pack == "putonghua-wang"
    finally:
        voice.close()


def test_a_manifest_naming_files_outside_the_pack_is_refused(tmp_path):
    folder = tmp_path / "evil"
    folder.mkdir()
    (folder / packs.MANIFEST).write_text(
        '{"format": 1, "id": "evil", "name": "x", "language": "hak", "words": {"三": "../../etc/passwd"},'
        ' "files": {"../../etc/passwd": "00"}}', encoding="utf-8")
    with pytest.raises(PackError, match=re.escape("../../etc/passwd")):
        Pack.load(folder)


def test_takes_stored_during_the_day_are_used_from_the_next_visit(fresh_root):
    sink = SegmentSink()
    voice = Voice(sink, packs_folder=fresh_root, voice_pack="putonghua-wang")
    try:
        voice.speak(NOT_RECORDED)
        assert voice.wait_idle(60)
        console_copy = Pack.load(fresh_root / "putonghua-wang")
        time.sleep(0.01)  # a later modification time
        store_take(console_copy, template_key(NOT_RECORDED), espeak_bytes(NOT_RECORDED), catalogue=CATALOGUE)
        voice.reset()  # the visit ended
        voice.speak(NOT_RECORDED)
        assert voice.wait_idle(60)
    finally:
        voice.close()
    assert [[s.kind for s in u.segments] for u in sink.utterances] == [[SYNTHESIS], [RECORDING]]
