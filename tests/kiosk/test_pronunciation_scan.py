"""Every sentence the kiosk can say is scanned for characters with more than one reading.

The dialogue's responses, the actions', kiosk's and common's Chinese strings, the lessons,
the sandbox's names and policy answers: each heteronym in them must be covered by a reviewed
decision in pronunciation_decisions.yaml and come out as decided; a sentence added without
review fails here with the lines to check and add (test_pronounce.py tests the front end).
"""
from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import yaml

from kiosk.speech.pronounce import load
from kiosk.speech.verbalize import verbalize

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
DECISIONS = HERE / "pronunciation_decisions.yaml"
HAN = re.compile(r"[\u4e00-\u9fff]")
REGEX = re.compile(r"\(\?|\||\\[sdwSDWb]|\[")  # a pattern for what residents say, not a sentence
# Characters read with the word before them (丢了, 屏幕上), and those read with the word after (不对).
ATTACHED = set("了着过得地的个们子儿头里上下么吗呢吧啊")


# -- 1. the scan ------------------------------------------------------------------------------

def _python_strings(path: Path) -> Iterator[str]:
    """Chinese string literals (f-string pieces too), not docstrings: what code can say."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                and HAN.search(node.value) and not REGEX.search(node.value)):
            yield node.value


def _yaml_values(data, keys: Tuple[str, ...]) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys and isinstance(value, str):
                yield value
            else:
                yield from _yaml_values(value, keys)
    elif isinstance(data, list):
        for item in data:
            yield from _yaml_values(item, keys)


# Words the kiosk listens for and never says (what residents may call a hall service, rating
# words, surnames, calendar words): the recogniser's vocabulary, not speech.
HEARD_ONLY = {"common/understanding.py", "common/dates.py", "common/day_rules.py", "common/date_text.py",
              "common/gregorian.py", "common/times_of_day.py", "common/lunar.py", "common/numbers.py",
              "common/number_finder.py", "common/number_runs.py",
              # place and problem words that cut a 12345 report into entities; what is read back
              # is the resident's own words, so no literal here is ever said
              "common/understanding_reports.py",
              # rating words (好评, 差评, 还行) that give a score 1-5 and the resident's reason
              "common/understanding_ratings.py",
              # the 24 term names residents give days by; only a date comes out (said by dates)
              "common/solar_terms.py"}


def spoken_sentences() -> List[Tuple[str, str]]:
    """(file, text) for everything the kiosk may say, read afresh from the tree each run, so
    sentences other people add are scanned too."""
    out: List[Tuple[str, str]] = []

    def add(path: Path, texts) -> None:
        out.extend((str(path.relative_to(REPO)), t) for t in texts if HAN.search(t))

    for path in sorted((REPO / "nlu" / "domain").glob("*.yml")):
        add(path, _yaml_values(yaml.safe_load(path.read_text(encoding="utf-8")), ("text",)))
    for folder in ("nlu/actions", "kiosk", "common"):
        for path in sorted((REPO / folder).glob("*.py")):
            if str(path.relative_to(REPO)) not in HEARD_ONLY:
                add(path, _python_strings(path))
    for path in sorted((REPO / "config" / "lessons").glob("*.yml")):
        add(path, _yaml_values(yaml.safe_load(path.read_text(encoding="utf-8")), ("title", "say", "hint", "praise")))
    sandbox = REPO / "portal" / "sandbox"
    for name in ("seed_services.py", "halls.py"):
        add(sandbox / name, _python_strings(sandbox / name))
    policies = sandbox / "data" / "policies.yaml"
    add(policies, _yaml_values(yaml.safe_load(policies.read_text(encoding="utf-8")), ("title", "answer")))
    return out


@cache
def is_heteronym(char: str) -> bool:
    from pypinyin import Style, pinyin

    return len(set(pinyin(char, heteronym=True, style=Style.TONE3, neutral_tone_with_five=True)[0])) > 1


def decisions() -> Dict[str, str]:
    """Every reviewed key -> its pinyin (characters decided alone, and words)."""
    data = yaml.safe_load(DECISIONS.read_text(encoding="utf-8"))
    merged: Dict[str, str] = {}
    for section in ("characters", "words"):
        for key, value in (data.get(section) or {}).items():
            merged[str(key)] = str(value)
    return merged


def review(sentences: List[Tuple[str, str]], decided: Dict[str, str]) -> Tuple[List[str], Dict[str, str]]:
    """(problems, proposals): a wrong reading of a decided word, or a heteronym with no decision.

    An occurrence is covered by the longest decided key around it in the sentence (a key of
    one character from `words` only where that character is said on its own). An undecided
    one is proposed as its word, or with the word it leans on when it stands alone (丢了,
    不对), since that is what fixes its reading."""
    pronouncer = load()
    problems: List[str] = []
    proposals: Dict[str, str] = {}
    keys = sorted(decided, key=len, reverse=True)
    characters = set(yaml.safe_load(DECISIONS.read_text(encoding="utf-8"))["characters"])
    for where, raw in sentences:
        text = verbalize(raw)
        readings: Dict[int, str] = {}
        offset = 0
        for token in pronouncer.tokens(text):
            if token.spoken:
                readings[offset] = token.pinyin
            offset += len(token.text)
        words: Dict[int, Tuple[int, str]] = {}  # character index -> (start, word)
        for run in re.finditer(r"[\u3400-\u4dbf\u4e00-\u9fff\u3007]+", text):
            start = run.start()
            for word in pronouncer.segment(run.group(0)):
                words.update({start + i: (start, word) for i in range(len(word))})
                start += len(word)
        spans = [(m.start(), key) for key in keys for m in re.finditer(re.escape(key), text)]
        for index, char in enumerate(text):
            if index not in readings or not is_heteronym(char):
                continue
            alone = index - 1 not in readings and index + 1 not in readings
            covering = [(start, key) for start, key in spans if start <= index < start + len(key)
                        and (len(key) > 1 or key in characters or alone)]
            if not covering:
                start, word = words[index]
                if len(word) == 1:  # a neighbouring word gives the context: 丢了, 屏幕上, 不对, 一会儿
                    start, word = _with_neighbour(text, index, words, readings)
                proposal = " ".join(readings[start + i] for i in range(len(word)))
                proposals.setdefault(word, proposal)
                problems.append(f"undecided {char} in {word!r} ({proposal}) — {where}: {raw}")
                continue
            longest = max(len(key) for _, key in covering)
            chosen = [(start, key) for start, key in covering if len(key) == longest]
            if len({decided[key].split()[index - start] for start, key in chosen}) > 1:
                problems.append(f"{char}: {' and '.join(k for _, k in chosen)} disagree — {where}: {raw}")
                continue
            for start, key in chosen:
                got = " ".join(readings.get(start + i, "?") for i in range(len(key)))
                if got != decided[key]:
                    problems.append(f"{key}: decided {decided[key]}, said {got} — {where}: {raw}")
    return sorted(set(problems)), proposals


def _with_neighbour(text: str, index: int, words: Dict[int, Tuple[int, str]],
                    readings: Dict[int, str]) -> Tuple[int, str]:
    """A lone character with the word it leans on (at most three characters of it)."""
    before, after = index - 1 in readings, index + 1 in readings
    if (text[index] in ATTACHED and before) or not after:
        if not before:
            return index, text[index]
        start = max(words[index - 1][0], index - 3)
        return start, text[start:index + 1]
    word_start, word = words[index + 1]
    return index, text[index:min(word_start + len(word), index + 4)]


def test_the_scan_finds_the_kiosks_sentences():
    sentences = spoken_sentences()
    files = {where for where, _ in sentences}
    assert len(sentences) > 400, len(sentences)
    assert any(f.startswith("nlu/domain/") for f in files) and any(f.startswith("nlu/actions/") for f in files)
    assert any(f.startswith("kiosk/") for f in files) and any(f.startswith("config/lessons/") for f in files)
    assert any("长者服务助手" in text for _, text in sentences)


def test_every_heteronym_the_kiosk_says_has_a_reviewed_decision():
    problems, proposals = review(spoken_sentences(), decisions())
    if proposals:
        print("\nCheck these readings and add them to tests/kiosk/pronunciation_decisions.yaml (words:),"
              "\nfixing kiosk/speech/pronunciations.yaml first where one is wrong:")
        for word, reading in sorted(proposals.items()):
            print(f"  {word}: {reading}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])


def test_the_scan_catches_a_new_sentence_and_a_wrong_reading():
    decided = decisions()
    problems, proposals = review([("new.py", "请还给我。")], decided)
    assert any("还" in p for p in problems) and proposals  # 还给 is undecided (huan2, not hai2)
    wrong = dict(decided, 还有="huan2 you3")
    problems, _ = review([("new.py", "您还有别的事吗？")], wrong)
    assert any(p.startswith("还有: decided huan2 you3, said hai2 you3") for p in problems)


def test_decisions_are_well_formed():
    data = yaml.safe_load(DECISIONS.read_text(encoding="utf-8"))
    for key, value in decisions().items():
        syllables = value.split()
        assert len(syllables) == len(key), (key, value)
        assert all(re.fullmatch(r"[a-z]+[1-5]", s) for s in syllables), (key, value)
    assert all(len(key) == 1 for key in data["characters"])
    assert not set(data["characters"]) & set(data["needs_context"]), "decided alone, yet said to need context"
    assert not set(data["characters"]) & set(data["words"])
