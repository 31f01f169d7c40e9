"""The kiosk's Chinese font: Noto Sans CJK SC (simplified-Chinese glyph shapes) if present.

Debian ships Noto CJK as collections whose first face is the Japanese one, and Kivy opens
the first face of a collection; so the SC faces are copied out once into the data folder.
WenQuanYi Micro Hei is the fallback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional, Tuple

logger = logging.getLogger(__name__)

NOTO = {"regular": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        "bold": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")}
NOTO_FAMILY = "Noto Sans CJK SC"
FALLBACK = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _extract_sc(collection: Path, target: Path) -> Optional[Path]:
    if target.exists():
        return target
    if not collection.exists():
        return None
    from fontTools.ttLib import TTCollection

    for face in TTCollection(str(collection), lazy=True).fonts:
        if face["name"].getDebugName(1) == NOTO_FAMILY:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            face.save(str(partial))
            partial.replace(target)
            return target
    return None


def font_files(data_dir: Path) -> Tuple[str, str]:
    """(regular, bold) font paths for Kivy."""
    folder = data_dir / "fonts"
    regular = _extract_sc(NOTO["regular"], folder / "NotoSansCJKsc-Regular.otf")
    bold = _extract_sc(NOTO["bold"], folder / "NotoSansCJKsc-Bold.otf")
    if regular and bold:
        return str(regular), str(bold)
    if FALLBACK.exists():
        logger.warning("Noto Sans CJK not found; using WenQuanYi Micro Hei")
        return str(FALLBACK), str(FALLBACK)
    raise RuntimeError("no Chinese font: install fonts-noto-cjk (make run does this)")


def register(data_dir: Path) -> None:
    from kivy.core.text import LabelBase

    regular, bold = font_files(data_dir)
    LabelBase.register(name="Kiosk", fn_regular=regular, fn_bold=bold)
