"""The details a resident says, found in a sentence: days, times, districts, hall services,
ratings, names, and identity, phone and case numbers.

Why rules and not a learned extractor: each of these has a closed or regular form (18
districts, five hall services, a calendar, number shapes), older residents say them in a
few dozen ways that can be listed and tested, and a mistake here books the wrong day. The
same functions serve the Rasa pipeline (nlu/components/detail_extractor.py), which tags them
in every sentence so a first sentence fills every slot it names, and the actions, which
read a typed or tapped answer with them. Pure Python: it runs on both environments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from common import dates, numbers
from common.idnumber import GANZHOU_DISTRICTS


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
    "医保业务": ("医保业务", "医保卡", "医保", "医疗保险"),
    "户籍业务": ("户籍业务", "户籍", "户口本", "户口", "身份证"),
    "老年人优待证": ("老年人优待证", "老年优待证", "优待证", "老年证", "老人证", "敬老卡"),
    "高龄补贴申请": ("高龄补贴申请", "高龄补贴", "高龄津贴", "老人补贴"),
}
_SERVICE_WORDS = sorted(((word, service) for service, words in HALL_SERVICES.items() for word in words),
                        key=lambda pair: -len(pair[0]))
_SERVICE = re.compile("|".join(re.escape(word) for word, _service in _SERVICE_WORDS))
_SERVICE_OF = dict(_SERVICE_WORDS)


def find_hall_services(text: str) -> List[Detail]:
    return [Detail("hall_service", _SERVICE_OF[m.group(0)], m.start(), m.end()) for m in _SERVICE.finditer(text)]


def hall_service(text: Optional[str]) -> Optional[str]:
    found = find_hall_services(text or "")
    return found[0].value if found else None


# -- days and times ---------------------------------------------------------------------

def find_when(text: str, today: date) -> List[Detail]:
    """The day (said words, resolved again by the action against its own today), the part of
    the day, and a clock time."""
    found: List[Detail] = []
    day = dates.find_day(text, today)
    if day is not None:
        found.append(Detail("appointment_date", day.text, day.start, day.end))
    part = dates.find_part_of_day(text)
    clock = dates.find_clock_time(text)
    if clock is not None:
        found.append(Detail("appointment_time", clock.value, clock.start, clock.end))
    if part is not None and not (clock is not None and clock.start <= part.start < clock.end):
        found.append(Detail("appointment_period", part.value, part.start, part.end))
    return found


# -- ratings ----------------------------------------------------------------------------

# How satisfied, in the words residents use, strongest first. Five stars are 很满意.
_RATINGS: Sequence[Tuple[str, int]] = (
    ("非常不满意", 1), ("很不满意", 1), ("太不满意", 1), ("特别不满意", 1), ("极不满意", 1), ("太差了", 1),
    ("太差", 1), ("很差", 1), ("一颗星", 1), ("一星", 1), ("1星", 1), ("最差", 1),
    ("不太满意", 2), ("不满意", 2), ("差评", 2), ("不好", 2), ("两颗星", 2), ("二星", 2), ("两星", 2), ("2星", 2),
    ("一般般", 3), ("一般", 3), ("还行", 3), ("还可以", 3), ("马马虎虎", 3), ("凑合", 3), ("三颗星", 3),
    ("三星", 3), ("3星", 3),
    ("非常满意", 5), ("很满意", 5), ("特别满意", 5), ("十分满意", 5), ("五颗星", 5), ("五星", 5), ("5星", 5),
    ("太好了", 5), ("非常好", 5), ("很好", 5), ("满分", 5),
    ("比较满意", 4), ("挺满意", 4), ("满意", 4), ("好评", 4), ("四颗星", 4), ("四星", 4), ("4星", 4), ("不错", 4),
)
_RATING_WORDS = sorted(_RATINGS, key=lambda pair: -len(pair[0]))
_RATING = re.compile("|".join(re.escape(word) for word, _score in _RATING_WORDS))
_SCORE_OF = dict(_RATING_WORDS)
# Said around a rating but not part of the resident's reason.
_RATING_FILLER = re.compile(
    r"(我要|我想|我给|给个|给一个|给|打个|打一个|打|评个|评一个|评价|评|这件事|这个事|这事|的|了|啊|呀|吧|嘛|我)+$")
_EDGE_PUNCTUATION = "，。,.!！?？、 ~～"


def find_rating(text: str) -> List[Detail]:
    """The score and, when the resident said why, their reason in their own words:
    "办得太慢了我要给差评" -> rating 2, rating_comment "办得太慢了"."""
    match = _RATING.search(text)
    if match is None:
        return []
    found = [Detail("rating", str(_SCORE_OF[match.group(0)]), match.start(), match.end())]
    before = text[:match.start()].rstrip(_EDGE_PUNCTUATION)
    trimmed = _RATING_FILLER.sub("", before).rstrip(_EDGE_PUNCTUATION)
    after = text[match.end():].strip(_EDGE_PUNCTUATION)
    reason, start = (trimmed, 0) if len(trimmed) >= 2 else (after, len(text) - len(text[match.end():].lstrip(
        _EDGE_PUNCTUATION)))
    reason = reason.strip(_EDGE_PUNCTUATION)
    if len(reason) >= 2 and not _RATING.search(reason):
        start = text.index(reason, start) if reason in text[start:] else start
        found.append(Detail("rating_comment", reason, start, start + len(reason)))
    return found


def rating(text: Optional[str]) -> Optional[int]:
    """1-5 from words ("很不满意" 1 … "很满意" 5), or a lone digit 1-5."""
    found = find_rating(text or "")
    if found:
        return int(found[0].value)
    digits = [char for char in (text or "") if char in "12345"]
    return int(digits[0]) if len(digits) == 1 and len(numbers.normalise_digits(text or "")) == 1 else None


# -- names --------------------------------------------------------------------------------

# The surnames of nearly all residents (the hundred commonest, and Ganzhou's own: 钟 曾 赖 邱 廖 温 …).
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
            "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
            "覃武戴莫孔向汤赖温池古凌巫饶缪兰康易卜揭欧阳")
_CUE = r"(?:我的名字叫|我的名字是|名字叫|名字是|姓名是|我叫|我是|叫做|本人)"
_NAME_AFTER_CUE = re.compile(rf"{_CUE}\s*([{SURNAMES}][\u4e00-\u9fff]{{1,2}})(?![\u4e00-\u9fff])")
# Words that follow a cue but are not names (我是来查养老金的, 我是本地人).
_NOT_NAMES = ("来", "想", "要", "本地", "这里", "老人", "居民", "退休", "残疾", "他", "她", "你")


def find_names(text: str) -> List[Detail]:
    """A full name said after a cue ("我叫张桂英", "名字是李德明")."""
    found = []
    for match in _NAME_AFTER_CUE.finditer(text):
        name = match.group(1)
        if not name.startswith(_NOT_NAMES):
            found.append(Detail("person_name", name, match.start(1), match.end(1)))
    return found


# -- numbers ------------------------------------------------------------------------------

_NUMBER_ENTITIES = (("id_number", numbers.find_identity_numbers), ("phone_number", numbers.find_phones),
                    ("case_number", numbers.find_case_numbers))


def find_numbers(text: str) -> List[Detail]:
    return [Detail(entity, found.number, found.start, found.end)
            for entity, finder in _NUMBER_ENTITIES for found in finder(text)]


# -- everything ---------------------------------------------------------------------------

def find_details(text: str, today: date) -> List[Detail]:
    """Every detail in a sentence, in order, the longest first where two overlap."""
    candidates: Iterable[Detail] = (
        *find_numbers(text), *find_when(text, today), *find_districts(text), *find_hall_services(text),
        *find_rating(text), *find_names(text))
    chosen: List[Detail] = []
    for detail in sorted(candidates, key=lambda d: (d.start, -(d.end - d.start))):
        if all(detail.start >= kept.end or detail.end <= kept.start for kept in chosen):
            chosen.append(detail)
    return chosen


def warm_up() -> None:
    """Compile and load everything now, so the first resident does not wait."""
    dates.warm_up()
    find_details("明天上午九点去于都县办老年证，我叫张桂英，电话13807971234，很满意", date.today())
