"""One real kiosk window per test session, under a private Xvfb display.

Kivy runs one App per process, so the app is built once and each test starts from the
home screen with a fresh visit. The app talks to the session's real Rasa stack, speaks
into WAV files so tests can check what was said, and hears from WAV files instead of a
microphone. Its speech model is the Mandarin one when installed, else the Korean model
from PyPI (real decoding, other language).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from config import load_settings
from config.settings import PrinterSettings
from tests.kiosk.speech_files import korean_model_dir, mandarin_model_dir, silence_wav
from tests.kiosk.ui import UiDriver, Xvfb


@pytest.fixture(scope="session")
def xvfb() -> Iterator[Xvfb]:
    display = Xvfb()
    previous = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = display.display
    yield display
    if previous is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = previous
    display.stop()


@pytest.fixture(scope="session")
def kiosk(xvfb, stack, tmp_path_factory) -> Iterator[UiDriver]:
    settings = load_settings(str(stack.config_path))
    model = mandarin_model_dir(settings)
    model = model if (model / "am" / "final.mdl").exists() else korean_model_dir()
    folder = Path(tmp_path_factory.mktemp("kiosk-audio"))
    printer = PrinterSettings(kind="file", file_path=str(folder / "receipts.bin"))
    settings = settings.copy(update={
        "speech": settings.speech.copy(update={"vosk_model_dir": str(model)}),
        "kiosk": settings.kiosk.copy(update={"printer": printer}),
    })
    from kiosk.environment import prepare

    prepare(settings)
    # The kiosk reaches the session's centre console like a kiosk in a centre would.
    os.environ[settings.console.kiosk_key_env] = stack.env[settings.console.kiosk_key_env]
    from kiosk.app import KioskApp
    from kiosk.dialogue_client import DialogueClient
    from kiosk.speech.audio_out import NullSink, WavFileSink
    from kiosk.speech.sources import WavSource
    from kiosk.speech.tts import speaker_from_settings

    quiet = silence_wav(folder / "silence.wav")
    speaker = speaker_from_settings(settings, sink=WavFileSink(folder / "spoken"))
    dialogue = DialogueClient(settings.dialogue.base_url, settings.kiosk.kiosk_id, 30, stack.rasa_token)
    app = KioskApp(settings, dialogue=dialogue, speaker=speaker,
                   audio_source=lambda: WavSource(quiet), chime_sink=NullSink())
    app._run_prepare()  # builds the root and opens the window, without entering runTouchApp
    driver = UiDriver(app)
    driver.settle()
    yield driver
    app.stop()
    driver.pump(3)


@pytest.fixture
def ui(kiosk) -> Iterator[UiDriver]:
    """Each test starts on the home screen, standard text size, nothing of a previous visit."""
    app = kiosk.app
    app.controller.session.end()
    app.state.scale_index = 0
    app.state.font_scale = app.settings.kiosk.text_scales[0]
    kiosk.wait_until(lambda: kiosk.current() == "home", what="home screen")
    kiosk.settle()
    yield kiosk
