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

from common.masking import mask_id_number
from common.names import mask_name

logger = logging.getLogger(__name__)

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
LESSONS_DIR = CONFIG_DIR / "lessons"
RESIDENTS_FILE = CONFIG_DIR / "practice_residents.yml"
ACTIONS = ("tap", "choose", "type", "say", "confirm")
SCHEMA: Dict[str, Any] = {
    "type": "object",
    "required": ["title", "steps"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 2, "maxLength": 20},
        "practice_resident": {"type": "string", "minLength": 2},
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
class PracticeResident:
    """A fictional resident a lesson practises with (config/practice_residents.yml)."""

    name: str
    id_number: str
    phone: str

    def values(self) -> Dict[str, str]:
        """What lesson texts may name: {practice_id}, {practice_name} (masked) and the rest."""
        number, phone = self.id_number, self.phone
        return {"practice_id": number, "practice_id_grouped": f"{number[:6]} {number[6:14]} {number[14:]}",
                "practice_name": mask_name(self.name), "practice_phone": phone,
                "practice_phone_grouped": f"{phone[:3]} {phone[3:7]} {phone[7:]}",
                "practice_id_masked": mask_id_number(number)}


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    steps: Tuple[Step, ...]
    resident: PracticeResident


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


def practice_residents(path: Optional[Path] = None) -> Dict[str, PracticeResident]:
    content = yaml.safe_load((path or RESIDENTS_FILE).read_text(encoding="utf-8")) or {}
    return {name: PracticeResident(name, str(data["id_number"]), str(data["phone"])) for name, data in content.items()}


def load_lesson(path: Path, residents: Optional[Dict[str, PracticeResident]] = None) -> Lesson:
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
    residents = residents if residents is not None else practice_residents()
    name = content.get("practice_resident") or next(iter(residents))
    if name not in residents:
        raise LessonError(f"{path.name}, line {_line_of(node, ['practice_resident'])}: "
                          f"no practice resident {name!r} in {RESIDENTS_FILE.name}")
    return Lesson(path.stem, content["title"], steps, residents[name])


def load_lessons(folder: Optional[Path] = None) -> Tuple[List[Lesson], List[str]]:
    """Every lesson that loads, and a message for each that does not."""
    lessons, problems = [], []
    residents = practice_residents()
    for path in sorted((folder or LESSONS_DIR).glob("*.yml")):
        try:
            lessons.append(load_lesson(path, residents))
        except LessonError as error:
            logger.error("lesson not loaded: %s", error)
            problems.append(str(error))
    return lessons, problems
