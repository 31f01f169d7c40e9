"""The pension errand by touch only, in the real window against the real services:
tile -> keypad -> pick own name -> result. Every screen is saved and measured."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from kiosk import theme
from portal.sandbox.server import database_path
from tests.kiosk import a11y
from tests.kiosk.ui import find, find_one

pytestmark = [pytest.mark.ui, pytest.mark.services]

DEMO_ID = "360702195003121226"


def measure(ui, shot, floors=()):
    root = ui.app.root
    scale = ui.app.state.font_scale
    return (a11y.check_text_sizes(root, scale, floors) + a11y.check_not_cut_off(root)
            + a11y.check_targets(root) + a11y.check_contrast(root, shot) + a11y.check_overlaps(root))


def test_pension_by_touch_only(ui, stack, output_dir):
    from kiosk.widgets.buttons import ChoiceButton, KeyButton, ServiceTile

    ui.tap(find_one(ui.app.root, ServiceTile, "查养老金"))
    ui.wait_until(lambda: ui.current() == "keypad", what="keypad")
    keypad = ui.screen
    confirm = keypad.ids.confirm
    for digit in DEMO_ID[:-1]:
        ui.tap(find_one(keypad, KeyButton, digit))
    assert confirm.disabled  # 17 digits: not yet
    ui.tap(find_one(keypad, KeyButton, DEMO_ID[-1]))
    assert ui.app.state.entry_display == "360702 19500312 1226"
    assert not confirm.disabled
    shot = ui.screenshot(output_dir / "1-keypad.png")
    assert not measure(ui, shot, [("prompt", theme.FLOOR_TITLE), ("display", theme.FLOOR_RESULT)])
    ui.tap(confirm)

    ui.wait_until(lambda: ui.current() == "conversation" and ui.app.state.choices, what="names")
    shot = ui.screenshot(output_dir / "2-choose-name.png")
    assert not measure(ui, shot, [("assistant", theme.FLOOR_TITLE)])
    assert "3607 ********** 1226" in ui.app.state.earlier_text + ui.app.state.assistant_text
    ui.tap(find_one(ui.screen, ChoiceButton, "张*英"))

    ui.wait_until(lambda: ui.current() == "result", what="result")
    shot = ui.screenshot(output_dir / "3-result.png")
    with sqlite3.connect(database_path(stack.settings)) as db:
        cents = db.execute("SELECT amount_cents FROM pension_payments WHERE id_number=? AND "
                           "status='paid' ORDER BY month DESC LIMIT 1", (DEMO_ID,)).fetchone()[0]
    assert ui.screen.ids.value.text == f"{Decimal(cents) / 100:,.2f}\u00a0元"
    assert not measure(ui, shot, [("value", theme.FLOOR_RESULT), ("title", theme.FLOOR_TITLE)])

    ui.app.speaker.wait_idle()
    said = " ".join(ui.app.speaker.spoken)
    assert "3607 ********** 1226" in said and DEMO_ID not in said


def test_keypad_refuses_a_wrong_check_digit_in_words(ui, output_dir):
    from kiosk.widgets.buttons import KeyButton, ServiceTile

    ui.tap(find_one(ui.app.root, ServiceTile, "查养老金"))
    ui.wait_until(lambda: ui.current() == "keypad", what="keypad")
    for digit in "360702195003121225":
        ui.tap(find_one(ui.screen, KeyButton, digit))
    assert ui.screen.ids.confirm.disabled
    assert "不对" in ui.app.state.entry_problem  # said in words, not only by colour
    ui.screenshot(output_dir / "wrong-number.png")
    ui.tap(find(ui.screen, KeyButton, "删除")[0])
    assert ui.app.state.entry_problem == ""


def test_home_button_wipes_the_visit(ui):
    from kiosk.widgets.buttons import BarButton, ServiceTile

    ui.tap(find_one(ui.app.root, ServiceTile, "查养老金"))
    ui.wait_until(lambda: ui.current() == "keypad", what="keypad")
    ui.tap(find_one(ui.app.root, BarButton, "首页"))
    ui.wait_until(lambda: ui.current() == "home", what="home")
    state = ui.app.state
    assert state.entry_display == "" and state.assistant_text == "" and not state.choices
    assert ui.app.controller.session.transcript.lines == []
