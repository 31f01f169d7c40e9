"""The prompt catalogue: every sentence the kiosk says, as a template a person can record.

Why a catalogue: a centre records the kiosk's fixed sentences in a human voice (voice packs,
see packs.py). The list to record is made from the dialogue itself, so it cannot drift from
what the kiosk says: every response text in nlu/domain, every sentence the actions and the
kiosk build (prompt_sources.py reads them from the code), and the lessons. A variable part
of an f-string becomes a typed slot: "您{month(...)}的养老金 {yuan(...)}" is the template
"您{month}的养老金 {amount}", whose fixed parts are recorded and whose slots are joined from
recorded number words at playback (playback.py).

Each prompt is keyed by a hash of its template, so a changed sentence has a new key and
its old recording is out of date: it is never played for the new words. Each prompt also
has stable ids (the response name, or the file and function it is said in), which is how
coverage tells "out of date" (recorded before the sentence changed) from "missing".

The catalogue is generated into the checked-in kiosk/speech/prompts.json
(`python main.py voice-pack prompts --write`), and tests/kiosk/test_prompts.py fails when
it is stale. Why checked in rather than read from the sources at run time: the list is the
contract with the centres who record it, so a change that puts recordings out of date shows
in review, as the generated domain does (nlu/domain/errands.yml); and the console and the
kiosk read one small JSON file instead of parsing Python.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Tuple, Union

from common.idnumber import GANZHOU_DISTRICTS

REPO_ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_PATH = Path(__file__).with_name("prompts.json")
FORMAT = 1

# Typed slots. Each is matched by its own pattern at playback and spoken the way
# verbalize.py says it: amount 3,215.60 元, date 11月15日 (or 明天 11月25日 星期三, 2026年3月5日),
# month 11月, time 上午9:00, masked_number (尾号 and the last digits), digits (case numbers,
# references and phone numbers, digit by digit), number (a count), hall_name, district,
# free_text (whatever the resident or the portal said: synthesised unless it is a recorded word).
SLOT_TYPES = ("amount", "date", "month", "time", "masked_number", "digits", "number",
              "hall_name", "district", "free_text")
_SLOT = re.compile(r"\{(" + "|".join(SLOT_TYPES) + r")\}")
_SPEAKABLE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]")

# Words a pack records once to join variable parts (amounts, dates, times, numbers read digit
# by digit, districts): what verbalize.py produces for them, and the 18 counties and districts.
NUMBER_WORDS = ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "幺", "两", "叉")
UNIT_WORDS = ("十", "百", "千", "万", "亿", "元", "角", "分", "年", "月", "日", "号", "点", "半",
              "尾号", "上午", "下午", "今天", "明天", "后天", "星期")
DISTRICT_WORDS = tuple(GANZHOU_DISTRICTS.values())
STANDARD_WORDS = NUMBER_WORDS + UNIT_WORDS + DISTRICT_WORDS


@dataclass(frozen=True)
class Slot:
    """A variable part of a template."""

    type: str


Part = Union[str, Slot]


def parse_template(text: str) -> Tuple[Part, ...]:
    """'您{month}的养老金' -> ('您', Slot('month'), '的养老金'); literal text between slots."""
    parts: List[Part] = []
    position = 0
    for match in _SLOT.finditer(text):
        if match.start() > position:
            parts.append(text[position:match.start()])
        parts.append(Slot(match.group(1)))
        position = match.end()
    if position < len(text):
        parts.append(text[position:])
    return tuple(parts)


def speakable(text: str) -> bool:
    """A fixed part someone has to say (not only punctuation or spaces)."""
    return bool(_SPEAKABLE.search(text))


def template_key(text: str) -> str:
    """The recording's key: a hash of the exact template, so any change makes a new key."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def takes(text: str) -> List[Tuple[int, str]]:
    """(part index, words to say) for each fixed part that is recorded as its own take."""
    return [(index, part) for index, part in enumerate(parse_template(text))
            if isinstance(part, str) and speakable(part)]


