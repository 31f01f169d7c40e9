"""Measure a rendered screen against ../shared/ACCESSIBILITY.md, on the real widgets and the
real pixels. Each check returns a list of human-readable problems (empty = passes)."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Iterable, List, Sequence, Tuple

from PIL import Image

from kiosk import theme
from tests.kiosk.ui import visible, walk

Rect = Tuple[float, float, float, float]  # x, y, width, height in window pixels (y up)


def window_rect(widget) -> Rect:
    x, y = widget.to_window(widget.x, widget.y)
    return (x, y, widget.width, widget.height)


def density() -> float:
    from kivy.metrics import Metrics

    return float(Metrics.density)


def _reachable(root):
    """What a resident can see and reach: an overlay, when one is shown, covers the rest."""
    from kiosk.widgets.chrome import Overlay

    overlays = [w for w in walk(root) if isinstance(w, Overlay) and visible(w)]
    return overlays[-1] if overlays else root


def visible_labels(root) -> List:
    from kivy.uix.label import Label

    return [w for w in walk(_reachable(root)) if isinstance(w, Label) and w.text.strip() and visible(w)]


def tap_targets(root) -> List:
    """Buttons a resident can reach: those of an overlay when one is shown (it covers the rest)."""
    from kivy.uix.behaviors import ButtonBehavior

    return [w for w in walk(_reachable(root)) if isinstance(w, ButtonBehavior) and visible(w)]


def check_text_sizes(root, scale: float, floors: Sequence[Tuple[str, float]] = ()) -> List[str]:
    """Every visible text >= body floor (x density x text step); texts inside a widget with a
    named id (e.g. "value" for a key result) >= that id's floor."""
    problems = []
    named = dict(floors)
    for label in visible_labels(root):
        applicable = [named[name] for name in _ids_of(label) if name in named]
        floor = max(applicable + [theme.FLOOR_BODY]) * density() * scale
        if label.font_size + 0.5 < floor:
            problems.append(f"text {label.text[:12]!r} is {label.font_size:.0f}px < {floor:.0f}px")
    return problems


def _ids_of(widget) -> set:
    """The kv ids of the widget and of its ancestors (a label inside PagedText 'assistant')."""
    names, node = set(), widget
    while node is not None:
        scope = node.parent if node.parent is not node else None
        while scope is not None:
            names.update(name for name, candidate in getattr(scope, "ids", {}).items() if candidate is node)
            scope = scope.parent if scope.parent is not scope else None
        node = node.parent if node.parent is not node else None
    return names


def natural_size(label) -> Tuple[float, float]:
    """The size the text needs, rendered afresh at the label's wrapping width with no height
    limit: a label whose text_size fixes the height would otherwise hide what it clips."""
    from kivy.core.text import Label as CoreLabel

    wrap = label.text_size[0] if label.text_size and label.text_size[0] else None
    core = CoreLabel(text=label.text, font_name=label.font_name, font_size=label.font_size,
                     bold=label.bold, line_height=label.line_height, padding=label.padding,
                     text_size=(wrap, None), halign=label.halign)
    core.refresh()
    return (float(core.texture.width), float(core.texture.height)) if core.texture else (0.0, 0.0)


def check_not_cut_off(root) -> List[str]:
    """Rendered text must fit inside its label's box (nothing cut off at any text step)."""
    problems = []
    for label in visible_labels(root):
        width, height = natural_size(label)
        if width > label.width + 2 or height > label.height + 2:
            problems.append(f"text {label.text[:12]!r} needs {width:.0f}x{height:.0f} "
                            f"but has {label.width:.0f}x{label.height:.0f}")
    return problems


def check_line_spacing(root) -> List[str]:
    """Multi-line text: distance between lines >= 1.3 x font size."""
    problems = []
    for label in visible_labels(root):
        label.texture_update()
        lines = len(getattr(label._label, "_cached_lines", []) or [])
        if lines >= 2:
            spacing = (label.texture_size[1] - 2 * label.padding[1]) / lines
            if spacing < 1.3 * label.font_size - 0.5:
                problems.append(f"text {label.text[:12]!r}: line spacing {spacing:.0f}px "
                                f"< 1.3 x {label.font_size:.0f}px")
    return problems


def _gap(a: Rect, b: Rect) -> float:
    dx = max(b[0] - (a[0] + a[2]), a[0] - (b[0] + b[2]), 0)
    dy = max(b[1] - (a[1] + a[3]), a[1] - (b[1] + b[3]), 0)
    return max(dx, dy)


def check_targets(root) -> List[str]:
    """Tap targets >= 120 x 120 px and >= 24 px apart."""
    problems = []
    minimum = theme.FLOOR_TARGET * density()
    spacing = theme.FLOOR_TARGET_GAP * density()
    targets = [(t, window_rect(t)) for t in tap_targets(root)]
    for target, rect in targets:
        if rect[2] + 0.5 < minimum or rect[3] + 0.5 < minimum:
            problems.append(f"target {getattr(target, 'text', '')!r} is {rect[2]:.0f}x{rect[3]:.0f}")
    for (first, a), (second, b) in combinations(targets, 2):
        if _gap(a, b) + 0.5 < spacing:
            problems.append(f"targets {getattr(first, 'text', '')!r} and "
                            f"{getattr(second, 'text', '')!r} are {_gap(a, b):.0f}px apart")
    return problems


def relative_luminance(rgb: Iterable[float]) -> float:
    def channel(value: float) -> float:
        value = value / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: Iterable[float], second: Iterable[float]) -> float:
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rendered_contrast(image: Image.Image, widget) -> float:
    """Contrast between the background (most common colour in the widget's text box) and the
    pixel that differs most from it (the fully-covered glyph pixel)."""
    x, y, width, height = window_rect(widget)
    if hasattr(widget, "texture_size") and widget.texture_size[0] > 0:
        tw, th = widget.texture_size
        x, y = x + (width - min(tw, width)) / 2, y + (height - min(th, height)) / 2
        width, height = min(tw, width), min(th, height)
    top = image.height - (y + height)
    box = (int(x), int(max(top, 0)), int(x + width), int(min(image.height, top + height)))
    crop = image.crop(box).convert("RGB")
    colours = crop.getcolors(max(1, crop.width * crop.height))  # (count, colour) for each colour there
    if not colours:
        return 21.0
    background = max(colours, key=lambda counted: counted[0])[1]
    return max(contrast(colour, background) for _count, colour in colours)


def check_contrast(root, screenshot: Path) -> List[str]:
    image = Image.open(screenshot)
    problems = []
    for label in visible_labels(root):
        ratio = rendered_contrast(image, label)
        if ratio < theme.FLOOR_CONTRAST:
            problems.append(f"text {label.text[:12]!r} contrast {ratio:.1f}:1 < 7:1")
    return problems


def check_overlaps(root) -> List[str]:
    """Visible texts must not overlap one another (at any text step)."""
    labels = [(label, window_rect(label)) for label in visible_labels(root)]
    problems = []
    for (first, a), (second, b) in combinations(labels, 2):
        if first in walk(second) or second in walk(first):
            continue
        overlap_x = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
        overlap_y = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
        if overlap_x > 2 and overlap_y > 2:
            problems.append(f"texts {first.text[:10]!r} and {second.text[:10]!r} overlap")
    return problems
