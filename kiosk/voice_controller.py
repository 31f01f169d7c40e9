"""The voice side of the controller: tap to talk, what was heard goes where a tap would.

Words from the bar (首页, 再说一遍, 说慢一点 ...) are handled by the kiosk itself, instantly and
even without the dialogue service; on the keypad, digits fill the number; everything else
goes to the dialogue as text.
"""

from __future__ import annotations

from typing import List, Optional

from kiosk import voice_commands
from kiosk.speech import digits
from kiosk.speech.listener import Listener, ListenMode, ListenState

NOT_HEARD = "没听清楚。请您再说一遍，或者点屏幕上的按钮。"
VOICE_OFF = "暂时不能用说话的方式，请点屏幕上的按钮。"


class VoiceControls:
    """Mixed into KioskController (which provides state, screens, session, entry, touched)."""

    listener: Optional[Listener] = None
    listen_phrases: Optional[List[str]] = None
    free_speech_seconds = 60.0
    short_answer_seconds = 20.0

    def attach_listener(self, listener: Listener, short_answer_seconds: float,
                        free_speech_seconds: float) -> None:
        self.listener = listener
        self.short_answer_seconds = short_answer_seconds
        self.free_speech_seconds = free_speech_seconds
        self.state.voice_available = listener.available

    def microphone(self) -> None:
        """Tap to talk; tap again to stop. The kiosk stops speaking while it listens."""
        self.touched()
        if self.listener is None or not self.listener.available:
            return
        if self.listener.listening:
            self.listener.stop()
            return
        self.session.speaker.stop()
        free = self.listen_phrases is None
        self.listener.start(ListenMode(self.listen_phrases,
                                       self.free_speech_seconds if free else self.short_answer_seconds))

    def on_listen_state(self, state: ListenState) -> None:
        self.touched()
        self.state.listening = state == ListenState.LISTENING
        self.state.heard_text = ""
        if state == ListenState.UNAVAILABLE and self.state.voice_available:
            self.state.voice_available = False
            self.state.notice = VOICE_OFF
            self._say_locally(self.state.notice)

    def on_partial(self, text: str) -> None:
        self.touched()
        self.state.heard_text = text

    def heard(self, text: str) -> None:
        """What the resident said: a command, keypad words, or words for the dialogue."""
        self.touched()
        text = text.strip()
        if not text:
            self._say_locally(NOT_HEARD)
            return
        command = voice_commands.command_for(text)
        if command:
            getattr(self, command)()
        elif self.entry is not None and self.screens.current == "keypad":
            self._heard_on_keypad(text)
        else:
            self.say_text(text)

    def _heard_on_keypad(self, text: str) -> None:
        said = text.strip("，。 ")
        if said in digits.CONFIRM_WORDS:
            self.confirm()
        elif said in digits.DELETE_WORDS:
            self.delete()
        elif said in digits.CLEAR_WORDS:
            self.clear()
        else:
            for key in digits.spoken_to_digits(said):
                self.key(key)
            if self.entry is not None and self.entry.is_valid:
                self._say_locally(f"您输入的是{self.entry.masked()}。对的话，请说“确认”。")

