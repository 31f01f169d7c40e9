"""How satisfied a resident is with a closed 12345 case, and why, in their own words.

"办得太慢了我要给差评" is a score (2) and a reason ("办得太慢了"); "态度很好，给个好评" is 4 with
the reason "态度很好", even though 很好 alone would be 5: a word that names a score outright
(好评, 差评, 三颗星, 满意 and its kin, 满分) decides over an adjective said on the way
(很好, 不错, 太差了). Without one, the first adjective decides.

The reason is what the resident said around the score, cut at the clause: the clauses before
it (or, when there are none, after it), leaving out clauses that only ask to rate ("给12345打个
分"), hold a number (a case number) or are a score themselves, and the fillers between the
reason and the score (我要给, 给个). Words run on after the score in the same clause ("一颗星都不
想给") are no reason. Pure Python: used by common.understanding on both environments.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Sequence, Tuple

from common import number_finder
from common.understanding_text import squeeze

# Scores said outright. Longest first when matched, so 很不满意 is never 不满意.
_STAR_DIGITS = {"一": 1, "1": 1, "二": 2, "两": 2, "2": 2, "三": 3, "3": 3, "四": 4, "4": 4, "五": 5, "5": 5}
_EXPLICIT: Sequence[Tuple[str, int]] = (
    ("非常不满意", 1), ("很不满意", 1), ("太不满意", 1), ("特别不满意", 1), ("极不满意", 1), ("十分不满意", 1),
    ("一点都不满意", 1), ("一点也不满意", 1), ("一点儿都不满意", 1), ("好不满意", 1), ("最差", 1), ("零分", 1),
    ("不太满意", 2), ("不大满意", 2), ("不满意", 2), ("差评", 2), ("不合格", 2),
    ("基本满意", 3), ("中评", 3),
    ("比较满意", 4), ("挺满意", 4), ("蛮满意", 4), ("还算满意", 4), ("还满意", 4), ("满意", 4), ("好评", 4),
    ("非常满意", 5), ("很满意", 5), ("特别满意", 5), ("十分满意", 5), ("好满意", 5), ("太满意", 5),
    ("五星好评", 5), ("满分", 5),
    *((f"{said}{unit}", score) for said, score in _STAR_DIGITS.items() for unit in ("颗星", "个星", "星")),
    *((f"{verb}{said}分", score) for said, score in _STAR_DIGITS.items() for verb in ("打", "给", "评")),
)
# Adjectives: a score only when nothing says one outright.
_ADJECTIVES: Sequence[Tuple[str, int]] = (
    ("太差了", 1), ("太差", 1), ("很差", 1), ("非常差", 1), ("差劲", 1), ("很不好", 1), ("非常不好", 1),
    ("一点都不好", 1), ("太烂了", 1),
    ("不好", 2), ("不太好", 2), ("不大好", 2), ("不怎么样", 2), ("不咋样", 2), ("一般般", 3),
    ("一般", 3), ("还行", 3), ("还可以", 3), ("马马虎虎", 3), ("凑合", 3), ("过得去", 3),
    ("挺好", 4), ("蛮好", 4), ("不错", 4), ("还不错", 4), ("比较好", 4), ("还好", 3),
    ("太好了", 5), ("非常好", 5), ("很好", 5), ("特别好", 5), ("好得很", 5), ("好极了", 5),
)
_EXPLICIT_WORDS = frozenset(word for word, _ in _EXPLICIT)
_SCORE_OF = {**dict(_ADJECTIVES), **dict(_EXPLICIT)}
_ALL = re.compile("|".join(re.escape(word) for word in sorted(_SCORE_OF, key=len, reverse=True)))
# Words that look like a score here but are not one: 不好意思, 好不好 (a question), 一般几点开门
# (usually), 还可以约吗 (still possible), 还好有人管 (luckily), 还行吗 (a question).
_NOT_A_SCORE_AFTER = {
    "不好": re.compile(r"意思|找|走|弄|办|说|用|听|看|受|过|吃"),
    "一般": re.compile(r"几|多|要|是|都|在|来说|情况|会|的话|不"),
    "还可以": re.compile(r"吗|不|约|办|去|用|再"), "还好": re.compile(r"有|是|没|冇|我"),
    "还行": re.compile(r"吗|不"),
}
_NOT_A_SCORE_BEFORE = {"不好": "好"}


_LEAD_IN = re.compile(r"(?:我们|我|就|真的|实在|所以|总之|反正|要|想|给|个|一个|打|评|评个|评价"
                      r"|这件事|这个事|这事|的|是)+$")
# Clauses that only ask to rate, or run on after a score, are no reason.
_ASKING = re.compile(r"^(?:我要|我想|我来|帮我|想|要|我)?(?:给|对)?(?:12345|这件事|这个事|这事|办件|上次的事)?"
                     r"(?:打个分|打分|评个分|评分|评价一下|评价|评一下|评个价|评一评|打个星|点个赞)?$")
_NUMBER_WORDS = re.compile(r"(?:办件)?(?:编号|号码|单号)(?:是)?|[0-9]+")
_RUN_ON = ("都", "也", "就", "吧", "啊", "呀", "的", "了", "给", "哦", "呢", "嘛", "算了")
_CLAUSE_BREAK = re.compile(r"[，,。.！!？?；;、\s]+")
_EDGES = "，。,.!！?？、；; ~～"


class Said:
    """A score word in a sentence (start, end, score, whether it names the score outright)."""

    __slots__ = ("start", "end", "score", "explicit")

    def __init__(self, start: int, end: int, score: int, explicit: bool) -> None:
        self.start, self.end, self.score, self.explicit = start, end, score, explicit


def _said(text: str) -> List[Said]:
    found = []
    for match in _ALL.finditer(text):
        word = match.group(0)
        after, before = _NOT_A_SCORE_AFTER.get(word), _NOT_A_SCORE_BEFORE.get(word)
        if after is not None and after.match(text, match.end()) or before and text[:match.start()].endswith(before):
            continue
        found.append(Said(match.start(), match.end(), _SCORE_OF[word], word in _EXPLICIT_WORDS))
    return found


def _clauses(text: str) -> Iterator[Tuple[int, int]]:
    """(start, end) of each clause, the punctuation and blanks between them left out."""
    start = 0
    for gap in _CLAUSE_BREAK.finditer(text):
        if gap.start() > start:
            yield start, gap.start()
        start = gap.end()
    if start < len(text):
        yield start, len(text)


def _is_reason(text: str) -> bool:
    """A clause that says something of the resident's own: not a request to rate, not a number,
    not a score alone."""
    bare = text.strip(_EDGES)
    if (len(bare) < 2 or _ASKING.match(bare) or number_finder.find_case_numbers(bare)
            or number_finder.find_numbers(bare)):
        return False
    rest = _NUMBER_WORDS.sub("", _ALL.sub("", bare))
    return len(_LEAD_IN.sub("", rest).strip(_EDGES + "啊呀吧嘛哦呢了")) >= 2


def _reason(text: str, chosen: Said) -> Tuple[int, int]:
    """Where the resident's reason is, or (0, 0) when they gave none."""
    spans = list(_clauses(text))
    here = next(index for index, (start, end) in enumerate(spans) if start <= chosen.start < end)
    start_here = spans[here][0]
    # In the score's own clause, before the score: "办得太慢了我要给差评".
    before = text[start_here:chosen.start]
    trimmed = _LEAD_IN.sub("", before).rstrip(_EDGES)
    first = last = None
    if len(trimmed) >= 2 and _is_reason(trimmed):
        first, last = start_here, start_here + len(trimmed)
    # The clauses just before it, back to the first that is no reason.
    index = here - 1
    while index >= 0 and _is_reason(text[spans[index][0]:spans[index][1]]):
        first, last = spans[index][0], last if last is not None else spans[index][1]
        index -= 1
    if first is not None and last is not None:
        return first, last
    # None before: the clauses after it ("差评！办了一个月还没办好"), or the rest of its own clause
    # when that is no run-on ("很不满意办得太慢了", but not "一颗星都不想给").
    after = text[chosen.end:spans[here][1]]
    if len(after) >= 3 and not after.startswith(_RUN_ON) and _is_reason(after):
        first, last = chosen.end, spans[here][1]
    index = here + 1
    while index < len(spans) and _is_reason(text[spans[index][0]:spans[index][1]]):
        first = spans[index][0] if first is None else first
        last = spans[index][1]
        index += 1
    return (first, last) if first is not None and last is not None else (0, 0)


def find_rating(text: str) -> List[Tuple[str, str, int, int]]:
    """[(entity, value, start, end)]: the score (rating "1".."5") and, when the resident said why,
    the reason (rating_comment) in their own words (spans in `text`, blanks between words taken
    out of the value)."""
    squeezed = squeeze(text)
    said = _said(squeezed.text)
    if not said:
        return []
    chosen = next((word for word in said if word.explicit), said[0])
    found = [("rating", str(chosen.score), *squeezed.span(chosen.start, chosen.end))]
    start, end = _reason(squeezed.text, chosen)
    reason = squeezed.text[start:end].strip(_EDGES)
    if reason:
        start += len(squeezed.text[start:end]) - len(squeezed.text[start:end].lstrip(_EDGES))
        found.append(("rating_comment", reason, *squeezed.span(start, start + len(reason))))
    return found


def score_said(text: str) -> int:
    """The score a sentence names (0 when it names none), as find_rating chooses it."""
    found = find_rating(text)
    return int(found[0][1]) if found else 0
