"""Days named by solar terms (冬至那天, 清明), from the embedded table, against dates published
for them (Beijing time), and how common.dates reads them in a sentence."""

from __future__ import annotations

from datetime import date

import pytest

from common import dates, solar_terms

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("name, year, day", [
    ("冬至", 2026, date(2026, 12, 22)), ("冬至", 2025, date(2025, 12, 21)), ("清明", 2026, date(2026, 4, 5)),
    ("清明", 2024, date(2024, 4, 4)), ("立春", 2026, date(2026, 2, 4)), ("大雪", 2026, date(2026, 12, 7)),
])
def test_term_days_are_the_published_ones(name, year, day):
    assert solar_terms.term_day(name, year) == day


def test_outside_the_table_or_no_term_is_none():
    assert solar_terms.term_day("冬至", solar_terms.FIRST_YEAR - 1) is None
    assert solar_terms.term_day("冬至", solar_terms.LAST_YEAR + 1) is None
    assert solar_terms.term_day("春节", 2026) is None


@pytest.mark.parametrize("said, day", [
    ("冬至那天去", date(2026, 12, 22)), ("清明节", date(2027, 4, 5)), ("明年清明", date(2027, 4, 5)),
    ("大雪那天", date(2026, 12, 7)),
    ("下大雪了", None), ("雨水多", None),  # everyday words, not days, unless said as one
])
def test_terms_in_a_sentence(said, day):
    assert dates.parse_day(said, TODAY) == day


def test_a_term_just_gone_is_no_day_to_book():
    assert solar_terms.nearest_term(date(2026, 12, 25), "冬至") is None
