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
from config.kiosk_settings import PrinterSettings
from kiosk.devices.card_simulator import SimulatedReader
from tests.kiosk.speech_files import korean_model_dir, mandarin_model_dir, silence_wav
from tests.kiosk.ui import UiDriver, Xvfb, find


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
def card_reader() -> Iterator[SimulatedReader]:
    """The kiosk's ID card reader: the GA/T 467 simulator on a pseudo-terminal, no card on it."""
    with SimulatedReader() as reader:
        yield reader


@pytest.fixture(scope="session")
def kiosk(xvfb, stack, card_reader, tmp_path_factory) -> Iterator[UiDriver]:
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
    # The kiosk reaches the session's centre console like a kiosk in a centre would, and its
    # ID card reader (the simulated one, over a real pseudo-terminal) its action server.
    os.environ[settings.console.kiosk_key_env] = stack.env[settings.console.kiosk_key_env]
    os.environ[settings.dialogue.card_key_env] = stack.env[settings.dialogue.card_key_env]
    settings = settings.copy(update={"devices": settings.devices.copy(update={
        "card_reader": settings.devices.card_reader.copy(update={"enabled": True, "port": card_reader.device})})})
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
def ui(kiosk, card_reader) -> Iterator[UiDriver]:
    """Each test starts on the home screen, standard text size, nothing of a previous visit,
    no card on the reader."""
    app = kiosk.app
    if card_reader.card is not None:
        card_reader.lift()
        kiosk.wait_until(lambda: not app.controller.card.on_reader, what="the card lifted")
    app.controller.lessons.stop()  # a lesson a failed test left running must not colour the next
    app.controller.session.end()
    app.state.scale_index = 0
    app.state.font_scale = app.settings.kiosk.text_scales[0]
    kiosk.wait_until(lambda: kiosk.current() == "home", what="home screen")
    # The tiles are laid out again for the standard text size a few frames later (a Clock
    # trigger per change): a test that taps one must not look before they are back.
    from kiosk.widgets.buttons import ServiceTile  # Kivy only once the window is set up

    try:
        kiosk.wait_until(lambda: bool(find(app.root, ServiceTile)), what="the home tiles")
    except AssertionError:  # what the next resident would have seen, for whoever reads the failure
        kiosk.screenshot(Path(__file__).resolve().parents[1] / "output" / "home-without-tiles.png")
        raise
    kiosk.settle()
    yield kiosk
