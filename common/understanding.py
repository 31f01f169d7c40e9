"""The details a resident says, found in a sentence: days, times, districts, hall services,
ratings and their reasons, the place and problem of a 12345 report, names, and identity, phone
and case numbers.

Why rules and not a learned extractor: each of these has a closed or regular form (18
districts, five hall services, a calendar, number shapes), older residents say them in a
few dozen ways that can be listed and tested, and a mistake here books the wrong day. The
same functions serve the Rasa pipeline (nlu/components/detail_extractor.py), which tags them
in every sentence so a first sentence fills every slot it names, and the actions, which
read a typed or tapped answer with them. Pure Python: it runs on both environments.

By topic: ratings in common/understanding_ratings.py, reports (place and problem) in
common/understanding_reports.py, days in common/dates.py, parts of the day and clock times in
common/times_of_day.py, numbers in common/number_finder.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Dict, Iterable, List, Optional, Tuple

from common import dates, number_finder, numbers, times_of_day
from common.idnumber import GANZHOU_DISTRICTS
from common.understanding_ratings import find_rating as _find_rating
from common.understanding_reports import find_report as _find_report


@dataclass(frozen=True)
class Detail:
    entity: str  # the Rasa entity (and slot) it fills
    value: str
    start: int
    end: int

    def as_entity(self, text: str) -> Dict[str, object]:
        return {"entity": self.entity, "value": self.value, "start": self.start, "end": self.end,
                "text": text[self.start:self.end]}


# -- districts --------------------------------------------------------------------------

# Every way a district is said: its full name and its name without 区/县/市 (于都, 瑞金).
_DISTRICT_NAMES: List[Tuple[str, str]] = sorted(
    [(full, full) for full in GANZHOU_DISTRICTS.values()] + [(full[:-1], full) for full in GANZHOU_DISTRICTS.values()],
    key=lambda pair: -len(pair[0]))
_DISTRICT = re.compile("|".join(re.escape(said) for said, _full in _DISTRICT_NAMES))
_DISTRICT_OF = dict(_DISTRICT_NAMES)


def find_districts(text: str) -> List[Detail]:
    return [Detail("district", _DISTRICT_OF[m.group(0)], m.start(), m.end()) for m in _DISTRICT.finditer(text)]


def district(text: Optional[str]) -> Optional[str]:
    """'我在于都' / '于都县' / '瑞金' -> the full name of one of Ganzhou's 18 districts."""
    found = find_districts(text or "")
    return found[0].value if found else None


# -- hall services ----------------------------------------------------------------------

# Each service a service hall books, and how residents name it.
HALL_SERVICES: Dict[str, Tuple[str, ...]] = {
    "社保业务": ("社保业务", "社保卡", "社保", "养老保险"),
    "医保业务": ("医保业务", "医保卡", "医保", "医疗保险", "新农合", "农合", "合作医疗"),
    "户籍业务": ("户籍业务", "户籍", "户口本", "户口", "身份证"),
    "老年人优待证": ("老年人优待证", "老年优待证", "优待证", "老年证", "老人证", "敬老卡", "老年卡", "老人卡"),
    "高龄补贴申请": ("高龄补贴申请", "高龄补贴", "高龄津贴", "老人补贴"),
}
# 身份证 is a hall service only when it is to be made, renewed or replaced ("换身份证"), not when
# the resident gives its number ("身份证号360702…", "我的身份证是…").
_ONLY_WHEN_DONE = {"身份证": re.compile(r"(?:办|换|补办|补|领|挂失|丢了|过期|到期|新)[\s个张一下]{0,3}$")}
_DONE_AFTER = {"身份证": re.compile(r"^[\s]*(?:丢了|掉了|过期|到期|坏了)")}
_SERVICE_WORDS = sorted(((word, service) for service, words in HALL_SERVICES.items() for word in words),
                        key=lambda pair: -len(pair[0]))
_SERVICE = re.compile("|".join(re.escape(word) for word, _service in _SERVICE_WORDS))
_SERVICE_OF = dict(_SERVICE_WORDS)


