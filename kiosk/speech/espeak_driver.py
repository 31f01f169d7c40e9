"""A pyttsx3 driver for espeak-ng that synthesises synchronously, into memory or a WAV file.

Why not pyttsx3 2.99's own espeak driver: it synthesises on espeak's background thread
after `runAndWait` has already returned, so `save_to_file` writes late (or into the next
call's file), queued property changes can be dropped when its loop ends, and `say` plays
through `aplay`, which cannot be interrupted. This driver keeps pyttsx3's engine, queue and
ctypes binding (`pyttsx3.drivers._espeak`) and uses espeak-ng's synchronous mode, so when
`runAndWait` returns the audio is complete. `stop()` aborts a synthesis in progress.

pyttsx3 finds drivers as modules under `pyttsx3.drivers`; `register()` makes this one
available as `pyttsx3.init("kiosk_espeak")`.
"""

from __future__ import annotations

import ctypes
import sys
import threading
import wave
from typing import Any, Callable, List, Optional

DRIVER_NAME = "kiosk_espeak"
_BUFFER_MS = 200


def register() -> None:
    """Make `pyttsx3.init(DRIVER_NAME)` load this module."""
    sys.modules[f"pyttsx3.drivers.{DRIVER_NAME}"] = sys.modules[__name__]


def buildDriver(proxy: Any) -> SyncEspeakDriver:  # noqa: N802 (pyttsx3's driver protocol)
    return SyncEspeakDriver(proxy)


class SyncEspeakDriver:
    _sample_rate: Optional[int] = None
    _current: Optional[SyncEspeakDriver] = None
    _callback: Any = None  # keeps the ctypes callback alive

    def __init__(self, proxy: Any) -> None:
        from pyttsx3.drivers import _espeak

        self._espeak = _espeak
        if SyncEspeakDriver._sample_rate is None:
            rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, None, 0)
            if rate <= 0:
                raise RuntimeError("espeak-ng could not be initialised")
            SyncEspeakDriver._sample_rate = rate
            SyncEspeakDriver._callback = _espeak.t_espeak_callback(SyncEspeakDriver._dispatch)
            _espeak.cSetSynthCallback(SyncEspeakDriver._callback)
        SyncEspeakDriver._current = self
        self._proxy = proxy
        self._chunks: List[bytes] = []
        self._cancel = threading.Event()
        self._looping = False
        self._properties = {"rate": 175, "volume": 1.0, "voice": None, "pitch": 50}
        self.last_audio = b""
        self.on_audio: Optional[Callable[[bytes, int], None]] = None

    @property
    def sample_rate(self) -> int:
        return int(SyncEspeakDriver._sample_rate or 22050)

    # -- espeak callback ---------------------------------------------------------------

    @staticmethod
    def _dispatch(wav: Any, numsamples: int, events: Any) -> int:
        driver = SyncEspeakDriver._current
        if driver is None:
            return 1
        if driver._cancel.is_set():
            return 1  # non-zero tells espeak to abort this synthesis
        if numsamples > 0:
            driver._chunks.append(ctypes.string_at(wav, numsamples * ctypes.sizeof(ctypes.c_short)))
        return 0

    def _synthesise(self, text: str) -> bytes:
        self._chunks = []
        self._cancel.clear()
        self._proxy.setBusy(True)
        self._proxy.notify("started-utterance")
        try:
            self._espeak.Synth(str(text).encode("utf-8"),
                               flags=self._espeak.ENDPAUSE | self._espeak.CHARS_UTF8)
        finally:
            completed = not self._cancel.is_set()
            self.last_audio = b"".join(self._chunks) if completed else b""
            self._proxy.notify("finished-utterance", completed=completed)
            self._proxy.setBusy(False)
        return self.last_audio

    # -- pyttsx3 driver protocol -------------------------------------------------------

    def destroy(self) -> None:
        if SyncEspeakDriver._current is self:
            SyncEspeakDriver._current = None

    def say(self, text: str) -> None:
        audio = self._synthesise(text)
        if audio and self.on_audio is not None:
            self.on_audio(audio, self.sample_rate)

    def save_to_file(self, text: str, filename: str) -> None:
        audio = self._synthesise(text)
        with wave.open(filename, "wb") as sink:
            sink.setnchannels(1)
            sink.setsampwidth(2)
            sink.setframerate(self.sample_rate)
            sink.writeframes(audio)

    def stop(self) -> None:
        self._cancel.set()

    def getProperty(self, name: str) -> Any:  # noqa: N802
        if name == "voices":
            from pyttsx3.voice import Voice

            return [Voice(v.identifier.decode(), v.name.decode(), [v.languages[1:].decode()])
                    for v in self._espeak.ListVoices(None)]
        if name not in self._properties:
            raise KeyError(f"unknown property {name}")
        return self._properties[name]

    def setProperty(self, name: str, value: Any) -> None:  # noqa: N802
        espeak = self._espeak
        if name == "voice":
            if espeak.SetVoiceByName(str(value).encode("utf-8")) != 0:
                raise ValueError(f"espeak-ng has no voice {value!r}")
        elif name == "rate":
            espeak.SetParameter(espeak.RATE, int(value), 0)
        elif name == "volume":
            espeak.SetParameter(espeak.VOLUME, int(round(float(value) * 100)), 0)
        elif name == "pitch":
            espeak.SetParameter(espeak.PITCH, int(value), 0)
        else:
            raise KeyError(f"unknown property {name}")
        self._properties[name] = value

    def startLoop(self) -> None:  # noqa: N802
        # Synthesis is synchronous: releasing the queue runs every command to completion,
        # including the engine's endLoop, which ends this loop.
        self._looping = True
        self._proxy.setBusy(False)
        self._looping = False

    def endLoop(self) -> None:  # noqa: N802
        self._looping = False

    def iterate(self):  # external-loop protocol: nothing is left to pump after setBusy
        self._proxy.setBusy(False)
        while True:
            yield
