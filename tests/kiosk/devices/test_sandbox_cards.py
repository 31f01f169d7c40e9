"""The fictional residents' cards the simulated reader serves follow the real cards' rules."""

from __future__ import annotations

from datetime import date

import pytest

from common import idnumber
from kiosk.devices import card_fields
from portal.sandbox import cards, db, seed

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def all_cards():
    return cards.sandbox_cards(TODAY)


def test_one_card_per_sandbox_resident_in_the_sandbox_order(all_cards):
    residents = seed.generate(db.RESIDENT_COUNT, db.SEED, TODAY)
    assert [card.id_number for card in all_cards] == [resident.id_number for resident in residents]
    assert [card.name for card in all_cards] == [resident.name for resident in residents]


def test_cards_follow_the_rules(all_cards):
    for card in all_cards:
        assert card.sex == ("男" if int(card.id_number[16]) % 2 else "女")
        assert card.nation == "汉" and card.birth_date == idnumber.birth_date(card.id_number)
        district = idnumber.GANZHOU_DISTRICTS[card.id_number[:6]]
        assert district in card.address and card.address.startswith("江西省")
        assert card.authority.endswith("公安局") or card.authority == f"赣州市公安局{district[:-1]}分局"
        if card.valid_until is not None:
            assert (card.valid_until - card.valid_from).days in (7305, 7304, 7306)  # 20 years
        # Every card fits the 256 bytes and decodes back to itself.
        assert card_fields.decode_base_text(card_fields.encode_base_text(card)) == card


def test_validity_by_age_at_issue():
    assert [cards.validity_years(age) for age in (10, 16, 25, 26, 45, 46, 80)] == [5, 10, 10, 20, 20, None, None]


def test_only_the_expired_card_resident_holds_an_expired_card(all_cards):
    expired = [index for index, card in enumerate(all_cards) if not card.valid_on(TODAY)]
    assert expired == [cards.EXPIRED_CARD_RESIDENT]
    card = cards.demo_card(cards.EXPIRED_CARD_RESIDENT, TODAY)
    assert card == all_cards[cards.EXPIRED_CARD_RESIDENT] and card.valid_until == date(2024, 9, 20)
    assert not card.valid_on(date.today())
    # The oldest hold cards for life; the district's authority issued them.
    zhang = cards.demo_card(0, TODAY)
    assert zhang.name == "张桂英" and zhang.lifelong and zhang.authority == "赣州市公安局章贡分局"
    assert cards.demo_card(2, TODAY).authority == "瑞金市公安局"


def test_cards_are_the_same_every_time():
    assert cards.sandbox_cards(TODAY)[:20] == cards.sandbox_cards(TODAY)[:20]
