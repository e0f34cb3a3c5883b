"""Parsed pages cached by content hash, so rebuilding history after one new snapshot is fast.

An entry is keyed by the page's sha256, its kind and rendering, and a fingerprint of the
parsers' own source code: changing a parser invalidates every entry it made.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from kms_permissions.files import atomic_write
from kms_permissions.scraper.records import Provenance
from kms_permissions.scraper.serialize import load


@cache
def parser_fingerprint() -> str:
    """sha256 over the scraper package's source files."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class PageCache:
    """A folder of parsed pages (JSON), one file per page content and parser version."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str, kind: str, rendering: str, record: type) -> Path:
        name = f"{sha256}-{kind}-{rendering}-{record.__name__}-{parser_fingerprint()}.json"
        return self.root / name

    def get(self, record: type[Any], provenance: Provenance) -> Any | None:
        """The cached record for this page content, with this page's provenance, or None."""
        path = self._path(provenance.sha256, provenance.kind, provenance.rendering, record)
        try:
            data = json.loads(path.read_text())
            data["provenance"] = dataclasses.asdict(provenance)
            return load(record, data)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, page: Any) -> None:
        """Store a parsed page (its provenance is not stored: the content identifies it)."""
        provenance: Provenance = page.provenance
        data = dataclasses.asdict(page)
        del data["provenance"]
        path = self._path(provenance.sha256, provenance.kind, provenance.rendering, type(page))
        atomic_write(path, json.dumps(data, sort_keys=True).encode())
