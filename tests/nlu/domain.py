"""The Rasa domain as one dict, merged from nlu/domain/*.yml the way Rasa merges them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import yaml

DOMAIN = Path(__file__).resolve().parents[2] / "nlu" / "domain"


def merged_domain() -> Dict[str, Any]:
    merged: Dict[str, Any] = {"intents": [], "entities": [], "slots": {}, "forms": {}, "responses": {},
                              "actions": []}
    for path in sorted(DOMAIN.glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("intents", "entities", "actions"):
            merged[key] += part.get(key) or []
        for key in ("slots", "forms", "responses"):
            clash = set(merged[key]) & set(part.get(key) or {})
            assert not clash, f"{path.name} defines {key} {sorted(clash)} again"
            merged[key].update(part.get(key) or {})
    return merged
