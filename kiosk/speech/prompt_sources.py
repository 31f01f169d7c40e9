"""Where the kiosk's sentences are read from: the domain, the code that speaks, the lessons.

Why read the code: most of what residents hear is built by the actions and the kiosk itself
(f-strings with amounts, dates and names), not written in the domain. Reading it here means
a sentence another engineer adds is in the catalogue the next time it is generated, and the
staleness test (tests/kiosk/test_prompts.py) makes sure that happens.

What counts as a sentence in code: a string literal, an f-string or a `+` chain of them with
Chinese text and a sentence end (。！？), or a value of a table named SENTENCES (spoken phrases
without a full stop, such as the face-check guidance). Button titles, words the kiosk listens
for and labels have no sentence end and stay out; so do docstrings and regular expressions, and
a sentence that is shown but never spoken can be kept out with `# not spoken` on its line.
A variable part becomes a slot whose type is read from the expression (`yuan(...)` is an
amount, `month_day(...)` a date, `last_four(...)` a masked number, see SLOT_RULES).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import yaml

from kiosk.speech.prompts import SLOT_TYPES

# Files whose sentences the kiosk says, as globs from the repository root.
SPEAKING_CODE = ("nlu/actions/*.py", "kiosk/*.py", "kiosk/face/*.py", "common/menu.py", "common/lessons.py")
NOT_SPOKEN = {
    "kiosk/terminal.py": "the terminal front end prints its own notes; it speaks only the dialogue's replies",
    "kiosk/console.py": "the terminal front end's former name",
    "kiosk/printing.py": "receipts are printed, not spoken",
}
DOMAIN_GLOB = "nlu/domain/*.yml"
LESSONS_GLOB = "config/lessons/*.yml"
LESSON_SPOKEN_KEYS = ("say", "hint", "praise")

# The first rule whose pattern is found in a slot's expression gives its type; else free_text.
SLOT_RULES: Tuple[Tuple[str, str], ...] = (
    (r"\byuan\(", "amount"),
    (r"\b(month_day|day_label|when)\(", "date"),
    (r"\bmonth\(", "month"),
    (r"\btime_label\(", "time"),
    (r"\b(mask_id_number|mask_phone|last_four|masked)\(|\[-4:\]", "masked_number"),
    (r"\bhall(_name|\.name)\b", "hall_name"),
    (r"district", "district"),
    (r"grouped|\breference\b|\bnumber\b|phone|_id\b", "digits"),
    (r"\b(missing|count)\b", "number"),
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_REGEX = re.compile(r"\(\?|\||\\[sdwSDWb]|\[")  # a pattern for what residents say, not a sentence
NOT_SPOKEN_MARK = "# not spoken"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")  # str.format and Rasa slot fills


def slot_type(expression: str) -> str:
    """The slot type for the source text of a variable part."""
    for pattern, kind in SLOT_RULES:
        if re.search(pattern, expression):
            return kind
    return "free_text"


def _literal(text: str) -> str:
    """A literal piece of a template; {name} placeholders (str.format, Rasa) become slots."""
    return _PLACEHOLDER.sub(lambda m: "{" + (m.group(1) if m.group(1) in SLOT_TYPES else slot_type(m.group(1)))
                            + "}", text)


def is_sentence(template: str) -> bool:
    fixed = re.sub(r"\{[a-z_]+\}", "", template)
    return bool(_HAN.search(fixed)) and bool(_SENTENCE_END.search(fixed))


class _CodeReader(ast.NodeVisitor):
    """Finds templates in one module, each with an id made of its scope and an ordinal."""

    def __init__(self, relative: str, source: str = "") -> None:
        self.relative = relative
        self.lines = source.splitlines()
        self.scope: List[str] = []
        self.counts: Counter = Counter()
        self.found: List[Tuple[str, str]] = []
        self.docstrings: set = set()

    def read(self, tree: ast.Module) -> List[Tuple[str, str]]:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
                first = node.body[0]
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                    self.docstrings.add(id(first.value))
        self.visit(tree)
        return self.found

    # -- scopes ------------------------------------------------------------------------

    def _scoped(self, node: ast.AST, name: str) -> None:
        self.scope.append(name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:  # noqa: N802
        self._scoped(node, node.name)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:  # noqa: N802
        self._scoped(node, node.name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # noqa: N802
        self._scoped(node, node.name)

    def visit_Compare(self, node: ast.Compare) -> None:  # noqa: N802
        return None  # `x == "是的"`, `in WORDS`: what is heard, not said

    def visit_Assign(self, node: ast.Assign) -> None:  # noqa: N802
        target = node.targets[0] if len(node.targets) == 1 else None
        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) and not self.scope:
            for name, value in zip(target.elts, node.value.elts, strict=False):  # SLOWER, FASTER = "…", "…"
                self.visit(ast.Assign(targets=[name], value=value))
            return
        if isinstance(target, ast.Name) and not self.scope:
            if target.id == "SENTENCES" and isinstance(node.value, ast.Dict):
                for key, value in zip(node.value.keys, node.value.values, strict=True):
                    template = _template(value)
                    if template and _HAN.search(template):
                        self.found.append((f"{self.relative}:SENTENCES[{ast.unparse(key)}]", template.strip()))
                return
            template = _template(node.value)
            if template is not None:
                self._emit(template, node.value, f"{self.relative}:{target.id}")
            else:  # a table of sentences: ids from its name (SPEECH_CHANGED#0, #1, ...)
                self._scoped(node.value, target.id)
            return
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:  # noqa: N802
        for value in node.values:  # keys are never said
            self.visit(value)

    # -- text --------------------------------------------------------------------------

    def visit_Constant(self, node: ast.Constant) -> None:  # noqa: N802
        if isinstance(node.value, str) and id(node) not in self.docstrings:
            self._emit(_literal(node.value), node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:  # noqa: N802
        self._emit(_template(node) or "", node)

    def visit_BinOp(self, node: ast.BinOp) -> None:  # noqa: N802
        template = _template(node)
        if template is None:
            self.generic_visit(node)
        else:
            self._emit(template, node)

    def _emit(self, template: str, node: ast.AST, prompt_id: Optional[str] = None) -> None:
        raw = node.value if isinstance(node, ast.Constant) else ""
        if is_sentence(template) and not (raw and _REGEX.search(str(raw))) and not self._marked(node):
            if prompt_id is None:
                scope = ".".join(self.scope) or "<module>"
                prompt_id = f"{self.relative}:{scope}#{self.counts[scope]}"
                self.counts[scope] += 1
            self.found.append((prompt_id, template.strip()))
        for inner in _variable_parts(node):  # strings inside the slots say things of their own
            self.visit(inner)


    def _marked(self, node: ast.AST) -> bool:
        first, last = getattr(node, "lineno", 0), getattr(node, "end_lineno", 0) or 0
        return any(NOT_SPOKEN_MARK in line for line in self.lines[max(first - 1, 0):last])


def _pieces(node: ast.AST) -> Optional[List[ast.AST]]:
    """The operands of a text expression in order, or None when it is not text."""
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return list(node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pieces(node.left), _pieces(node.right)
        if left is None and right is None:
            return None
        return (left or [node.left]) + (right or [node.right])
    return None


def _template(node: ast.AST) -> Optional[str]:
    pieces = _pieces(node)
    if pieces is None:
        return None
    out = []
    for piece in pieces:
        if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
            out.append(_literal(piece.value))
        else:
            expression = piece.value if isinstance(piece, ast.FormattedValue) else piece
            out.append("{" + slot_type(ast.unparse(expression)) + "}")
    return "".join(out)


def _variable_parts(node: ast.AST) -> Iterator[ast.AST]:
    for piece in _pieces(node) or []:
        if isinstance(piece, ast.FormattedValue):
            yield piece.value
        elif not isinstance(piece, ast.Constant):
            yield piece


def code_sentences(root: Path) -> Iterator[Tuple[str, str]]:
    for pattern in SPEAKING_CODE:
        for path in sorted(root.glob(pattern)):
            relative = path.relative_to(root).as_posix()
            if relative not in NOT_SPOKEN:
                source = path.read_text(encoding="utf-8")
                yield from _CodeReader(relative, source).read(ast.parse(source))


def domain_sentences(root: Path) -> Iterator[Tuple[str, str]]:
    """Every response variation's text, as utter_name#index."""
    for path in sorted(root.glob(DOMAIN_GLOB)):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for name, variations in responses.items():
            for index, variation in enumerate(variations or []):
                text = (variation or {}).get("text")
                if isinstance(text, str) and _HAN.search(text):
                    yield f"{path.relative_to(root).as_posix()}:{name}#{index}", _literal(text).strip()


def lesson_sentences(root: Path) -> Iterator[Tuple[str, str]]:
    """What a guided lesson says: each step's say, hint and praise."""
    for path in sorted(root.glob(LESSONS_GLOB)):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for index, step in enumerate(content.get("steps") or []):
            for key in LESSON_SPOKEN_KEYS:
                text = (step or {}).get(key)
                if isinstance(text, str) and _HAN.search(text):
                    yield f"{path.relative_to(root).as_posix()}:steps[{index}].{key}", _literal(text).strip()


def sentences(root: Path) -> List[Tuple[str, str]]:
    """(id, template) for everything the kiosk says, read afresh from the tree at `root`."""
    return [*domain_sentences(root), *code_sentences(root), *lesson_sentences(root)]
