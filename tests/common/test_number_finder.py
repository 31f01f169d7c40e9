"""One reading of identity, phone and case numbers, however they were written (common/number_finder.py).

Real examples first, then properties: any valid number, rendered the way residents, keypads,
recognisers and other systems write it and dropped into any sentence, is found and read back
to its canonical form.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common import idnumber, number_finder, numbers
from common.number_finder import NumberKind
from tests.common.test_numbers import CASE, ID_18, ID_X, PHONE, PROPERTY

SPOKEN_WORDS = {"0": "零〇洞", "1": "一幺", "2": "二两", "3": "三", "4": "四", "5": "五", "6": "六",
                "7": "七", "8": "八", "9": "九"}
X_FORMS = ["X", "x", "Ｘ", "ｘ", "叉"]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("written", [
    "13807971234", "138 0797 1234", "138-0797-1234", "138.0797.1234", "138 - 0797 - 1234", "1380 797 1234",
    "+8613807971234", "+86 138 0797 1234", "+86-138-0797-1234", "0086 138 0797 1234", "008613807971234",
    "86 13807971234", "１３８０７９７１２３４", "＋86 １３８ ０７９７ １２３４", "幺三八洞七九七幺二三四",
    "一三八零七九七一二三四", "幺 三 八 零 七 九 七 幺 二 三 四", "1 3 8 0 7 9 7 1 2 3 4", "幺三八 0797 1234",
    "138%200797%201234", "我的手机号是138 0797 1234", "电话：+86 138-0797-1234。",
    "我的电话是幺三八洞七九七幺二三四谢谢",
    "13807971234 13807971234", "请帮我查一下138 0797 1234", "138，0797，1234",
])
def test_a_phone_number_however_written_is_one_answer(written):
    assert number_finder.phone_number(written) == PHONE


@pytest.mark.parametrize("written", [
    "", "1380797123", "138079712345", "12807971234", "23807971234", "2026年 13807971234", "13807971234 13907971234",
    "138 0797 1234 360702195003121226", "2026 0926 0000 0001", "我今年七十八岁", "12345",
])
def test_anything_else_is_not_a_phone_number(written):
    assert number_finder.phone_number(written) is None


@pytest.mark.parametrize("written, canonical", [
    ("360702195003121226", ID_18), ("3607 0219 5003 1212 26", ID_18), ("360702 19500312 1226", ID_18),
    ("360702-19500312-1226", ID_18), ("３６０７０２１９５００３１２１２２６", ID_18),
    ("三六零七零二一九五零零三一二一二二六", ID_18), ("三 六 零 七 零 二 幺 九 五 零 零 三 一 二 一 二 二 六", ID_18),
    ("身份证号是 3607 0219 5003 1212 26", ID_18),
    (ID_X.lower(), ID_X), (ID_X[:17] + " x", ID_X), (ID_X[:17] + "叉", ID_X), (ID_X[:17] + "ｘ", ID_X),
    (" ".join([ID_X[:6], ID_X[6:14], ID_X[14:17] + "x"]), ID_X),
    ("360702500312122", "360702500312122"), ("360702 500312 122", "360702500312122"),
    # Shaped like a number but not a real one: still read back, so the validator can say so kindly.
    ("3607 0219 9913 1212 26", "360702199913121226"),
])
def test_an_identity_number_however_written_is_one_answer(written, canonical):
    assert number_finder.identity_number(written) == canonical


@pytest.mark.parametrize("written", ["", "3607021950031212", "13807971234", "36070219500312122", "我七十八岁"])
def test_anything_else_is_not_an_identity_number(written):
    assert number_finder.identity_number(written) is None


@pytest.mark.parametrize("written", [
    CASE, "2026 0926 0000 0001", "2026-0926-0000-0001", "20260926 00000001", "二零二六零九二六零零零零零零零一",
    "办件编号 2026 0926 0000 0001", "请帮我查一下2026092600000001",
])
def test_a_case_number_said_with_spaces_is_one_answer(written):
    assert number_finder.case_number(written) == CASE


def test_found_numbers_carry_where_they_are_written():
    text = "张桂英，电话 +86 138-0797-1234，身份证 3607 0219 5003 1212 26，办件 2026 0926 0000 0001。"
    phone, = number_finder.find_phones(text)
    assert text[phone.start:phone.end] == "+86 138-0797-1234" and text[phone.body_start:phone.end] == "138-0797-1234"
    assert phone.number == PHONE and phone.tail == "1234" and not phone.spoken
    person, = number_finder.find_identity_numbers(text)
    assert text[person.start:person.end] == "3607 0219 5003 1212 26" and person.number == ID_18
    case, = number_finder.find_case_numbers(text)
    assert text[case.start:case.end] == "2026 0926 0000 0001" and case.number == CASE
    assert [found.kind for found in number_finder.find_numbers(text)] == [NumberKind.PHONE, NumberKind.IDENTITY]


def test_a_spoken_number_keeps_its_last_four_as_said():
    found, = number_finder.find_numbers("号码是幺三八洞七九七幺二三四")
    assert found.spoken and found.tail == "幺二三四" and found.number == PHONE


def test_a_long_spoken_run_that_is_no_known_number_is_still_personal():
    found, = number_finder.find_numbers("幺三八零七九七幺二三")  # a phone number with a digit lost
    assert found.kind is NumberKind.SPOKEN and found.number == "1380797123"


def test_the_longest_reading_wins():
    # An identity number of Hebei starts like a phone number: it is one identity number.
    number = idnumber.make("130425", date(1950, 3, 12), 122)
    spoken = " ".join(SPOKEN_WORDS[digit][0] if digit != "X" else "叉" for digit in number)
    found = [(found.kind, found.number) for found in number_finder.find_numbers(spoken)]
    assert found == [(NumberKind.IDENTITY, number)]


@pytest.mark.parametrize("text", [
    "0.13 0.80 0.79 0.71", "1731234567.89", "2026-11-15 13:45:07,123", "0797-8123456", "3,215.60 元",
    "20261115", "12345", "第12345号", "2026年11月15日", "192.168.130.79", "[1, 3, 8, 0, 7, 9, 7, 1, 2, 3, 4]",
    "0.542802501203444", "0.024534567585327245", "0.13807971234", '{"c": 0.360702195003121226}',
])
def test_ordinary_numbers_are_no_number(text):
    assert number_finder.find_numbers(text) == []


@pytest.mark.parametrize("text", ["1" * 100_000, "1 " * 20_000, "1-" * 20_000, "幺 " * 20_000, "0." * 20_000,
                                  "\\u4e00 " * 10_000, "13807971234 " * 5_000])
def test_long_inputs_take_linear_time(text):
    # A pathological log line must not stall the logger: well under a second each.
    import time
    started = time.process_time()
    number_finder.find_numbers(text)
    assert time.process_time() - started < 2.0


@pytest.mark.parametrize("written, valid", [
    (ID_18, True), ("3607 0219 5003 1212 26", True), ("３６０７０２１９５００３１２１２２６", True),
    ("身份证号是 360702-19500312-1226", True), (ID_X.lower(), True), (ID_X[:17] + " 叉", True),
    ("360702195003121227", False), ("360702195013121226", False), ("360702500312122", False), ("", False),
])
def test_idnumber_checks_the_number_however_it_was_written(written, valid):
    assert idnumber.is_valid(written) is valid


def test_first_generation_numbers_are_checked_and_upgraded():
    assert idnumber.is_valid_first_generation("360702500312122")
    assert idnumber.is_valid_first_generation("360702 500312 122")
    assert not idnumber.is_valid_first_generation("360702501312122")  # month 13
    assert not idnumber.is_valid_first_generation(ID_18)
    assert idnumber.birth_date("360702500312122") == date(1950, 3, 12)
    assert idnumber.birth_date(ID_18) == date(1950, 3, 12)
    upgraded = idnumber.upgrade("360702500312122")
    assert upgraded == "36070219500312122" + idnumber.check_char("36070219500312122") and idnumber.is_valid(upgraded)
    assert idnumber.upgrade("360702501312122") is None
    assert idnumber.normalise(f" {ID_X.lower()} ") == ID_X and idnumber.normalise("abc x") == "ABCX"


# --- properties ---------------------------------------------------------------------------

BLANKS = [" ", "  ", "\u3000", "\t", "\u00a0"]
DASHES = ["-", " - ", "－", "—", "%20", "+"]


@st.composite
def identity_numbers(draw) -> str:
    area = draw(st.sampled_from(sorted(idnumber.GANZHOU_DISTRICTS)) | st.builds(
        lambda province, rest: f"{province}{rest:04d}",
        st.sampled_from(["11", "13", "15", "31", "36", "44", "50", "65", "81"]), st.integers(0, 9999)))
    born = draw(st.dates(date(1900, 1, 1), date.today()))
    return idnumber.make(area, born, draw(st.integers(0, 999)))


@st.composite
def first_generation_numbers(draw) -> str:
    area = draw(st.sampled_from(sorted(idnumber.GANZHOU_DISTRICTS)))
    born = draw(st.dates(date(1900, 1, 1), date(1999, 12, 31)))
    return f"{area}{born:%y%m%d}{draw(st.integers(0, 999)):03d}"


phone_numbers = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.integers(3, 9), st.integers(0, 10**9 - 1))


def _script(draw, chunk: str, script: str) -> str:
    if script == "ascii":
        return chunk
    if script == "full":
        return chunk.translate(FULL_WIDTH)
    if script == "escaped":  # how a JSON log with ensure_ascii writes a Chinese digit
        return "".join(f"\\u{ord(draw(st.sampled_from(SPOKEN_WORDS[d]))):04x}" for d in chunk)
    return "".join(draw(st.sampled_from(SPOKEN_WORDS[digit])) for digit in chunk)


@st.composite
def rendered(draw, number: str, prefix: bool = False) -> str:
    """`number` as somebody might write it: cut into chunks of any size, each chunk in one
    script (ASCII, full-width, spoken words, JSON-escaped words), joined by blanks, dashes,
    dots (between chunks of three or more, as a dot joins only those) or nothing."""
    body, check = (number[:-1], number[-1]) if number.endswith("X") else (number, "")
    scripts = st.sampled_from(["ascii", "full", "spoken", "escaped"])
    uniform = draw(st.none() | scripts)
    cuts = sorted(draw(st.sets(st.integers(1, len(body) - 1), max_size=len(body) - 1)))
    chunks = [body[left:right] for left, right in zip([0] + cuts, cuts + [len(body)], strict=True)]
    out = []
    for index, chunk in enumerate(chunks):
        if index:
            joiners = BLANKS + DASHES + [""]
            if len(chunk) >= 3 and len(chunks[index - 1]) >= 3:
                joiners += [".", " . ", "．"]
            out.append(draw(st.sampled_from(joiners)))
        out.append(_script(draw, chunk, uniform or draw(scripts)))
    text = "".join(out)
    if check:
        text += draw(st.sampled_from(["", " ", "-"])) + draw(st.sampled_from(X_FORMS))
    if prefix:
        text = draw(st.sampled_from(["", "+86", "+86 ", "+86-", "0086", "0086 ", "86 ", "＋86 ", "(+86) "])) + text
    return text


# Words around a number: Chinese, ASCII and punctuation, but no digit in any script.
_DIGIT_CHARS = set("0123456789０１２３４５６７８９") | set("".join(SPOKEN_WORDS.values()))
filler = st.text(st.sampled_from(list("我的电话是号码身份证请帮查您好谢张桂英章贡区十百，。：；、！？()[]{}\"' ")
                                 + list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:=/,;_#")),
                 max_size=12)
assert not _DIGIT_CHARS & set("我的电话是号码身份证请帮查您好谢张桂英章贡区十百")

@PROPERTY
@given(st.data())
def test_any_identity_number_in_any_format_is_found_and_read_back(data):
    number = data.draw(identity_numbers() | first_generation_numbers())
    written = data.draw(rendered(number))
    text = data.draw(filler) + written + data.draw(filler)
    assert number in [found.number for found in number_finder.find_identity_numbers(text)], (text, number)
    assert number_finder.identity_number(written) == number


@PROPERTY
@given(st.data())
def test_any_phone_number_in_any_format_is_found_and_read_back(data):
    number = data.draw(phone_numbers)
    written = data.draw(rendered(number, prefix=True))
    text = data.draw(filler) + written + data.draw(filler)
    assert number in [found.number for found in number_finder.find_phones(text)], (text, number)
    assert number_finder.phone_number(written) == number


@PROPERTY
@given(st.data())
def test_a_found_number_spans_exactly_its_digits(data):
    number = data.draw(phone_numbers | identity_numbers())
    written = data.draw(rendered(number, prefix=len(number) == 11))
    before, after = data.draw(filler), data.draw(filler)
    found = [found for found in number_finder.find_numbers(before + written + after) if found.number == number]
    assert found
    span = (before + written + after)[found[0].start:found[0].end]
    assert numbers.normalise_digits(span).endswith(number) and span in written


@PROPERTY
@given(identity_numbers().filter(lambda number: number[6:8] == "19"))
def test_upgrading_a_first_generation_number_gives_the_same_person(number):
    old = number[:6] + number[8:17]
    assert idnumber.is_valid_first_generation(old) and idnumber.upgrade(old) == number
