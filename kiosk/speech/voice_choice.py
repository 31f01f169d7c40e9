"""Which voices a resident may choose on the home screen, and which the staff may make the
centre's default.

Residents choose between 普通话 and each recorded dialect pack (客家话·于都): one big button
that switches to the next voice, labelled with the voice it switches to, as a language
switch is. 普通话 is the centre's default when that is Mandarin (synthesis, or a recorded
Mandarin pack such as 普通话·女声·王老师), else synthesis. The choice lasts for the visit
(tts.Voice.reset returns to the default).

Only packs that can be used are offered: the manifest loads, the speaker's consent is
recorded, and at least one prompt is recorded with every file readable. A pack with a few
prompts recorded plays those and synthesises the rest in Mandarin; staff see how much on the
console's coverage page. Staff may choose any usable pack, or none, as the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

from kiosk.speech.packs import Pack, list_packs

MANDARIN = "cmn"
MANDARIN_LABEL = "普通话"
SYNTHESIS_LABEL = "普通话（电脑合成）"
MOST_DIALECTS = 4  # a button that cycles through more would take too many taps


@dataclass(frozen=True)
class VoiceOption:
    pack_id: Optional[str]  # None: Mandarin synthesis
    label: str  # what the button says (2-6 characters)
    language: str


def usable(pack: Pack) -> bool:
    return pack.consent is not None and bool(pack.playable_prompts())


def usable_packs(root: Optional[Path]) -> List[Pack]:
    """Every pack on this kiosk that may be played (see the module docstring)."""
    if root is None or not root.is_dir():
        return []
    return [pack for pack in list_packs(root) if usable(pack)]


def resident_options(packs: Sequence[Pack], default_pack: Optional[str]) -> List[VoiceOption]:
    """普通话 and the dialect packs, in that order; empty when there is no dialect to offer
    (then the home screen shows no voice button at all)."""
    by_id = {pack.id: pack for pack in packs}
    default = by_id.get(default_pack or "")
    mandarin = default.id if default is not None and default.language == MANDARIN else None
    dialects = sorted((pack for pack in packs if pack.language != MANDARIN), key=lambda pack: pack.name)
    if not dialects:
        return []
    return [VoiceOption(mandarin, MANDARIN_LABEL, MANDARIN)] + [
        VoiceOption(pack.id, pack.name, pack.language) for pack in dialects[:MOST_DIALECTS]]


def current_index(options: Sequence[VoiceOption], pack_id: Optional[str]) -> int:
    """The option being heard now: its pack, or 普通话 for anything else."""
    for index, option in enumerate(options[1:], start=1):
        if option.pack_id == pack_id:
            return index
    return 0


def next_option(options: Sequence[VoiceOption], pack_id: Optional[str]) -> Optional[VoiceOption]:
    """What the voice button switches to from the voice heard now (None: no button)."""
    if len(options) < 2:
        return None
    return options[(current_index(options, pack_id) + 1) % len(options)]


def staff_values(packs: Sequence[Pack]) -> List[Optional[str]]:
    """What staff may make the default: synthesis (None), then every usable pack."""
    return [None, *sorted((pack.id for pack in packs), key=lambda pack_id: pack_id)]


def staff_label(packs: Sequence[Pack], pack_id: Optional[str]) -> str:
    names = {pack.id: pack.name for pack in packs}
    if pack_id is None:
        return SYNTHESIS_LABEL
    return names.get(pack_id, f"{pack_id}（不能用）")
