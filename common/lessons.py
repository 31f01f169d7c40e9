"""Guided lessons (config/lessons/*.yml), checked against a schema when they are loaded.

A lesson is a title and steps: what the kiosk says, what the learner should do (tap a tile
or button, say something, type a number, confirm), a hint after a wait, and praise. A
broken file is reported with its name and line and left out; the others still load.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import jsonschema
import yaml

logger = logging.getLogger(__name__)

LESSONS_DIR = Path(__file__).resolve().parent.parent / "config" / "lessons"
ACTIONS = ("tap", "choose", "type", "say", "confirm")
SCHEMA: Dict[str, Any] = {
    "type": "object",
    "required": ["title", "steps"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 2, "maxLength": 20},
        "practice_resident": {"type": "integer", "minimum": 0, "maximum": 2},
        "steps": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object",
                "required": ["say", "expect"],
                "additionalProperties": False,
                "properties": {
                    "say": {"type": "string", "minLength": 2},
                    "expect": {
                        "type": "object", "minProperties": 1, "maxProperties": 1,
                        "additionalProperties": False,
                        "properties": {action: {"type": "string", "minLength": 1} for action in ACTIONS},
                    },
                    "hint": {"type": "string"},
                    "hint_after_seconds": {"type": "integer", "minimum": 5, "maximum": 300},
                    "praise": {"type": "string"},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Step:
    say: str
    action: str
    target: str
    hint: str
    hint_after_seconds: int
    praise: str


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    steps: Tuple[Step, ...]
    practice_resident: int = 2


class LessonError(ValueError):
    """A lesson file that cannot be used; the message names the file and the line."""


def _line_of(node: yaml.Node, path: List[Any]) -> int:
    """The line (1-based) of the YAML node at a JSON path, as far down as it exists."""
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            match = node.value[part]
        else:
            match = None
        if match is None:
            break
        node = match
    return node.start_mark.line + 1


def load_lesson(path: Path) -> Lesson:
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text)
        content = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise LessonError(f"{path.name}, line {mark.line + 1 if mark else '?'}: not valid YAML") from error
    errors = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(content), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        line = _line_of(node, list(first.path)) if node is not None else 1
        raise LessonError(f"{path.name}, line {line}: {first.message}")
    steps = tuple(
        Step(step["say"], *next(iter(step["expect"].items())), step.get("hint", step["say"]),
             step.get("hint_after_seconds", 20), step.get("praise", "很好！"))
        for step in content["steps"])
    return Lesson(path.stem, content["title"], steps, content.get("practice_resident", 2))


def load_lessons(folder: Optional[Path] = None) -> Tuple[List[Lesson], List[str]]:
    """Every lesson that loads, and a message for each that does not."""
    lessons, problems = [], []
    for path in sorted((folder or LESSONS_DIR).glob("*.yml")):
        try:
            lessons.append(load_lesson(path))
        except LessonError as error:
            logger.error("lesson not loaded: %s", error)
            problems.append(str(error))
    return lessons, problems
