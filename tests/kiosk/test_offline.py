"""The kiosk with its dialogue service out of reach: it says so, still calls a person, keeps a
12345 report in its own outbox, and delivers it through the real dialogue once the service
answers, as one case however often the delivery is tried."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path
from typing import List

import pytest

from common.text import DESCRIPTION_EXPLAINED, DESCRIPTION_UNCLEAR
from kiosk.dialogue_client import Button, DialogueClient, Reply
from kiosk.help_queue import HelpQueue
from kiosk.offline_desk import OfflineDesk
from kiosk.report_delivery import choose_district
from kiosk.report_outbox import OutboxSender, ReportOutbox, deliver
from kiosk.session import KioskSession, SessionEvents
from kiosk.speech.speaker import SilentSpeaker
from portal.sandbox.server import database_path
from tests.kiosk.ui import find_one
from tests.stack import free_port
from tests.stored_numbers import files_of, phones_in

PHONE = "13912345678"


class Said(SilentSpeaker):
    def __init__(self) -> None:
        super().__init__()
        self.lines: List[str] = []

    def speak(self, text: str) -> None:
        self.lines.append(text)


class Visit:
    """A session against an address where nothing listens, driven turn by turn."""

    def __init__(self, folder: Path) -> None:
        self.outbox = ReportOutbox(folder / "kiosk-outbox.sqlite3")
        self.help_queue = HelpQueue(folder / "help.sqlite3")
        self.replies: List[Reply] = []
        self._arrived = threading.Event()
        events = SessionEvents(on_reply=self._on_reply)
        dead = DialogueClient(f"http://127.0.0.1:{free_port()}", "kiosk-off", 2)
        self.speaker = Said()
        self.session = KioskSession(dead, self.speaker, self.help_queue, "kiosk-off", deliver=lambda call: call(),
                                    events=events, offline=OfflineDesk(self.outbox, "章贡区"))

    def _on_reply(self, reply: Reply) -> None:
        self.replies.append(reply)
        self._arrived.set()

    def say(self, message: str) -> Reply:
        self._arrived.clear()
        self.session.say(message)
        assert self._arrived.wait(20), f"no reply to {message!r}"
        return self.replies[-1]

    def report(self) -> Reply:
        reply = self.say("/hotline_report")
        assert "连不上" in reply.text and reply.input_kind == "free_speech"
        assert "路灯不亮" in [button.title for button in reply.buttons]
        assert "在哪里" in self.say("楼道的灯坏了晚上看不见路").text
        assert self.say("文明大道18号").input_kind == "phone"
        wrong = self.say('/inform{"phone_number": "12345"}')
        assert wrong.input_kind == "phone" and "不对" in wrong.text
        reply = self.say(f'/inform{{"phone_number": "{PHONE}"}}')
        assert reply.input_kind == "yes_no" and "尾号5678" in reply.text and PHONE not in reply.text
        return self.say("/affirm")


@pytest.fixture
def visit(tmp_path) -> Visit:
    visit = Visit(tmp_path)
    yield visit
    visit.session.close()


def test_an_errand_that_needs_the_service_says_so_and_offers_a_way(visit):
    reply = visit.say("/query_pension")
    assert "连不上" in reply.text
    assert [button.title for button in reply.buttons] == ["找人帮忙", "留下12345反映"]
    reply = visit.say(reply.buttons[0].payload)
    assert reply.help_requested and len(visit.help_queue.open_requests()) == 1


def test_a_report_is_kept_on_the_kiosk_with_a_reference(visit):
    reply = visit.report()
    assert reply.result["value"] == "K0001" and reply.printable
    assert "联网以后会自动提交" in reply.text
    waiting = visit.outbox.waiting()
    assert [(r.description, r.place, r.district, r.phone) for r in waiting] == [
        ("楼道的灯坏了晚上看不见路", "文明大道18号", "章贡区", PHONE)]
    assert all(PHONE not in line for line in visit.speaker.lines)


def test_saying_no_starts_the_report_again(visit):
    visit.say("/hotline_report")
    visit.say("路灯不亮，晚上看不见路。")
    visit.say("我住的小区")
    visit.say(f'/inform{{"phone_number": "{PHONE}"}}')
    reply = visit.say("/deny")
    assert "重新来" in reply.text and reply.input_kind == "free_speech"
    assert visit.outbox.waiting() == []


def test_a_description_too_short_for_the_dialogue_is_refused_here_too(visit):
    visit.say("/hotline_report")
    reply = visit.say("灯坏")  # two characters: the central form needs four that say something
    assert reply.texts[0] == DESCRIPTION_UNCLEAR and reply.input_kind == "free_speech"
    reply = visit.say("呃 那个")
    assert reply.texts[0] == DESCRIPTION_EXPLAINED and "找人帮忙" in [b.title for b in reply.buttons]
    assert "在哪里" in visit.say("楼道的灯坏了").text
    assert visit.outbox.waiting() == []


def test_the_kiosk_outbox_is_private(visit):
    visit.report()
    assert stat.S_IMODE(os.stat(visit.outbox.path).st_mode) == 0o600


def test_a_district_on_no_page_is_said_by_name():
    said: List[str] = []
    pages = {"/more": Reply(("是哪个区县？",), (Button("章贡区", "/a"), Button("从头再看", "/first")))}

    def send(message: str) -> Reply:
        said.append(message)
        return pages.get(message, Reply((), (), {"input": "phone"}))

    first = Reply(("是哪个区县？",), (Button("南康区", "/b"), Button("更多区县", "/more")))
    choose_district(send, first, "石城县")
    assert said == ["/more", "石城县"]  # paged on, then named it: never another district's button


def test_reports_kept_by_an_older_version_are_still_delivered(tmp_path):
    path = tmp_path / "kiosk-outbox.sqlite3"
    with sqlite3.connect(path) as db:  # the schema before parking existed
        db.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY AUTOINCREMENT, token TEXT NOT NULL UNIQUE, "
                   "created_at REAL NOT NULL, description TEXT NOT NULL, place TEXT NOT NULL, "
                   "district TEXT NOT NULL, phone TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
                   "next_attempt REAL NOT NULL DEFAULT 0)")
        db.execute("INSERT INTO reports (token, created_at, description, place, district, phone) "
                   "VALUES ('t1', 0, '井盖丢了很危险', '和谐路12号', '章贡区', ?)", (PHONE,))
    outbox = ReportOutbox(path)
    assert [report.reference for report in outbox.waiting(due_only=True)] == ["K0001"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_report_is_parked_only_after_failing_for_a_while(tmp_path):
    patient = ReportOutbox(tmp_path / "a.sqlite3")  # three failures within the hour: still tried
    report = patient.keep("井盖丢了很危险", "和谐路12号", "章贡区", PHONE)
    assert not any(patient.failed(report, "the place was not accepted") for _ in range(5))
    assert patient.parked() == [] and len(patient.waiting()) == 1
    quick = ReportOutbox(tmp_path / "b.sqlite3", park_after=0)
    report = quick.keep("井盖丢了很危险", "和谐路12号", "章贡区", PHONE)
    assert [quick.failed(report, "the place was not accepted") for _ in range(3)] == [False, False, True]
    assert quick.retry(report.reference) and quick.waiting()[0].reference == report.reference


def hotline_cases(stack, description: str) -> List[tuple]:
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute("SELECT case_number, place, district FROM hotline_cases WHERE description=?",
                          (description,)).fetchall()


@pytest.mark.services
def test_waiting_reports_reach_the_portal_once_the_service_answers(stack, visit):
    before = set(hotline_cases(stack, "楼道的灯坏了晚上看不见路"))  # other tests report the same lamp
    visit.report()
    client = DialogueClient(stack.settings.dialogue.base_url, "kiosk-off", 60, stack.rasa_token)
    sender = OutboxSender(visit.outbox, client)
    assert sender.send_due() == 1
    assert visit.outbox.waiting() == []  # delivered: the phone number is gone from the kiosk
    cases = [case for case in hotline_cases(stack, "楼道的灯坏了晚上看不见路") if case not in before]
    assert len(cases) == 1 and cases[0][1:] == ("文明大道18号", "章贡区")
    assert sender.send_due() == 0


@pytest.mark.services
def test_a_delivery_tried_twice_is_one_case(stack, visit):
    report = visit.outbox.keep("井盖丢了很危险", "和谐路12号", "章贡区", PHONE)
    client = DialogueClient(stack.settings.dialogue.base_url, "kiosk-off", 60, stack.rasa_token)
    first = deliver(client, report)  # then, say, the kiosk lost power before deleting it
    second = deliver(client, report)
    assert first == second
    assert len(hotline_cases(stack, "井盖丢了很危险")) == 1


@pytest.mark.services
def test_offline_and_central_refuse_a_short_description_with_the_same_sentence(stack, visit):
    central = DialogueClient(stack.settings.dialogue.base_url, "kiosk-on", 60, stack.rasa_token)
    try:
        central.send("/hotline_report")
        online = central.send("灯坏")
    finally:
        central.end_session()
        central.close()
    visit.say("/hotline_report")
    offline = visit.say("灯坏")
    assert online.texts[0] == offline.texts[0] == DESCRIPTION_UNCLEAR


@pytest.mark.services
@pytest.mark.parametrize("said", ["路灯坏了好几天", "于都县来的亲戚说路灯坏了"])
def test_a_report_from_shicheng_is_filed_in_shicheng(stack, visit, said):
    """石城县 is on the last page of district buttons; a description naming another district
    makes the dialogue skip the question and fill that one, and the read-back check puts it right."""
    description = f"{said} {os.getpid()}-{id(visit)}"
    visit.outbox.keep(description, "琴江镇大畲村", "石城县", PHONE)
    client = DialogueClient(stack.settings.dialogue.base_url, "kiosk-shicheng", 60, stack.rasa_token)
    assert OutboxSender(visit.outbox, client).send_due() == 1
    assert [case[1:] for case in hotline_cases(stack, description)] == [("琴江镇大畲村", "石城县")]


@pytest.mark.services
def test_a_report_that_cannot_be_delivered_is_parked_without_holding_back_the_next(stack, tmp_path):
    outbox = ReportOutbox(tmp_path / "kiosk-outbox.sqlite3", max_failures=1, park_after=0)
    help_queue = HelpQueue(tmp_path / "help.sqlite3")
    stuck = outbox.keep("灯坏", "文明大道18号", "章贡区", "13912340001")  # kept by an older version
    description = f"小区垃圾好几天没人收了 {os.getpid()}"
    outbox.keep(description, "幸福小区", "章贡区", PHONE)
    client = DialogueClient(stack.settings.dialogue.base_url, "kiosk-off", 60, stack.rasa_token)
    sender = OutboxSender(outbox, client, help_queue=help_queue)
    assert sender.send_due() == 1  # the one behind it was delivered in the same round
    assert len(hotline_cases(stack, description)) == 1
    assert outbox.waiting() == [] and [report.reference for report in outbox.parked()] == [stuck.reference]
    assert PHONE not in phones_in(files_of(outbox.path))  # delivered: gone from the file
    assert "13912340001" in phones_in(files_of(outbox.path))  # parked: kept for staff
    [request] = help_queue.open_requests()  # staff hear of it through the help desk
    assert request.errand == "hotline_report" and stuck.reference in request.transcript[0]
    assert "联系电话尾号0001" in request.transcript and "13912340001" not in "".join(request.transcript)
    assert sender.send_due() == 0 and len(help_queue.open_requests()) == 1  # told once, not every round
    assert outbox.handled(stuck.reference) and outbox.parked() == []
    assert "13912340001" not in phones_in(files_of(outbox.path))


@pytest.mark.ui
@pytest.mark.services
def test_the_window_without_the_service(ui, output_dir):
    from kiosk.widgets.buttons import ChoiceButton, KeyButton, ServiceTile
    from tests.kiosk.test_pension_walk import measure

    ui.app.outbox_sender.stop()  # delivered by hand below, at a moment the test chooses
    dialogue = ui.app.dialogue
    reachable = dialogue.base_url
    dialogue.base_url = f"http://127.0.0.1:{free_port()}"
    try:
        ui.tap(find_one(ui.app.root, ServiceTile, "查养老金"))
        ui.wait_until(lambda: "连不上" in ui.app.state.assistant_text, what="the plain message")
        shot = ui.screenshot(output_dir / "1-unreachable.png")
        assert not measure(ui, shot)
        ui.tap(find_one(ui.screen, ChoiceButton, "留下12345反映"))
        ui.wait_until(lambda: any(t == "路灯不亮" for t, _p in ui.app.state.choices), what="problems")
        ui.tap(find_one(ui.screen, ChoiceButton, "路灯不亮"))
        ui.wait_until(lambda: "在哪里" in ui.app.state.assistant_text, what="place question")
        ui.tap(find_one(ui.screen, ChoiceButton, "我住的小区"))
        ui.wait_until(lambda: ui.current() == "keypad", what="phone keypad")
        for digit in PHONE:
            ui.tap(find_one(ui.screen, KeyButton, digit))
        ui.tap(ui.screen.ids.confirm)
        ui.wait_until(lambda: ui.current() == "confirm", what="read-back")
        ui.tap(find_one(ui.screen, ChoiceButton, "是的"))
        ui.wait_until(lambda: ui.current() == "result", what="the kiosk's own reference")
        shot = ui.screenshot(output_dir / "2-kept-on-the-kiosk.png")
        assert not measure(ui, shot)
        assert ui.app.state.result_value.startswith("K")
    finally:
        dialogue.base_url = reachable
    outbox = ReportOutbox(ui.app.settings.data_dir / "kiosk-outbox.sqlite3")
    waiting = [report for report in outbox.waiting() if report.phone == PHONE]
    assert waiting and waiting[-1].place == "我住的小区"
    assert ui.app.outbox_sender.send_due() >= 1  # the service answers again: delivered
    assert [report for report in outbox.waiting() if report.phone == PHONE] == []