def find_hall_services(text: str) -> List[Detail]:
    found = []
    for match in _SERVICE.finditer(text):
        word = match.group(0)
        before, after = _ONLY_WHEN_DONE.get(word), _DONE_AFTER.get(word)
        if before is not None and not (before.search(text[:match.start()]) or after.match(text[match.end():])):
            continue
        found.append(Detail("hall_service", _SERVICE_OF[word], match.start(), match.end()))
    return found


def hall_service(text: Optional[str]) -> Optional[str]:
    """The hall service an answer names. Asked which service, "身份证" alone is 户籍业务 too."""
    found = find_hall_services(text or "")
    if found:
        return found[0].value
    if ("身份证" in (text or "") and not re.search(r"身份证(?:号|的号)", text or "")
            and not number_finder.find_numbers(text or "")):
        return "户籍业务"
    return None


# -- days and times ---------------------------------------------------------------------

# A day said as the edge of a stretch ("元旦以后", "5号以前") is no day to book.
_STRETCH_AFTER = re.compile(r"\s*(?:之前|以前|之后|以后|前后|左右|往后|过后|为止|再说)")


def find_when(text: str, today: date) -> List[Detail]:
    """The day (said words, resolved again by the action against its own today), the part of
    the day, and a clock time. They may share words: 明早九点半 is a day (明早), and a time."""
    found: List[Detail] = []
    day = next((mention for mention in dates.find_days(text, today)
                if not mention.negated and not _STRETCH_AFTER.match(text, mention.end)), None)
    if day is not None:
        found.append(Detail("appointment_date", day.text, day.start, day.end))
    part = times_of_day.find_part_of_day(text)
    clock = times_of_day.find_clock_time(text)
    if clock is not None:
        found.append(Detail("appointment_time", clock.value, clock.start, clock.end))
    if part is not None and not (clock is not None and clock.start <= part.start < clock.end):
        found.append(Detail("appointment_period", part.value, part.start, part.end))
    return found


# -- ratings, and the place and problem of a report -----------------------------------------

def find_rating(text: str) -> List[Detail]:
    """The score and, when the resident said why, their reason in their own words:
    "办得太慢了我要给差评" -> rating 2, rating_comment "办得太慢了" (common/understanding_ratings.py)."""
    return [Detail(*found) for found in _find_rating(text)]


def rating(text: Optional[str]) -> Optional[int]:
    """1-5 from words ("很不满意" 1 … "很满意" 5), or a lone digit 1-5."""
    found = find_rating(text or "")
    if found:
        return int(found[0].value)
    digits = [char for char in (text or "") if char in "12345"]
    return int(digits[0]) if len(digits) == 1 and len(numbers.normalise_digits(text or "")) == 1 else None


def find_report(text: str) -> List[Detail]:
    """The place and the problem of a 12345 report said in one sentence ("幸福小区门口的路灯坏了")
    (common/understanding_reports.py)."""
    return [Detail(*found) for found in _find_report(text)]


# -- names --------------------------------------------------------------------------------

# The surnames of nearly all residents (the hundred commonest, and Ganzhou's own: 钟 曾 赖 邱 廖 温 …),
# and the two-character ones (欧阳 is common in Ganzhou).
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
            "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
            "覃武戴莫孔向汤赖温池古凌巫饶缪兰康易卜揭欧阳")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯", "尉迟", "长孙",
                     "宇文", "公孙", "钟离", "淳于", "端木", "南宫")
_CUE = (r"(?:我的名字叫|我的名字是|名字叫|名字是|姓名是|我叫|我是|叫做|本人|(?<![\u4e00-\u9fff])叫"
        rf"|(?<=姓[{SURNAMES}])[，,\s]?叫)")
# A given name: one or two characters, none of them a particle said after it (我是温秀珍啊).
_GIVEN = r"(?:(?![啊呀吧哦嘛呢哈的了哟噢])[\u4e00-\u9fff])"
_NAME_AFTER_CUE = re.compile(
    rf"{_CUE}\s*((?:{'|'.join(COMPOUND_SURNAMES)}){_GIVEN}{{1,2}}|[{SURNAMES}]{_GIVEN}{{1,2}})"
    r"(?=[啊呀吧哦嘛呢哈哟噢]|[^\u4e00-\u9fff]|$)")
