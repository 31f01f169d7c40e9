"""The same conversation in a terminal, for machines without a display (replies also spoken).

Type what you would say, or the number of a button. Commands: 首页 (or `home`) ends the
session, 再听一遍 (or `repeat`) speaks the last reply again, 找人帮忙 (or `help`), 退出 (or
`quit`). Identity and phone numbers are shown masked, as on the screen.
"""

from __future__ import annotations

import sys
import threading
from typing import Callable, Optional, TextIO

from common.menu import TILES as MENU
from config import get_settings
from kiosk.dialogue_client import DialogueClient, Reply
from kiosk.help_queue import HelpQueue
from kiosk.number_entry import NUMBER_INPUTS, NumberEntry
from kiosk.offline_desk import offline_support
from kiosk.session import KioskSession, SessionEvents
from kiosk.speech.speaker import SilentSpeaker, Speaker
from kiosk.speech.tts import speaker_from_settings

HOME_WORDS = {"首页", "home"}
REPEAT_WORDS = {"再听一遍", "repeat"}
HELP_WORDS = {"找人帮忙", "help"}
QUIT_WORDS = {"退出", "quit", "exit"}
TILES = [(label, payload) for _tile, label, payload in MENU]


class Terminal:
    def __init__(self, session_factory: Callable[[SessionEvents], KioskSession],
                 out: TextIO = sys.stdout) -> None:
        self.out = out
        self.replied = threading.Event()
        self.buttons = list(TILES)
        self.expecting: Optional[str] = None
        self.session = session_factory(SessionEvents(
            on_reply=self._show, on_waiting=self._waiting, on_wiped=self._wiped))

    def _print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def _show(self, reply: Reply) -> None:
        for text in reply.texts:
            self._print(f"\n  【助手】{text}")
        if reply.result:
            self._print(f"\n    ★ {reply.result.get('title', '')}：{reply.result.get('value', '')}"
                        f"  {reply.result.get('note', '')}")
        self.expecting = reply.input_kind if reply.input_kind in NUMBER_INPUTS else None
        if self.expecting:
            self.buttons = []
            self._print("  （请用键盘输入号码，输完按回车。）")
        else:
            self.buttons = [(b.title, b.payload) for b in reply.buttons] or list(TILES)
        self._menu()
        self.replied.set()

    def _waiting(self, waiting: bool) -> None:
        if waiting:
            self._print("  （正在为您查询，请稍等……）")

    def _wiped(self) -> None:
        self.buttons = list(TILES)

    def _menu(self) -> None:
        if self.buttons:
            self._print("  " + "   ".join(f"[{i}] {title}" for i, (title, _) in enumerate(self.buttons, 1)))

    def handle(self, line: str) -> bool:
        """One line typed by the user; False when they want to leave."""
        line = line.strip()
        if not line:
            return True
        if line in QUIT_WORDS:
            return False
        if line in HOME_WORDS:
            self.session.end()
            self._print("\n  【助手】好的，回到首页。")
            self._menu()
            return True
        if line in REPEAT_WORDS:
            self.session.repeat()
            if self.session.last_reply:
                self._show(self.session.last_reply)
            return True
        if line in HELP_WORDS:
            self.session.say("/help_volunteer", "找人帮忙")
            return self._await_reply()
        by_title = dict(self.buttons)
        if line.isdigit() and 1 <= int(line) <= len(self.buttons) and len(line) <= 2:
            title, payload = self.buttons[int(line) - 1]
            self.session.say(payload, title)
        elif line in by_title:  # a button's words typed out count as tapping it
            self.session.say(by_title[line], line)
        elif self.expecting and line.replace(" ", "").upper().rstrip("X").isdigit():
            entry = NumberEntry.typed(self.expecting, line)
            if not entry.is_valid:
                self._print(f"\n  【助手】{entry.problem or '号码还没输完。请再输一遍。'}")
                return True
            self._print(f"  （您输入的是：{entry.masked()}）")
            self.session.say(entry.payload(), entry.masked())
        else:
            self.session.say(line)
        return self._await_reply()

    def _await_reply(self) -> bool:
        self.replied.clear()
        self.replied.wait(timeout=60)
        return True

    def loop(self, stdin: TextIO = sys.stdin) -> None:
        self._print("长者服务助手（终端模式）。输入您想说的话，或按钮前的数字。输入“退出”结束。")
        self.session.say("/greet", "你好")
        self._await_reply()
        while True:
            self.out.write("\n您说：")
            self.out.flush()
            line = stdin.readline()
            if not line or not self.handle(line):
                break
        self.session.end()
        self.session.close()


def run_terminal(speak: bool = True, speaker: Optional[Speaker] = None) -> int:
    settings = get_settings()
    dialogue = DialogueClient.from_settings(settings)
    voice = speaker or (speaker_from_settings(settings) if speak else SilentSpeaker())
    help_queue = HelpQueue(settings.data_dir / "help-requests.sqlite3")

    desk, sender = offline_support(settings)

    def factory(events: SessionEvents) -> KioskSession:
        return KioskSession(dialogue, voice, help_queue, settings.kiosk.kiosk_id,
                            deliver=lambda call: call(), events=events, offline=desk)

    sender.start()
    try:
        Terminal(factory).loop()
    finally:
        sender.stop()
    return 0
