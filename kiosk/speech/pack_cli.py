"""`python main.py voice-pack prompts|coverage|import`: the prompt catalogue and voice packs
from a terminal, for staff setting up a kiosk and for engineers who changed a sentence."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

from kiosk.speech.pack_admin import coverage, import_pack
from kiosk.speech.packs import PackError, list_packs, load_pack, packs_root
from kiosk.speech.prompts import CATALOGUE_PATH, build_catalogue, load_catalogue, write_catalogue


def prompts(write: bool = False) -> int:
    """Print the catalogue read from the sources as JSON; with `write`, update prompts.json."""
    catalogue = build_catalogue()
    if not write:
        sys.stdout.write(catalogue.dumps())
        return 0
    changed = write_catalogue(catalogue)
    takes = sum(len(prompt.takes) for prompt in catalogue.prompts.values())
    state = "written" if changed else "already current"
    print(f"{CATALOGUE_PATH.name}: {len(catalogue.prompts)} prompts, {takes} takes to record, "
          f"{len(catalogue.words)} words ({state})")
    return 0


def show_coverage(data_dir: Path, pack_id: Optional[str] = None, as_json: bool = False) -> int:
    """Recorded, missing and out-of-date prompts of each pack (or one)."""
    root = packs_root(data_dir)
    catalogue = load_catalogue()
    try:
        packs = [load_pack(root, pack_id)] if pack_id else list_packs(root)
    except PackError as error:
        print(f"声音包有误 / voice pack problem: {error}", file=sys.stderr)
        return 1
    reports = [coverage(pack, catalogue) for pack in packs]
    if as_json:
        print(json.dumps([report.as_json() for report in reports], ensure_ascii=False, indent=1))
        return 0
    if not reports:
        print(f"no voice packs in {root}: everything is synthesised")
    for report in reports:
        pack = report.pack
        consent = f"{pack.consent.speaker}, consent {pack.consent.given_at}" if pack.consent else "NO CONSENT"
        share = 100 * len(report.recorded) / max(report.total, 1)
        print(f"{pack.name} ({pack.id}, {pack.language}) — {consent}")
        print(f"  recorded {len(report.recorded)} / {report.total} prompts ({share:.0f} %); "
              f"missing {len(report.missing)}; out of date {len(report.out_of_date)}; "
              f"broken {len(report.broken)}; unused recordings {len(report.unused)}")
        words = len(catalogue.words) - len(report.words_missing)
        missing_words = " ".join(report.words_missing[:20]) + (" …" if len(report.words_missing) > 20 else "")
        print(f"  words {words} / {len(catalogue.words)}" + (f"; missing: {missing_words}" if missing_words else ""))
        for key in report.out_of_date:
            print(f"  out of date: {catalogue.prompts[key].text}")
        for key in report.broken:
            print(f"  broken: {catalogue.prompts[key].text}")
    return 0


def import_from(data_dir: Path, source: str, replace: bool = False) -> int:
    """Copy a pack from a folder (a USB stick) after checking every file's SHA-256."""
    try:
        pack = import_pack(Path(source), packs_root(data_dir), replace=replace)
    except PackError as error:
        print(f"没有导入 / not imported: {error}", file=sys.stderr)
        return 1
    print(f"imported {pack.name} ({pack.id}): {len(pack.prompts)} prompts, {len(pack.words)} words")
    return 0
