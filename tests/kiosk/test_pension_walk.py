"""The pension errand by touch only, in the real window against the real services: tile ->
keypad for the identity number -> 收短信验证码 -> keypad for the code the sandbox "sent" to the
resident's phone -> result. Every screen is saved and measured.

The window's kiosk id is fixed (settings.kiosk.kiosk_id) and the sandbox limits codes per
number and per kiosk (portal/sandbox/limits.py), so each walk that asks for a code takes a
resident of its own (WALK_RESIDENTS) and asks for one code only.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from kiosk import theme
from portal.sandbox.server import database_path
from tests.kiosk import a11y
from tests.kiosk.ui import find, find_one

pytestmark = [pytest.mark.ui, pytest.mark.services]

# Offsets in ORDER BY id_number DESC, apart from the e2e tests' (10-14) and the console's (0, 1).
WALK_RESIDENTS = {"pension": 20, "hotline_track": 21}  # hotline_track: the first with a case from there


def measure(ui, shot, floors=()):
    root = ui.app.root
    scale = ui.app.state.font_scale
    return (a11y.check_text_sizes(root, scale, floors) + a11y.check_not_cut_off(root)
            + a11y.check_targets(root) + a11y.check_contrast(root, shot) + a11y.check_overlaps(root))


def walk_resident(stack, use: str):
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute("SELECT id_number, name FROM residents ORDER BY id_number DESC LIMIT 1 OFFSET ?",
                          (WALK_RESIDENTS[use],)).fetchone()


def type_digits(ui, keypad, digits: str) -> None:
    from kiosk.widgets.buttons import KeyButton

    for digit in digits:
        ui.tap(find_one(keypad, KeyButton, digit))


def test_pension_by_touch_only(ui, stack, output_dir):
    from kiosk.widgets.buttons import ChoiceButton, ServiceTile

    id_number, name = walk_resident(stack, "pension")
    ui.tap(find_one(ui.app.root, ServiceTile, "查养老金"))
    ui.wait_until(lambda: ui.current() == "keypad", what="keypad")
    keypad = ui.screen
    confirm = keypad.ids.confirm
    type_digits(ui, keypad, id_number[:-1])
    assert confirm.disabled  # 17 digits: not yet
    type_digits(ui, keypad, id_number[-1])
    assert ui.app.state.entry_display == f"{id_number[:6]} {id_number[6:14]} {id_number[14:]}"
    assert not confirm.disabled
    shot = ui.screenshot(output_dir / "1-keypad.png")
    assert not measure(ui, shot, [("prompt", theme.FLOOR_TITLE), ("display", theme.FLOOR_RESULT)])
    ui.tap(confirm)

    ui.wait_until(lambda: ui.current() == "conversation" and ui.app.state.choices, what="ways in")
    shot = ui.screenshot(output_dir / "2-choose-way.png")
    assert not measure(ui, shot, [("assistant", theme.FLOOR_TITLE)])
    assert [title for title, _payload in ui.app.state.choices] == ["收短信验证码", "请工作人员核验"]
    ui.tap(find_one(ui.screen, ChoiceButton, "收短信验证码"))

    ui.wait_until(lambda: ui.current() == "keypad" and "验证码" in ui.app.state.entry_prompt, what="code keypad")
    keypad = ui.screen
    confirm = keypad.ids.confirm
    shot = ui.screenshot(output_dir / "3-code-keypad-empty.png")
    assert not measure(ui, shot, [("prompt", theme.FLOOR_TITLE)])
    messages = stack.portal().sandbox_sms(id_number=id_number)
    assert messages, "no code was sent to the resident's phone"
    code = messages[0].code
    type_digits(ui, keypad, code[:-1])
    assert confirm.disabled  # 5 digits: not yet
    type_digits(ui, keypad, code[-1])
    assert not confirm.disabled
    shot = ui.screenshot(output_dir / "4-code-keypad-typed.png")
    assert not measure(ui, shot, [("prompt", theme.FLOOR_TITLE), ("display", theme.FLOOR_RESULT)])
    ui.tap(confirm)

    ui.wait_until(lambda: ui.current() == "result", what="result")
    shot = ui.screenshot(output_dir / "5-result.png")
    with sqlite3.connect(database_path(stack.settings)) as db:
        cents = db.execute("SELECT amount_cents FROM pension_payments WHERE id_number=? AND "
                           "status='paid' ORDER BY month DESC LIMIT 1", (id_number,)).fetchone()[0]
    assert ui.screen.ids.value.text == f"{Decimal(cents) / 100:,.2f}\u00a0元"
    assert not measure(ui, shot, [("value", theme.FLOOR_RESULT), ("title", theme.FLOOR_TITLE)])

    ui.app.speaker.wait_idle()
    said = " ".join(ui.app.speaker.spoken)
    assert id_number not in said and name not in said and code not in said
    shown = " ".join(text for _who, text in ui.app.controller.session.transcript.lines)
    assert "●●●●●●" in shown and code not in shown and id_number not in shown  # masked in the record


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
