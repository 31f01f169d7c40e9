"""Voice in the real window: tap 说话, the partial text appears live and large, the final
text goes to the dialogue like a tap would. Audio comes from WAV files (a microphone source
is the same code path)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from portal.sandbox.server import database_path
from tests.kiosk.speech_files import MANDARIN, mandarin_installed, needs_mandarin, speak_to_wav
from tests.kiosk.ui import find_one

pytestmark = [pytest.mark.ui, pytest.mark.services]

DEMO_ID = "360702195003121226"
SPOKEN_ID = " ".join("三六零七零二一九五零零三一二一二二六")


def say(ui, wav, output_dir=None, shot=None):
    """Tap the microphone with `wav` as what the resident says; wait until it is heard."""
    from kiosk.speech.sources import WavSource
    from kiosk.widgets.buttons import BarButton

    ui.app.audio_source = lambda: WavSource(wav, realtime=True)
    ui.tap(find_one(ui.app.root, BarButton, "说话"))
    ui.wait_until(lambda: ui.app.state.listening, what="listening")
    if shot:
        ui.wait_until(lambda: ui.app.state.heard_text, what="partial text")
        ui.screenshot(output_dir / shot)
    ui.wait_until(lambda: not ui.app.state.listening, timeout=60, what="end of listening")


def test_listening_shows_partial_text_and_sends_the_final(ui, tmp_path, output_dir):
    if mandarin_installed():
        wav = speak_to_wav("我的退休金发了没有", MANDARIN, tmp_path / "ask.wav", rate=120)
    else:
        wav = speak_to_wav("일 이 삼 사", "ko", tmp_path / "ask.wav")
    assert ui.app.state.voice_available
    say(ui, wav, output_dir, "listening.png")
    heard = ui.app.controller.voice.listener.transcripts[-1].text
    assert heard
    ui.wait_until(lambda: ui.app.state.resident_text == heard, what="text sent to the dialogue")
    # A reply comes back and is shown (Korean words are out of scope: the kiosk stays home).
    ui.wait_until(lambda: ui.app.controller.session.last_reply is not None, what="a reply")
    assert ui.app.state.assistant_text == ui.app.controller.session.last_reply.texts[-1]


@needs_mandarin
def test_pension_by_voice_only(ui, stack, tmp_path, output_dir):
    say(ui, speak_to_wav("我的退休金发了没有", MANDARIN, tmp_path / "1.wav", rate=120))
    ui.wait_until(lambda: ui.current() == "keypad", what="keypad")
    say(ui, speak_to_wav(SPOKEN_ID, MANDARIN, tmp_path / "2.wav", rate=110))
    assert ui.app.state.entry_display.replace(" ", "") == DEMO_ID
    say(ui, speak_to_wav("确认", MANDARIN, tmp_path / "3.wav", rate=120))
    ui.wait_until(lambda: ui.app.state.choices, what="name choices")
    say(ui, speak_to_wav("我叫张桂英", MANDARIN, tmp_path / "4.wav", rate=120))
    ui.wait_until(lambda: ui.current() == "result", what="result")
    with sqlite3.connect(database_path(stack.settings)) as db:
        cents = db.execute("SELECT amount_cents FROM pension_payments WHERE id_number=? AND "
                           "status='paid' ORDER BY month DESC LIMIT 1", (DEMO_ID,)).fetchone()[0]
    assert ui.app.state.result_value == f"{Decimal(cents) / 100:,.2f}\u00a0元"
    ui.screenshot(output_dir / "result-by-voice.png")
