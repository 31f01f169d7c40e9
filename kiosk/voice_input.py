"""Tap to talk: what the resident says goes where a tap would.

Words from the bar (首页, 再说一遍, 说慢一点 ...) are answered by the kiosk itself, instantly
and even without the dialogue service; on the keypad, digits fill the number; everything else
goes to the dialogue as text. The recogniser listens for what the screen accepts (a grammar
of its buttons, digits, 是/不是) or for free speech.

Barge-in and echo: a tap anywhere (a tile, the 说话 button, any blank spot) stops the kiosk's
speech at once, and the microphone is deaf while the kiosk speaks (kiosk/speech/echo.py), so
the kiosk never answers its own words; listening goes on once it is quiet again.
"""

from __future__ import annotations

from typing import Any, List, Optional, Protocol, Sequence

from kiosk import voice_commands
from kiosk.speech import digits
from kiosk.speech.echo import EchoGuard
from kiosk.speech.listener import Listener, ListenMode, ListenState
from kiosk.speech.speaker import Speaker

NOT_HEARD = "没听清楚。请您再说一遍，或者点屏幕上的按钮。"
LISTENING_STATES = (ListenState.LISTENING, ListenState.PAUSED)
VOICE_OFF = "暂时不能用说话的方式，请点屏幕上的按钮。"


class KioskActions(Protocol):
    """What a spoken word can do (kiosk.controller.KioskController): the bar's commands, the
    keypad's keys, or words for the dialogue."""

    state: Any

    def touched(self) -> None: ...

    def say_locally(self, text: str) -> None: ...

    def say_text(self, text: str, shown_as: Optional[str] = None) -> None: ...

    def command(self, name: str) -> None: ...

    def on_keypad(self) -> bool: ...

    def keypad_words(self, said: str) -> None: ...


class VoiceInput:
    def __init__(self, listener: Optional[Listener], kiosk: KioskActions, speaker: Speaker,
                 short_answer_seconds: float = 20.0, free_speech_seconds: float = 60.0) -> None:
        self.listener = listener
        self.kiosk = kiosk
        self.speaker = speaker
        self.short_answer_seconds = short_answer_seconds
        self.free_speech_seconds = free_speech_seconds
        self.phrases: Optional[List[str]] = None  # what the current screen accepts; None: free speech
        kiosk.state.voice_available = listener is not None and listener.available
        on_speaking = getattr(speaker, "on_speaking", None)
        if listener is not None and on_speaking is not None and listener.guard is None:
            listener.guard = EchoGuard(on_speaking)
        if listener is not None:
            listener.events.on_state = self.on_listen_state
            listener.events.on_partial = self.on_partial
            listener.events.on_final = self.heard

    def expect(self, input_kind: Optional[str], choices: Sequence[str]) -> None:
        """The screen changed: listen next for what it accepts."""
        self.phrases = voice_commands.phrases_for(input_kind, list(choices))

    def tapped(self) -> None:
        """A tap anywhere on the screen (the window's touch-down, before any button acts):
        the kiosk stops talking at once, and the visit is still going on."""
        self.speaker.stop()
        self.kiosk.touched()

    def microphone(self) -> None:
        """Tap to talk; tap again to stop. The kiosk stops speaking while it listens."""
        self.kiosk.touched()
        if self.listener is None or not self.listener.available:
            return
        if self.listener.listening:
            self.listener.stop()
            return
        self.speaker.stop()
        free = self.phrases is None
        self.listener.start(ListenMode(self.phrases, self.free_speech_seconds if free else self.short_answer_seconds))

    def stop(self) -> None:
        if self.listener is not None and self.listener.listening:
            self.listener.stop()

    def on_listen_state(self, state: ListenState) -> None:
        self.kiosk.touched()
        screen = self.kiosk.state
        screen.listening = state in LISTENING_STATES
        screen.listen_paused = state == ListenState.PAUSED
        if state not in LISTENING_STATES:
            screen.heard_text = ""
        if state == ListenState.UNAVAILABLE and screen.voice_available:
            screen.voice_available = False
            screen.notice = VOICE_OFF
            self.kiosk.say_locally(VOICE_OFF)

    def on_partial(self, text: str) -> None:
        self.kiosk.touched()
        self.kiosk.state.heard_text = text

    def heard(self, text: str) -> None:
        """What the resident said: a command, keypad words, or words for the dialogue."""
        self.kiosk.touched()
        text = text.strip()
        if not text:
            self.kiosk.say_locally(NOT_HEARD)
            return
        command = voice_commands.command_for(text)
        if command:
            self.kiosk.command(command)
        elif self.kiosk.on_keypad():
            self.kiosk.keypad_words(text.strip("，。 "))
        else:
            self.kiosk.say_text(text)


def keypad_word(said: str) -> Optional[str]:
    """'确认' / '删除' / '清空' said on the keypad screen, as the key it means."""
    if said in digits.CONFIRM_WORDS:
        return "confirm"
    if said in digits.DELETE_WORDS:
        return "delete"
    if said in digits.CLEAR_WORDS:
        return "clear"
    return None
