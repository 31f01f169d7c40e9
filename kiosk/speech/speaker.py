"""What the kiosk needs from a voice, named once: the controller, the session and the
terminal all speak through this, and tests swap in a recording fake.

kiosk.speech.tts.Voice is the real one (espeak-ng, or a recorded voice pack).
"""

from __future__ import annotations

from typing import Protocol


class Speaker(Protocol):
    # The resident's rate and volume for this visit, and the centre's defaults they return to.
    rate_cpm: int
    volume: float
    default_rate: int
    default_volume: float

    def speak(self, text: str) -> None:
        """Say `text` now, cutting off whatever was being said; returns at once."""

    def stop(self) -> None:
        """Stop talking at once (a tap, the microphone)."""

    def slower(self) -> int: ...

    def faster(self) -> int: ...

    def louder(self) -> float: ...

    def softer(self) -> float: ...

    def reset(self) -> None:
        """Back to the centre's rate and volume (the visit ended)."""


class SilentSpeaker:
    """A Speaker that says nothing: the terminal's --mute."""

    def __init__(self, rate_cpm: int = 200, volume: float = 0.9) -> None:
        self.rate_cpm = self.default_rate = rate_cpm
        self.volume = self.default_volume = volume

    def speak(self, text: str) -> None:
        return None

    def stop(self) -> None:
        return None

    def slower(self) -> int:
        return self.rate_cpm

    def faster(self) -> int:
        return self.rate_cpm

    def louder(self) -> float:
        return self.volume

    def softer(self) -> float:
        return self.volume

    def reset(self) -> None:
        self.rate_cpm, self.volume = self.default_rate, self.default_volume
