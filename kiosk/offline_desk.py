"""What the kiosk still does by itself when the dialogue service cannot be reached.

It says so plainly, once, and offers what needs no service: a person (the help queue is
local), and a 12345 report taken by touch or speech on this kiosk and kept in its outbox
until the service is back. Its replies are ordinary `Reply` objects, so the screens show
them exactly as they show Rasa's.

A report taken here is delivered later through the dialogue's own 12345 form, so it must pass
the same rules (`common.text` for what was said, `common.number_finder` for the phone number), with
the same sentences when it does not: accepting here what the form refuses later would leave
a resident holding a receipt for a report that never arrives.
"""

from __future__ import annotations

import json
from typing import Optional, Tuple, Union

from common import kiosk_protocol as protocol
from common import number_finder
from common.masking import last_four
from common.menu import TILES
from common.text import (
    DESCRIPTION_EXPLAINED,
    DESCRIPTION_UNCLEAR,
    PHONE_UNCLEAR,
    PLACE_EXPLAINED,
    PLACE_MINIMUM,
    PLACE_UNCLEAR,
    bare_sentence,
    meaningful,
)
from config import Settings
from kiosk.dialogue_client import Button, DialogueClient, Reply
from kiosk.help_queue import HelpQueue
from kiosk.report_outbox import OutboxSender, ReportOutbox

OFFLINE_REPORT = "offline:report"
HELP_PAYLOAD = "/help_volunteer"
HOTLINE_PAYLOAD = "/hotline_report"
HELP_TEXT = "好的，我已经请工作人员过来了。请您在这里稍等一下。"
MENU_PAYLOADS = {payload for _tile, _label, payload in TILES}
YES = {"/affirm", "是", "是的", "对", "对的", "好", "好的", "没错"}
NO = {"/deny", "不对", "不是", "错了", "不对，重新说"}

UNAVAILABLE = "对不起，现在连不上服务中心。"
OFFER = "您可以找人帮忙，或者先留下12345反映。"
# The same common problems the online 12345 question offers (title, what is reported).
PROBLEMS = [("路灯不亮", "路灯不亮，晚上看不见路。"), ("垃圾没人收", "垃圾好几天没人收了。"),
            ("停水停电", "家里停水停电了。"), ("噪音太吵", "噪音太吵，影响休息。"),
            ("路面坑洼", "路面坑坑洼洼，容易摔跤。"), ("找人帮忙", HELP_PAYLOAD)]
PLACES = ["我住的小区", "社区服务中心附近"]


def _reply(text: Union[str, Tuple[str, ...]], input_kind: Optional[str] = None, buttons=(),
           **directives) -> Reply:
    """Several texts: the screen shows the last one big and the ones before it above."""
    if input_kind:
        directives[protocol.INPUT] = input_kind
    texts = (text,) if isinstance(text, str) else text
    return Reply(texts, tuple(Button(title, payload) for title, payload in buttons), directives)


