"""Read and write Rasa NLU example files as plain (intent, text) pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, List, Tuple

import yaml

DATA = Path(__file__).resolve().parent.parent / "data" / "nlu"
NOISE = "asr_noise.yml"
PHRASINGS = "phrasings.yml"
GENERATED = (NOISE, PHRASINGS)


def examples(folder: Path = DATA, include: Tuple[str, ...] = ()) -> List[Tuple[str, str]]:
    """Every (intent, example) in the hand-written files, plus the generated files named in
    `include`; examples with entity markup keep their markup."""
    pairs = []
    for path in sorted(folder.glob("*.yml")):
        if path.name in GENERATED and path.name not in include:
            continue
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" in item:
                for line in str(item.get("examples", "")).splitlines():
                    if line.strip().startswith("- "):
                        pairs.append((item["intent"], line.strip()[2:].strip()))
    return pairs


def has_entities(text: str) -> bool:
    return "[" in text and "](" in text or "]{" in text


class _BlockDumper(yaml.SafeDumper):
    """Examples as `|` blocks, the way Rasa's own files write them."""


_BlockDumper.add_representer(
    str, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value,
                                                       style="|" if "\n" in value else None))


def write(path: Path, pairs: Iterable[Tuple[str, str]], header: str) -> None:
    by_intent: Dict[str, List[str]] = {}
    for intent, text in pairs:
        by_intent.setdefault(intent, []).append(text)
    blocks = [{"intent": intent, "examples": "".join(f"- {text}\n" for text in texts)}
              for intent, texts in by_intent.items()]
    body = yaml.dump({"version": "3.1", "nlu": blocks}, Dumper=_BlockDumper, allow_unicode=True,
                     sort_keys=False, width=200)
    path.write_text(header + body, encoding="utf-8")