# Words that follow a cue but are not names (我是来查养老金的, 我是本地人).
_NOT_NAMES = ("来", "想", "要", "本地", "这里", "老人", "居民", "退休", "残疾", "他", "她", "你")


def find_names(text: str) -> List[Detail]:
    """A full name said after a cue ("我叫张桂英", "名字是李德明", "我姓赖，叫赖春花"); a district is
    no name ("我是于都的", "我是瑞金人")."""
    found = []
    for match in _NAME_AFTER_CUE.finditer(text):
        name = match.group(1)
        if not name.startswith(_NOT_NAMES) and not find_districts(name):
            found.append(Detail("person_name", name, match.start(1), match.end(1)))
    return found


# -- numbers ------------------------------------------------------------------------------

_NUMBER_ENTITIES = (("id_number", number_finder.find_identity_numbers), ("phone_number", number_finder.find_phones),
                    ("case_number", number_finder.find_case_numbers))
# A phone number said in groups with pauses the recogniser writes as commas: "一三九，七零七八，二六一五".
_DIGIT = "0-9零〇洞一幺二两三四五六七八九"
_GROUPED_PHONE = re.compile(rf"(?<![{_DIGIT}])[{_DIGIT}]{{3,4}}(?:\s*[，,、]\s*[{_DIGIT}]{{3,4}}){{2}}(?![{_DIGIT}])")


def find_numbers(text: str) -> List[Detail]:
    found = [Detail(entity, number.number, number.start, number.end)
             for entity, finder in _NUMBER_ENTITIES for number in finder(text)]
    for match in _GROUPED_PHONE.finditer(text):
        phone = number_finder.phone_number(numbers.normalise_digits(match.group(0)))
        if phone and all(match.end() <= other.start or match.start() >= other.end for other in found):
            found.append(Detail("phone_number", phone, match.start(), match.end()))
    return found


# -- everything ---------------------------------------------------------------------------

# Details of one kind of errand may share words (明早九点半: a day and a time); other details may not.
_WHEN = frozenset({"appointment_date", "appointment_time", "appointment_period"})
# A report's place and problem are the resident's own words: what is inside them ("早上六点就放音乐",
# "社保卡丢了") belongs to them, except a district (于都县城).
_OWN_WORDS = frozenset({"place", "problem_description", "rating_comment"})


def _overlap(a: Detail, b: Detail) -> bool:
    return a.start < b.end and b.start < a.end


def _may_share(a: Detail, b: Detail) -> bool:
    """Two details that may cover the same words: a day and a time, a report's words and the
    district inside them (于都县城 is a place in 于都县)."""
    kinds = {a.entity, b.entity}
    return kinds <= _WHEN or kinds <= _OWN_WORDS or "district" in kinds and bool(kinds & _OWN_WORDS)


def find_details(text: str, today: date) -> List[Detail]:
    """Every detail in a sentence, in order, the longest first where two overlap."""
    own = [*find_report(text), *find_rating(text)]
    candidates: Iterable[Detail] = (
        *find_numbers(text), *find_when(text, today), *find_districts(text), *find_hall_services(text),
        *own, *find_names(text))
    chosen: List[Detail] = []
    for detail in sorted(candidates, key=lambda d: (d.start, -(d.end - d.start))):
        if detail.entity not in _OWN_WORDS | {"district"} and any(_overlap(detail, words) for words in own
                                                                  if words.entity in _OWN_WORDS):
            continue
        if all(not _overlap(detail, kept) or _may_share(detail, kept) for kept in chosen):
            chosen.append(detail)
    return chosen


def warm_up() -> None:
    """Compile and load everything now, so the first resident does not wait."""
    dates.warm_up()
    times_of_day.warm_up()
    find_details("明天上午九点去于都县办老年证，我叫张桂英，电话13807971234，很满意", date.today())
