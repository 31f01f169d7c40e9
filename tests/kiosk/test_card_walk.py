"""The ID card on the reader, in the real window against the real services: the simulated
GA/T 467 reader on a pseudo-terminal, the kiosk's watcher, the action server's card route,
the portal sandbox, Rasa. No number typed, no code: the card is the identity step."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from kiosk import theme
from kiosk.card_desk import TAKE_YOUR_CARD
from portal.sandbox.cards import EXPIRED_CARD_RESIDENT, demo_card
from portal.sandbox.server import database_path
from tests.kiosk.test_pension_walk import measure
from tests.kiosk.ui import find, find_one

pytestmark = [pytest.mark.ui, pytest.mark.services]

ZHANG = 0  # 张桂英 in seed.DEMO_RESIDENTS


def pension_of(stack, id_number: str) -> str:
    with sqlite3.connect(database_path(stack.settings)) as db:
        cents = db.execute("SELECT amount_cents FROM pension_payments WHERE id_number=? AND status='paid' "
                           "ORDER BY month DESC LIMIT 1", (id_number,)).fetchone()[0]
    return f"{Decimal(cents) / 100:,.2f}\u00a0元"


def said(ui) -> str:
    ui.app.speaker.wait_idle()
    return " ".join(ui.app.speaker.spoken)


def test_errand_then_card_goes_straight_to_the_pension(ui, stack, card_reader, output_dir):
    from kiosk.widgets.buttons import ServiceTile

    assert ui.app.state.card_reader  # the home screen invites the card
    ui.tap(find_one(ui.app.root, ServiceTile, "查养老金"))
    ui.wait_until(lambda: ui.current() == "keypad", what="keypad")
    shot = ui.screenshot(output_dir / "1-keypad-with-card-hint.png")
    assert not measure(ui, shot, [("prompt", theme.FLOOR_TITLE)])
    card = demo_card(ZHANG)
    card_reader.place(card)
    ui.wait_until(lambda: ui.current() == "result", timeout=60, what="the pension result")
    shot = ui.screenshot(output_dir / "2-result.png")
    assert ui.screen.ids.value.text == pension_of(stack, card.id_number)
    assert not measure(ui, shot, [("value", theme.FLOOR_RESULT), ("title", theme.FLOOR_TITLE)])
    words = said(ui)
    assert "张*英" in words and card.name not in words and card.id_number not in words


def test_card_first_then_the_errand_needs_nothing_more(ui, stack, card_reader, output_dir):
    from kiosk.widgets.buttons import ChoiceButton

    card = demo_card(ZHANG)
    card_reader.place(card)
    ui.wait_until(lambda: ui.current() == "conversation" and ui.app.state.choices, timeout=60, what="the menu")
    assert "张*英，您好" in ui.app.state.assistant_text + ui.app.state.earlier_text
    ui.screenshot(output_dir / "1-greeted.png")
    ui.tap(find_one(ui.screen, ChoiceButton, "查养老金"))
    ui.wait_until(lambda: ui.current() == "result", timeout=60, what="the pension result")
    assert ui.screen.ids.value.text == pension_of(stack, card.id_number)


def test_a_bad_checksum_is_read_again_without_bothering_the_resident(ui, stack, card_reader):
    from kiosk.widgets.buttons import ServiceTile

    ui.tap(find_one(ui.app.root, ServiceTile, "查养老金"))
    ui.wait_until(lambda: ui.current() == "keypad", what="keypad")
    card_reader.corrupt_next_reply()
    card_reader.place(demo_card(ZHANG))
    ui.wait_until(lambda: ui.current() == "result", timeout=60, what="the pension result")
    assert "没有读出来" not in said(ui)


def test_an_expired_card_is_told_kindly_with_the_other_ways(ui, card_reader, output_dir):
    from kiosk.widgets.buttons import ServiceTile

    ui.tap(find_one(ui.app.root, ServiceTile, "查养老金"))
    ui.wait_until(lambda: ui.current() == "keypad", what="keypad")
    card_reader.place(demo_card(EXPIRED_CARD_RESIDENT))
    ui.wait_until(lambda: "过期" in ui.app.state.earlier_text + ui.app.state.assistant_text, timeout=60,
                  what="the expired card said")
    ui.screenshot(output_dir / "expired.png")
    assert ui.current() != "result" and "短信验证码" in said(ui)


def test_the_card_left_on_the_reader_is_remembered_until_lifted(ui, card_reader, output_dir):
    from kiosk.widgets.buttons import BarButton, ChoiceButton

    card_reader.place(demo_card(ZHANG))
    ui.wait_until(lambda: ui.current() == "conversation" and ui.app.state.choices, timeout=60, what="the menu")
    assert find(ui.screen, ChoiceButton)
    ui.tap(find_one(ui.app.root, BarButton, "首页"))
    ui.wait_until(lambda: ui.app.state.notice == TAKE_YOUR_CARD, what="the reminder")
    ui.screenshot(output_dir / "take-your-card.png")
    assert TAKE_YOUR_CARD in said(ui)
    card_reader.lift()
    ui.wait_until(lambda: ui.app.state.notice == "", what="the reminder gone")


def test_the_reader_unplugged_hides_the_invitation_and_comes_back(ui, card_reader):
    card_reader.unplug()
    ui.wait_until(lambda: not ui.app.state.card_reader, what="the reader gone")
    card_reader.plug()
    ui.wait_until(lambda: ui.app.state.card_reader, timeout=30, what="the reader back")
