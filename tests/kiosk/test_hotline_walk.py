"""The 12345 errands by touch only, in the real window: a report (common problem, place,
district, phone on the keypad, the read-back confirmation screen, the case number, a printed
receipt), and following one's own case, which needs identity first (the number and an SMS
code on the keypad: the window has no card reader here), then the case number on the keypad."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk import theme
from portal.sandbox.server import database_path
from tests.kiosk.test_pension_walk import WALK_RESIDENTS, measure, type_digits
from tests.kiosk.ui import find_one

pytestmark = [pytest.mark.ui, pytest.mark.services]


def test_hotline_report_by_touch_only(ui, stack, output_dir):
    from kiosk.widgets.buttons import ChoiceButton, KeyButton, ServiceTile

    ui.tap(find_one(ui.app.root, ServiceTile, "反映问题"))
    ui.wait_until(lambda: ui.current() == "conversation" and ui.app.state.choices, what="problem choices")
    ui.screenshot(output_dir / "1-problem.png")
    ui.tap(find_one(ui.screen, ChoiceButton, "路灯不亮"))
    ui.wait_until(lambda: "在哪里" in ui.app.state.assistant_text, what="place question")
    ui.tap(find_one(ui.screen, ChoiceButton, "我住的小区"))
    ui.wait_until(lambda: any(title == "章贡区" for title, _p in ui.app.state.choices), what="districts")
    ui.screenshot(output_dir / "2-district.png")
    ui.tap(find_one(ui.screen, ChoiceButton, "章贡区"))
    ui.wait_until(lambda: ui.current() == "keypad", what="phone keypad")
    for digit in "13912345678":
        ui.tap(find_one(ui.screen, KeyButton, digit))
    assert ui.app.state.entry_display == "139 1234 5678" and not ui.screen.ids.confirm.disabled
    ui.tap(ui.screen.ids.confirm)

    ui.wait_until(lambda: ui.current() == "confirm", what="read-back")
    shot = ui.screenshot(output_dir / "3-confirm.png")
    assert "尾号5678" in ui.app.state.assistant_text and "13912345678" not in ui.app.state.assistant_text
    assert "。。" not in ui.app.state.assistant_text
    assert not measure(ui, shot, [("read_back", theme.FLOOR_TITLE)])
    ui.tap(find_one(ui.screen, ChoiceButton, "是的"))

    ui.wait_until(lambda: ui.current() == "result", what="case number")
    shot = ui.screenshot(output_dir / "4-case-number.png")
    assert not measure(ui, shot, [("value", theme.FLOOR_RESULT)])
    number = ui.app.state.result_value.replace(" ", "")
    with sqlite3.connect(database_path(stack.settings)) as db:
        assert db.execute("SELECT description FROM hotline_cases WHERE case_number=?",
                          (number,)).fetchone()[0].startswith("路灯不亮")
    receipts = ui.app.settings.kiosk.printer.file_path
    ui.tap(ui.screen.ids.print)
    ui.wait_until(lambda: ui.app.state.result_value.encode("gb18030") in _read(receipts), what="receipt")


def resident_with_a_case(stack):
    """(id_number, case_number) of a resident set aside for the walks who reported a seeded
    case (the codes this asks for are counted per number: nobody else's resident)."""
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute(
            "SELECT r.id_number, c.case_number FROM residents r JOIN hotline_cases c "
            "ON c.reporter_id_number=r.id_number WHERE r.id_number IN (SELECT id_number FROM residents "
            "ORDER BY id_number DESC LIMIT 100 OFFSET ?) ORDER BY r.id_number DESC, c.created_at LIMIT 1",
            (WALK_RESIDENTS["hotline_track"],)).fetchone()


def test_follow_own_case_by_touch_only(ui, stack, output_dir):
    from kiosk.widgets.buttons import ChoiceButton, ServiceTile

    id_number, case_number = resident_with_a_case(stack)
    ui.tap(find_one(ui.app.root, ServiceTile, "办件进度"))
    ui.wait_until(lambda: ui.current() == "keypad" and ui.app.state.entry_prompt, what="identity keypad")
    assert "身份证" in ui.app.state.entry_prompt  # who the resident is comes first
    type_digits(ui, ui.screen, id_number)
    ui.tap(ui.screen.ids.confirm)
    ui.wait_until(lambda: ui.current() == "conversation" and ui.app.state.choices, what="ways in")
    ui.tap(find_one(ui.screen, ChoiceButton, "收短信验证码"))
    ui.wait_until(lambda: ui.current() == "keypad" and "验证码" in ui.app.state.entry_prompt, what="code keypad")
    type_digits(ui, ui.screen, stack.portal().sandbox_sms(id_number=id_number)[0].code)
    ui.tap(ui.screen.ids.confirm)

    ui.wait_until(lambda: ui.current() == "keypad" and "编号" in ui.app.state.entry_prompt, what="case keypad")
    assert any(title == "查我反映过的事" for title, _payload in ui.app.state.choices)
    type_digits(ui, ui.screen, case_number)
    assert ui.app.state.entry_display == " ".join(case_number[i:i + 4] for i in range(0, 16, 4))
    shot = ui.screenshot(output_dir / "1-case-number.png")
    assert not measure(ui, shot, [("prompt", theme.FLOOR_TITLE), ("display", theme.FLOOR_RESULT)])
    ui.tap(ui.screen.ids.confirm)

    ui.wait_until(lambda: ui.current() == "result", what="progress")
    shot = ui.screenshot(output_dir / "2-progress.png")
    assert not measure(ui, shot, [("value", theme.FLOOR_RESULT)])
    assert ui.app.state.result_value in ("已受理", "已转办", "办理中", "已办结")
    assert case_number[-4:] in ui.app.state.result_note


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as source:
            return source.read()
    except OSError:
        return b""
