"""Everything the screens show, as Kivy properties, so the kv files simply bind to it.

Nothing here decides anything; the controller writes, the screens read.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    StringProperty,
)


class KioskState(EventDispatcher):
    font_scale = NumericProperty(1.0)
    scale_index = NumericProperty(0)

    # Conversation: the newest assistant words are shown largest.
    assistant_text = StringProperty("")
    earlier_text = StringProperty("")
    resident_text = StringProperty("")
    choices = ListProperty([])  # [(title, payload), ...]
    page = NumericProperty(0)
    page_count = NumericProperty(1)

    # The ID card reader: fitted and answering; the reply invites the resident to place their card.
    card_reader = BooleanProperty(False)
    card_invite = BooleanProperty(False)

    # Keypad.
    entry_prompt = StringProperty("")
    entry_display = StringProperty("")
    entry_ok = BooleanProperty(False)
    entry_x = BooleanProperty(True)  # the X key: for identity numbers only
    entry_problem = StringProperty("")
    entry_hint = StringProperty("")  # neutral: how many digits are still missing
    entry_hint_how = StringProperty("")  # how to enter it (the rest of Rasa's question)

    # Result.
    result_title = StringProperty("")
    result_value = StringProperty("")
    result_note = StringProperty("")
    result_text = StringProperty("")
    can_print = BooleanProperty(False)

    # Voice input.
    voice_available = BooleanProperty(False)
    listening = BooleanProperty(False)
    listen_paused = BooleanProperty(False)  # listening, but deaf while the kiosk itself speaks
    heard_text = StringProperty("")

    # Home: how many tiles fit there (the 更多 page shows the rest), which page of 更多, and the
    # voice a tap switches to (普通话 or a recorded dialect pack's name; "" hides the button).
    home_room = NumericProperty(6)
    more_page = NumericProperty(0)
    voice_switch = StringProperty("")

    # Guided lessons (practice mode).
    practice = BooleanProperty(False)
    lesson_text = StringProperty("")
    highlight = StringProperty("")  # the words on the button the learner should press

    # Staff settings.
    staff_rows = ListProperty([])  # [(name, title, shown value), ...]
    staff_info = StringProperty("")

    # Overlays and banners.
    waiting = BooleanProperty(False)
    help_coming = BooleanProperty(False)
    help_text = StringProperty("工作人员马上就来，请您在这里稍等。")
    idle_seconds_left = NumericProperty(0)
    notice = StringProperty("")  # one calm line under the top bar (e.g. no microphone)

    def show_result(self, result: dict, text: str) -> None:
        self.result_title = str(result.get("title", ""))
        self.result_value = str(result.get("value", ""))
        self.result_note = str(result.get("note", ""))
        self.result_text = text

    def clear_conversation(self) -> None:
        self.assistant_text = ""
        self.earlier_text = ""
        self.resident_text = ""
        self.choices = []
        self.show_result({}, "")
        self.can_print = False
        self.entry_display = ""
        self.entry_problem = ""
        self.entry_hint = ""
        self.entry_ok = False
        self.help_coming = False
        self.card_invite = False
        self.help_text = "工作人员马上就来，请您在这里稍等。"
        self.notice = "" if self.notice.startswith("志愿者") else self.notice
        self.page = 0
        self.page_count = 1
