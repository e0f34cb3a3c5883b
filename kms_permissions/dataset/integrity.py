"""A dataset folder's integrity: its manifest, and every file checked against it.

Standard library only: the read path (`load()`, lookups, checks) verifies a folder with it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from kms_permissions.errors import KmsPermissionsError

MANIFEST = "manifest.json"
FORMAT = "kms-permissions-dataset/1"


class IntegrityError(KmsPermissionsError):
    """A dataset folder whose files do not match its manifest."""


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's manifest, or IntegrityError when it is missing or unreadable."""
    path = folder / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        raise IntegrityError(f"{path}: no manifest; not a kms-permissions dataset") from None
    except ValueError as exc:
        raise IntegrityError(f"{path}: not valid JSON ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise IntegrityError(f"{path}: format {manifest.get('format')!r}, expected {FORMAT}")
    return manifest


def verify(folder: Path) -> dict[str, Any]:
    """Check every file against the manifest's sha256; raise naming the first bad file."""
    manifest = read_manifest(folder)
    listed = {entry["path"] for entry in manifest["files"]}
    for entry in manifest["files"]:
        path = folder / entry["path"]
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise IntegrityError(f"{path}: listed in the manifest but missing") from None
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise IntegrityError(f"{path}: sha256 does not match the manifest (file changed)")
    present = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file()
        and p.name != MANIFEST
        and "__pycache__" not in p.parts
        and not p.name.startswith(".")
    }
    extra = sorted(present - listed)
    if extra:
        raise IntegrityError(f"{folder / extra[0]}: not listed in the manifest (extra file)")
    return manifest