@dataclass
class Prompt:
    """One sentence to record: its template, its key, and every place that says it."""

    text: str
    ids: List[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return template_key(self.text)

    @property
    def parts(self) -> Tuple[Part, ...]:
        return parse_template(self.text)

    @property
    def takes(self) -> List[Tuple[int, str]]:
        return takes(self.text)

    def as_json(self) -> Dict[str, object]:
        return {"key": self.key, "text": self.text, "ids": self.ids,
                "slots": [part.type for part in self.parts if isinstance(part, Slot)],
                "takes": [{"part": index, "say": words} for index, words in self.takes]}


@dataclass
class Catalogue:
    prompts: Dict[str, Prompt]  # by key
    words: Tuple[str, ...] = STANDARD_WORDS

    def by_id(self) -> Dict[str, Prompt]:
        return {prompt_id: prompt for prompt in self.prompts.values() for prompt_id in prompt.ids}

    def get(self, key: str) -> Optional[Prompt]:
        return self.prompts.get(key)

    def as_json(self) -> Dict[str, object]:
        ordered = sorted(self.prompts.values(), key=lambda prompt: prompt.ids[0])
        return {"format": FORMAT, "generated_by": "python main.py voice-pack prompts --write",
                "slot_types": list(SLOT_TYPES), "words": list(self.words),
                "prompts": [prompt.as_json() for prompt in ordered]}

    def dumps(self) -> str:
        """JSON with one prompt a line, so a review shows exactly which sentences changed."""
        data = self.as_json()
        prompts = data.pop("prompts")
        head = ",\n ".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in data.items())
        lines = ",\n  ".join(json.dumps(p, ensure_ascii=False) for p in prompts)  # type: ignore[union-attr]
        return "{" + head + ',\n "prompts": [\n  ' + lines + "\n ]\n}\n"


def catalogue_of(found: Iterable[Tuple[str, str]]) -> Catalogue:
    """(id, template) pairs -> prompts, one per distinct template (the same sentence said in
    two places is recorded once)."""
    prompts: Dict[str, Prompt] = {}
    for prompt_id, text in found:
        prompt = prompts.setdefault(template_key(text), Prompt(text))
        if prompt_id not in prompt.ids:
            prompt.ids.append(prompt_id)
    for prompt in prompts.values():
        prompt.ids.sort()
    return Catalogue(prompts)


def build_catalogue(root: Path = REPO_ROOT) -> Catalogue:
    """Read every sentence from the tree at `root` (the sources, not prompts.json)."""
    from kiosk.speech.prompt_sources import sentences

    return catalogue_of(sentences(root))


def catalogue_from_json(data: Mapping[str, object]) -> Catalogue:
    if data.get("format") != FORMAT:
        raise ValueError(f"prompt catalogue format {data.get('format')!r}, expected {FORMAT}")
    prompts = {}
    for item in data.get("prompts") or []:  # type: ignore[union-attr]
        prompt = Prompt(str(item["text"]), [str(i) for i in item["ids"]])
        if prompt.key != item["key"]:
            raise ValueError(f"prompt {item['key']}: key does not match its text")
        prompts[prompt.key] = prompt
    return Catalogue(prompts, tuple(str(w) for w in data.get("words") or STANDARD_WORDS))  # type: ignore[union-attr]


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """The checked-in catalogue (what the console shows and coverage counts against)."""
    return catalogue_from_json(json.loads(path.read_text(encoding="utf-8")))


def write_catalogue(catalogue: Catalogue, path: Path = CATALOGUE_PATH) -> bool:
    """Write the catalogue; True when the file changed."""
    text = catalogue.dumps()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def differences(old: Catalogue, new: Catalogue) -> List[str]:
    """Readable lines for a stale catalogue: prompts added, removed, moved."""
    lines = [f"+ {new.prompts[k].text}  ({', '.join(new.prompts[k].ids)})" for k in new.prompts
             if k not in old.prompts]
    lines += [f"- {old.prompts[k].text}" for k in old.prompts if k not in new.prompts]
    lines += [f"~ {new.prompts[k].text}: said at {', '.join(new.prompts[k].ids)}" for k in new.prompts
              if k in old.prompts and old.prompts[k].ids != new.prompts[k].ids]
    return lines
