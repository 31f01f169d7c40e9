"""Write the two soft chimes that mark the start and end of listening (assets/sounds/).

Two short sine notes with a gentle fade, rising to start, falling to end: distinct without
being startling. Run after editing: .venv/bin/python scripts/make_chimes.py
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 22050
OUT = Path(__file__).resolve().parent.parent / "assets" / "sounds"


def note(frequency: float, seconds: float) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    envelope = np.minimum(1.0, t / 0.02) * np.exp(-4.0 * t)
    return np.sin(2 * np.pi * frequency * t) * envelope


def write(name: str, frequencies) -> None:
    samples = np.concatenate([note(f, 0.16) for f in frequencies]) * 0.5 * 32767
    with wave.open(str(OUT / name), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(2)
        sink.setframerate(RATE)
        sink.writeframes(samples.astype(np.int16).tobytes())


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write("listen-start.wav", (659.25, 880.0))  # E5 -> A5
    write("listen-end.wav", (880.0, 659.25))  # A5 -> E5
    print(f"wrote chimes in {OUT}")


if __name__ == "__main__":
    main()
