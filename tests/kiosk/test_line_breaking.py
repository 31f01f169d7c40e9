"""Chinese line breaking (kiosk/widgets/line_breaking.py), measured one unit per character."""

from kiosk.widgets.line_breaking import break_lines, tokens


def by_characters(text: str) -> float:
    return float(len(text))


def test_a_space_no_longer_leaves_half_a_line_empty():
    text = "张*英，您好。您11月的养老金 3,215.60 元，已于11月15日发放。"
    lines = break_lines(text, 30, by_characters).split("\n")
    # Kivy alone ended the first line at 养老金 (15 of 30) and moved the rest down.
    assert lines[0] == "张*英，您好。您11月的养老金 3,215.60 元，已于"
    assert all(len(line) <= 30 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_numbers_stay_whole_and_no_line_starts_with_a_comma():
    text = "您的办件编号是2026112500000151，请您记好。"
    for width in range(8, 30):
        lines = break_lines(text, width, by_characters).split("\n")
        assert any("2026112500000151" in line for line in lines), width
        assert not any(line[:1] in "，。" for line in lines), width


def test_an_opening_quote_stays_with_what_it_opens():
    assert tokens("请点“再听一遍”按钮") == ["请", "点", "“再", "听", "一", "遍”", "按", "钮"]


def test_paragraphs_and_short_text_are_kept():
    assert break_lines("好的。\n请稍等。", 40, by_characters) == "好的。\n请稍等。"
    assert break_lines("", 40, by_characters) == ""
