"""What the kiosk needs from a voice, named once: the controller, the session and the
terminal all speak through this, and tests swap in a recording fake.

kiosk.speech.tts.Voice is the real one (espeak-ng, or a recorded voice pack).
"""

from __future__ import annotations

from typing import Optional, Protocol


class Speaker(Protocol):
    # The resident's rate, volume and voice pack for this visit, and the centre's defaults
    # they return to (pack None: synthesis).
    rate_cpm: int
    volume: float
    default_rate: int
    default_volume: float
    pack_id: Optional[str]
    default_pack: Optional[str]

    def speak(self, text: str) -> None:
        """Say `text` now, cutting off whatever was being said; returns at once."""

    def stop(self) -> None:
        """Stop talking at once (a tap, the microphone)."""

    def slower(self) -> int: ...

    def faster(self) -> int: ...

    def louder(self) -> float: ...

    def softer(self) -> float: ...

    def choose_pack(self, pack_id: Optional[str]) -> bool:
        """Speak with this recorded voice pack (None: synthesis) until the visit ends; False
        when it cannot be used (then synthesis)."""

    def reset(self) -> None:
        """Back to the centre's rate, volume and voice (the visit ended)."""


class SilentSpeaker:
    """A Speaker that says nothing: the terminal's --mute."""

    def __init__(self, rate_cpm: int = 200, volume: float = 0.9) -> None:
        self.rate_cpm = self.default_rate = rate_cpm
        self.volume = self.default_volume = volume
        self.pack_id: Optional[str] = None
        self.default_pack: Optional[str] = None

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

    def choose_pack(self, pack_id: Optional[str]) -> bool:
        self.pack_id = pack_id
        return True

    def reset(self) -> None:
        self.rate_cpm, self.volume = self.default_rate, self.default_volume
        self.pack_id = self.default_pack
