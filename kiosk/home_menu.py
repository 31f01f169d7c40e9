"""The home screen's own choices, answered by the kiosk itself: the 更多 page of errands that
did not fit, and the voice the kiosk speaks in for this visit (普通话 or a recorded dialect).

Neither goes to the dialogue: they work the same with the network down, and 返回 from 更多
is simply the home screen again. The voice button switches to the next voice and says so in
it, so the resident hears at once what they chose; the choice ends with the visit.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, List, Optional, Protocol

from kiosk.speech import voice_choice
from kiosk.speech.speaker import Speaker

logger = logging.getLogger(__name__)

MORE_INTRO = "还可以办这些事。请点一下。"
VOICE_CHOSEN = "好的，就用这个声音跟您说。请点一下您要办的事。"


def page_turned(number: int) -> str:
    """Said as a page of 更多 turns (an f-string, so the prompt list sees the number slot)."""
    return f"这是第{number}页。请点一下您要办的事。"


class KioskActions(Protocol):
    """What the home menu does on the kiosk (kiosk.controller.KioskController)."""

    state: Any
    screens: Any
    lessons: Any  # kiosk.lesson_runner.LessonRunner

    def touched(self) -> None: ...

    def say_locally(self, text: str) -> None: ...

    def show(self, screen: str) -> None: ...


class HomeMenu:
    def __init__(self, kiosk: KioskActions, speaker: Speaker) -> None:
        self.kiosk = kiosk
        self.speaker = speaker
        self.options: List[voice_choice.VoiceOption] = []
        self.refresh_voices()

    # -- 更多 ----------------------------------------------------------------------------

    def more(self) -> None:
        self.kiosk.touched()
        self.kiosk.state.more_page = 0
        self.kiosk.show("more")
        self.kiosk.say_locally(MORE_INTRO)
        self.kiosk.lessons.opened_more()  # in a lesson: point at the tile it asked for

    def turn(self, step: int) -> None:
        """上一页 / 下一页 on the 更多 page (the screen keeps the page in range)."""
        self.kiosk.touched()
        self.kiosk.state.more_page = max(0, int(self.kiosk.state.more_page) + step)
        self.kiosk.say_locally(page_turned(int(self.kiosk.state.more_page) + 1))

    def back(self) -> bool:
        """返回 on the 更多 page: the home screen. False anywhere else."""
        if self.kiosk.screens.current != "more":
            return False
        self.kiosk.touched()
        self.kiosk.show("home")
        return True

    # -- the voice -------------------------------------------------------------------------

    @property
    def packs_folder(self) -> Optional[Path]:
        return getattr(self.speaker, "packs_folder", None)

    def refresh_voices(self) -> None:
        """Read which packs are usable now (a pack recorded on the console today counts from
        the next visit) and label the button for the voice heard now."""
        packs = voice_choice.usable_packs(self.packs_folder)
        self.options = voice_choice.resident_options(packs, getattr(self.speaker, "default_pack", None))
        self._label()

    def _label(self) -> None:
        upcoming = voice_choice.next_option(self.options, getattr(self.speaker, "pack_id", None))
        self.kiosk.state.voice_switch = upcoming.label if upcoming else ""

    def switch_voice(self) -> None:
        """The voice button: the next voice, for the rest of this visit, said in that voice."""
        self.kiosk.touched()
        upcoming = voice_choice.next_option(self.options, getattr(self.speaker, "pack_id", None))
        if upcoming is None:
            return
        choose = getattr(self.speaker, "choose_pack", None)
        if choose is not None and not choose(upcoming.pack_id):
            logger.warning("voice %s could not be loaded; staying with synthesis", upcoming.pack_id)
            self.refresh_voices()
        self._label()
        self.kiosk.say_locally(VOICE_CHOSEN)

    def use_default_voice(self, pack_id: Optional[str]) -> None:
        """Staff saved a new default: it is heard from now on, and by every next visit."""
        self.speaker.default_pack = pack_id
        choose = getattr(self.speaker, "choose_pack", None)
        if choose is not None:
            choose(pack_id)
        self.refresh_voices()

    def visit_ended(self) -> None:
        """The next resident starts with the centre's default (the voice resets itself)."""
        self.kiosk.state.more_page = 0
        self.refresh_voices()