class OfflineDesk:
    def __init__(self, outbox: ReportOutbox, district: str, failure_limit: int = 2) -> None:
        self.outbox = outbox
        self.district = district
        self.failure_limit = failure_limit  # as the dialogue's dialogue.max_failed_answers
        self.failures = 0  # unusable answers to the current question
        self.step: Optional[str] = None
        self.description = ""
        self.place = ""
        self.phone = ""

    @property
    def active(self) -> bool:
        return self.step is not None

    def handles(self, message: str) -> bool:
        """Its own flow's answers; a tile tapped meanwhile tries the service first."""
        return message == OFFLINE_REPORT or (self.active and message not in MENU_PAYLOADS)

    def reset(self) -> None:
        self.step = None
        self.failures = 0
        self.description = self.place = self.phone = ""

    def unavailable(self, message: str) -> Reply:
        """The reply when a message could not reach the service."""
        if message == HOTLINE_PAYLOAD:
            return self._start(UNAVAILABLE)
        if message == HELP_PAYLOAD:  # the help queue is local: a person comes all the same
            self.reset()
            return _reply(HELP_TEXT, **{protocol.HELP_REQUESTED: True})
        self.reset()
        return _reply(UNAVAILABLE + OFFER, protocol.INPUT_CHOICE,
                      [("找人帮忙", HELP_PAYLOAD), ("留下12345反映", OFFLINE_REPORT)])

    def answer(self, message: str) -> Reply:
        message = message.strip()
        if message == OFFLINE_REPORT or self.step is None:
            return self._start("")
        return getattr(self, f"_after_{self.step}")(message)

    # -- the steps ---------------------------------------------------------------------

    def _start(self, lead: str) -> Reply:
        self.reset()
        self.step = "description"
        question = "请问是什么问题？点一下，或者直接说。"
        texts = (f"{lead}您的反映可以先存在这台机器上，联网后自动提交。", question) if lead else (question,)
        return _reply(texts, protocol.INPUT_FREE_SPEECH, PROBLEMS)

    def _unusable(self, first_time: str, explanation: str) -> str:
        """What the dialogue's forms say: first the short sentence, from the limit on the
        explanation (the problem buttons here always include 找人帮忙)."""
        self.failures += 1
        return explanation if self.failures >= self.failure_limit else first_time

    def _answered(self, step: str) -> None:
        self.step, self.failures = step, 0

    def _after_description(self, message: str) -> Reply:
        if message.startswith("/") or not meaningful(message):
            sentence = self._unusable(DESCRIPTION_UNCLEAR, DESCRIPTION_EXPLAINED)
            return _reply((sentence, "请问是什么问题？点一下，或者直接说。"), protocol.INPUT_FREE_SPEECH, PROBLEMS)
        self.description = message[:200]
        self._answered("place")
        return self._ask_place()

    def _ask_place(self, lead: str = "") -> Reply:
        return _reply(f"{lead}在哪里？请说一下地点，或者点下面的按钮。", protocol.INPUT_FREE_SPEECH,
                      [(place, place) for place in PLACES] + [("找人帮忙", HELP_PAYLOAD)])

    def _after_place(self, message: str) -> Reply:
        if message.startswith("/") or not meaningful(message, PLACE_MINIMUM):
            return self._ask_place(self._unusable(PLACE_UNCLEAR, PLACE_EXPLAINED))
        self.place = message[:100]
        self._answered("phone")
        return _reply("请输入您的手机号。12345 会打这个电话联系您。", protocol.INPUT_PHONE)

    def _after_phone(self, message: str) -> Reply:
        phone = _phone_from(message)
        if phone is None:
            return _reply(PHONE_UNCLEAR, protocol.INPUT_PHONE)
        self.phone = phone
        self._answered("confirm")
        return _reply(f"我读一遍：问题是{bare_sentence(self.description)}。地点是{self.place}，{self.district}。"
                      f"手机尾号{last_four(phone)}。对吗？", protocol.INPUT_YES_NO,
                      [("是的", "/affirm"), ("不对，重新说", "/deny")])

    def _after_confirm(self, message: str) -> Reply:
        if message in NO:
            return self._start("好的，我们重新来。")
        if message not in YES:
            return _reply("请点“是的”，或者“不对，重新说”。", protocol.INPUT_YES_NO,
                          [("是的", "/affirm"), ("不对，重新说", "/deny")])
        report = self.outbox.keep(self.description, self.place, self.district, self.phone)
        self.reset()
        reference = report.reference
        return _reply(f"好的，已经存在这台机器上了。联网以后会自动提交，12345 会打电话联系您。"
                      f"您的登记号是 {reference}。",
                      **{protocol.RESULT: {"title": "登记号", "value": reference, "note": "联网后自动提交"},
                         protocol.PRINTABLE: True, protocol.FINISHED: "hotline_report"})


def _phone_from(message: str) -> Optional[str]:
    """The keypad sends `/inform{"phone_number": "…"}`; speech may send the digits."""
    if message.startswith("/inform"):
        try:
            value = str(json.loads(message[len("/inform"):]).get("phone_number", ""))
        except (ValueError, AttributeError):
            return None
    else:
        value = message
    return number_finder.phone_number(value)


def offline_support(settings: Settings) -> Tuple[OfflineDesk, OutboxSender]:
    """The desk for the session and the sender that empties its outbox (not yet started).
    The sender tells staff of reports it cannot deliver through the kiosk's help queue
    (the same file the window uses), which the console link carries to the help desk."""
    outbox = ReportOutbox(settings.data_dir / "kiosk-outbox.sqlite3")
    client = DialogueClient.from_settings(settings)
    help_queue = HelpQueue(settings.data_dir / "help-requests.sqlite3")
    desk = OfflineDesk(outbox, settings.kiosk.district, settings.dialogue.max_failed_answers)
    return desk, OutboxSender(outbox, client, help_queue=help_queue)
