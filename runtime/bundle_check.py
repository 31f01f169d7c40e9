"""Check a bundle against its manifest while unpacking it, and refuse it at the first wrong byte.

A bundle arrives on a USB stick that may have been written badly, pulled out early or copied
from a damaged file. The manifest comes first in the archive; every file after it is hashed
as it is unpacked into a staging folder beside the install, and the install goes on only when
every file matched and none was missing or extra. The message names the first file that
did not match, so staff can tell the centre which copy is bad.

The hashes catch damage, not a deliberate forgery (whoever can change a file can change the
manifest too); the `.sha256` published beside the bundle covers the whole archive.
Standard library only: this runs with the bare system Python on a kiosk's first install.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
from pathlib import Path, PurePosixPath
from typing import Any, Dict, Optional

from runtime.install_layout import PRODUCT
from runtime.version import valid_version

BUNDLE_FORMAT = 1
MANIFEST = "MANIFEST.json"
BLOCK = 1 << 20


class BundleError(RuntimeError):
    """The bundle is refused; the message names the file and what is wrong with it."""


def _manifest(archive: tarfile.TarFile, bundle: Path) -> Dict[str, Any]:
    try:
        first = archive.next()
        if first is None or not first.isfile() or PurePosixPath(first.name).name != MANIFEST:
            raise BundleError(f"{bundle.name} is not a kiosk bundle: it does not start with {MANIFEST}")
        source = archive.extractfile(first)
        manifest = json.loads(source.read() if source else b"")
    except (tarfile.TarError, ValueError) as error:
        raise BundleError(f"{MANIFEST} in {bundle.name} is damaged or cut short ({error}). Nothing was "
                          "installed; copy the bundle again.") from error
    if not isinstance(manifest, dict) or manifest.get("product") != PRODUCT:
        raise BundleError(f"{bundle.name} is not a kiosk bundle (its manifest names another product)")
    if manifest.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"{bundle.name} has bundle format {manifest.get('format')}; this installer reads "
                          f"format {BUNDLE_FORMAT}. Install it with the installer inside it.")
    version = str(manifest.get("version", ""))
    if not valid_version(version) or first.name != f"{PRODUCT}-{version}/{MANIFEST}":
        raise BundleError(f"{MANIFEST} in {bundle.name} is damaged: version {version!r}")
    if not isinstance(manifest.get("files"), dict):
        raise BundleError(f"{MANIFEST} in {bundle.name} is damaged: no file list")
    return manifest


def _relative(member: tarfile.TarInfo, top: str) -> str:
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] != top:
        raise BundleError(f"{member.name}: outside the bundle's folder")
    return "/".join(path.parts[1:])


def _copy_hashed(source, target: Path, size: int, name: str) -> str:
    digest = hashlib.sha256()
    written = 0
    with open(target, "wb") as sink:
        for block in iter(lambda: source.read(BLOCK), b""):
            digest.update(block)
            sink.write(block)
            written += len(block)
    if written != size:
        raise BundleError(f"{name} is cut short: the archive ends inside it. Nothing was installed; "
                          "copy the bundle again.")
    return digest.hexdigest()


def unpack_verified(bundle: Path, staging: Path) -> Dict[str, Any]:
    """Unpack `bundle` into `staging` (made empty first) checking every file; return its manifest.

    On any mismatch the staging folder is removed again and BundleError names the file.
    """
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        return _unpack(bundle, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _unpack(bundle: Path, staging: Path) -> Dict[str, Any]:
    try:
        archive = tarfile.open(bundle, "r:")  # noqa: SIM115 (closed below) plain tar: nothing decompressed blindly
    except (OSError, tarfile.TarError) as error:
        raise BundleError(f"{bundle} cannot be read as a bundle: {error}") from error
    with archive:
        manifest = _manifest(archive, bundle)
        top = f"{PRODUCT}-{manifest['version']}"
        expected: Dict[str, Dict[str, Any]] = manifest["files"]
        seen = set()
        last: Optional[str] = None
        reading = MANIFEST
        try:
            for member in archive:  # from the start again: the manifest comes round once more
                relative = _relative(member, top)
                if member.isdir() or relative == MANIFEST:
                    continue
                if not member.isfile():
                    raise BundleError(f"{relative}: not a plain file (links and devices are refused)")
                entry = expected.get(relative)
                if entry is None:
                    raise BundleError(f"{relative}: not listed in {MANIFEST}")
                if relative in seen:
                    raise BundleError(f"{relative}: twice in the bundle")
                target = staging / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                reading = relative
                digest = _copy_hashed(archive.extractfile(member), target, member.size, relative)
                if member.size != entry.get("size") or digest != entry.get("sha256"):
                    raise BundleError(f"{relative} does not match {MANIFEST} (SHA-256 {digest[:16]}…, expected "
                                      f"{str(entry.get('sha256'))[:16]}…): this copy of the bundle is damaged. "
                                      "Nothing was installed; copy the bundle again.")
                os.chmod(target, 0o755 if member.mode & 0o111 else 0o644)
                os.utime(target, (member.mtime, member.mtime))
                seen.add(relative)
                last = relative
        except tarfile.TarError as error:
            raise BundleError(f"{reading} is cut short in {bundle.name} ({error}; the last whole file is "
                              f"{last or MANIFEST}). Nothing was installed; copy the bundle again.") from error
    missing = sorted(set(expected) - seen)
    if missing:
        raise BundleError(f"{missing[0]} is missing from {bundle.name} ({len(missing)} files missing; the copy "
                          f"stops after {last or MANIFEST}). Nothing was installed; copy the bundle again.")
    return manifest
