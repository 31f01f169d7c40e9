"""Where audio comes from: the microphone or a WAV file. The recogniser cannot tell which.

Both yield 16 kHz mono 16-bit chunks. A WAV source is for tests and demos; the microphone
uses sounddevice over PortAudio on its own callback thread.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import wave
from pathlib import Path
from typing import Iterator, Optional, Protocol

SAMPLE_RATE = 16000
CHUNK_FRAMES = 2000  # 125 ms


class AudioSource(Protocol):
    def chunks(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class MicrophoneUnavailable(RuntimeError):
    """No input device, or PortAudio missing: the kiosk hides the microphone button."""


class WavSource:
    """A 16 kHz mono 16-bit WAV file, read in the same chunk size as the microphone."""

    def __init__(self, path: Path, trailing_silence_seconds: float = 2.5,
                 realtime: bool = False) -> None:
        self.path = Path(path)
        self.trailing = trailing_silence_seconds
        self.realtime = realtime  # paced like a live microphone (demos, window tests)
        with wave.open(str(self.path), "rb") as source:
            if (source.getframerate(), source.getnchannels(), source.getsampwidth()) != (SAMPLE_RATE, 1, 2):
                raise ValueError(f"{self.path.name}: need 16 kHz mono 16-bit audio")
        self._closed = threading.Event()

    def chunks(self) -> Iterator[bytes]:
        with wave.open(str(self.path), "rb") as source:
            while not self._closed.is_set():
                data = source.readframes(CHUNK_FRAMES)
                if not data:
                    break
                yield self._paced(data)
        # Like a resident who stops talking: silence, so end-of-speech is detected as live.
        silence = b"\0\0" * CHUNK_FRAMES
        for _ in range(int(self.trailing * SAMPLE_RATE / CHUNK_FRAMES)):
            if self._closed.is_set():
                return
            yield self._paced(silence)

    def _paced(self, data: bytes) -> bytes:
        if self.realtime:
            self._closed.wait(len(data) / 2 / SAMPLE_RATE)
        return data

    def close(self) -> None:
        self._closed.set()


class MicrophoneSource:
    def __init__(self, device: Optional[str] = None) -> None:
        try:
            import sounddevice
        except OSError as error:
            raise MicrophoneUnavailable(f"PortAudio is not available: {error}") from error
        try:
            sounddevice.query_devices(device, kind="input")
        except (ValueError, sounddevice.PortAudioError) as error:
            raise MicrophoneUnavailable(f"no microphone: {error}") from error
        self._sd = sounddevice
        self._device = device
        self._queue: queue.Queue[Optional[bytes]] = queue.Queue(maxsize=200)
        self._stream = None

    def _callback(self, data, _frames, _time, _status) -> None:
        # If the recogniser fell behind, dropping audio beats freezing.
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(bytes(data))

    def chunks(self) -> Iterator[bytes]:
        self._stream = self._sd.RawInputStream(
            samplerate=SAMPLE_RATE, blocksize=CHUNK_FRAMES, device=self._device, dtype="int16",
            channels=1, callback=self._callback)
        self._stream.start()
        while True:
            data = self._queue.get()
            if data is None:
                return
            yield data

    def close(self) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None
        self._queue.put(None)
