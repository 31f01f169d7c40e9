"""The 12345 errand by touch only, in the real window: common problem, place, district,
phone on the keypad, the read-back confirmation screen, the case number, a printed receipt."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk import theme
from portal.sandbox.server import database_path
from tests.kiosk.test_pension_walk import measure
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


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as source:
            return source.read()
    except OSError:
        return b""
