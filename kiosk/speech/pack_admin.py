"""What staff do with voice packs: see how much of the catalogue a pack covers, and copy a
pack onto this kiosk from a USB stick or another folder.

Coverage sorts every prompt of the catalogue into recorded, missing (never recorded, or some
parts still to record), out of date (recorded for an earlier wording said at the same place:
its key no longer matches, so it is never played for the new words) and broken (recorded, but a
file is missing or unreadable); recordings of sentences the kiosk no longer says are unused.

Import refuses the whole pack when any file the manifest lists is missing or does not match
its SHA-256, so a damaged copy or a changed file never reaches the loudspeaker.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

from kiosk.speech.packs import MANIFEST, Pack, PackError, inside_pack, manifest_lock, sha256_of, wav_problem
from kiosk.speech.prompts import Catalogue


@dataclass
class Coverage:
    """What a pack has of the catalogue: the console's coverage page and `voice-pack coverage`."""

    pack: Pack
    recorded: List[str]  # catalogue keys fully recorded (and playable)
    missing: List[str]  # never recorded, or some parts still to record
    out_of_date: List[str]  # recorded for an earlier wording of the same place
    broken: List[str]  # recorded, but a file is missing or unreadable
    unused: List[str]  # recordings of sentences the kiosk no longer says
    words_missing: List[str]

    @property
    def total(self) -> int:
        return len(self.recorded) + len(self.missing) + len(self.out_of_date) + len(self.broken)

    def as_json(self) -> Dict[str, Any]:
        return {"pack": self.pack.id, "name": self.pack.name, "language": self.pack.language,
                "total": self.total, "recorded": self.recorded, "missing": self.missing,
                "out_of_date": self.out_of_date, "broken": self.broken, "unused": self.unused,
                "words_missing": self.words_missing}


def coverage(pack: Pack, catalogue: Catalogue) -> Coverage:
    playable = {p.key for p in pack.playable_prompts()}
    old_by_id: Dict[str, str] = {i: p.key for p in pack.prompts.values() if p.key not in catalogue.prompts
                                 for i in p.ids}
    recorded, missing, out_of_date, broken = [], [], [], []
    for key, prompt in catalogue.prompts.items():
        own = pack.prompts.get(key)
        if key in playable:
            recorded.append(key)
        elif own is not None and own.complete:
            broken.append(key)
        elif own is None and any(i in old_by_id for i in prompt.ids):
            out_of_date.append(key)
        else:
            missing.append(key)
    unused = sorted(set(pack.prompts) - set(catalogue.prompts))
    words = pack.playable_words()
    words_missing = [word for word in catalogue.words if word not in words]
    return Coverage(pack, recorded, missing, out_of_date, broken, unused, words_missing)


def import_pack(source: Path, root: Path, replace: bool = False) -> Pack:
    """Copy the pack in `source` (the folder holding manifest.json) into `root`.

    The files are copied first and checked in the copy (a USB stick cannot change them after
    the check): every file the manifest lists must be there, match its SHA-256 and be a
    16 kHz mono WAV, or nothing is imported. An existing pack of the same id is replaced only
    with `replace`, and only once the new copy is complete: never half a pack."""
    incoming = Pack.load(source, check_files=False)
    target = root / incoming.id
    if target.exists() and not replace:
        raise PackError(f"a pack {incoming.id} is already on this kiosk (use --replace to update it)")
    staging = root / f".incoming-{incoming.id}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        shutil.copyfile(source / MANIFEST, staging / MANIFEST)
        for name, expected in sorted(incoming.files.items()):
            if not inside_pack(name):
                raise PackError(f"{name}: not a file inside the pack")
            if not (source / name).is_file():
                raise PackError(f"{name} is listed in the manifest but missing: nothing imported")
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, staging / name)
            if sha256_of(staging / name) != expected:
                raise PackError(f"{name} does not match its SHA-256 in the manifest (damaged or changed): "
                                "nothing imported")
            problem = wav_problem(staging / name)
            if problem:
                raise PackError(f"{name}: {problem}: nothing imported")
    except PackError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise PackError(f"could not copy the pack: {error}: nothing imported") from error
    with manifest_lock:
        previous = root / f".previous-{incoming.id}"
        shutil.rmtree(previous, ignore_errors=True)
        if target.exists():
            os.replace(target, previous)
        os.replace(staging, target)
        shutil.rmtree(previous, ignore_errors=True)
    return Pack.load(target)
