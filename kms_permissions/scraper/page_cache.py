"""Parsed pages cached by content hash, so rebuilding history after one new snapshot is fast.

An entry is keyed by the page's sha256, its kind and rendering, and a fingerprint of the
parsers' own source code: changing a parser invalidates every entry it made. The cache is
checked like any other input: each entry carries the sha256 of its page, the parser's
fingerprint, the record's type and a sha256 over all of that and its record, and one that does
not match on every count (an entry edited, cut short or written for another page) is a miss, so
the page is parsed again; a cached entry is never taken for a fact on trust.
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

ENTRY_FORMAT = "kms-permissions-parsed/2"


@cache
def parser_fingerprint() -> str:
    """sha256 over the scraper package's source files."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _seal(fields: dict[str, Any]) -> str:
    """The sha256 an entry carries: over its canonical JSON without the seal itself."""
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class PageCache:
    """A folder of parsed pages (JSON), one file per page content and parser version."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str, kind: str, rendering: str, record: type) -> Path:
        name = f"{sha256}-{kind}-{rendering}-{record.__name__}-{parser_fingerprint()}.json"
        return self.root / name

    def get(self, record: type[Any], provenance: Provenance) -> Any | None:
        """The cached record for this page content, with this page's provenance, or None
        (absent, unreadable, or not sealed for this page, parser and record type)."""
        path = self._path(provenance.sha256, provenance.kind, provenance.rendering, record)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(entry, dict):
                return None
            seal = entry.pop("sha256", None)
            expected = {
                "format": ENTRY_FORMAT,
                "page_sha256": provenance.sha256,
                "parser": parser_fingerprint(),
                "record": record.__name__,
            }
            if any(entry.get(key) != value for key, value in expected.items()):
                return None
            if seal != _seal(entry):
                return None
            data = entry["data"]
            data["provenance"] = dataclasses.asdict(provenance)
            return load(record, data)
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None

    def put(self, page: Any) -> None:
        """Store a parsed page, sealed (its provenance is not stored: the content identifies
        it)."""
        provenance: Provenance = page.provenance
        data = dataclasses.asdict(page)
        del data["provenance"]
        entry: dict[str, Any] = {
            "format": ENTRY_FORMAT,
            "page_sha256": provenance.sha256,
            "parser": parser_fingerprint(),
            "record": type(page).__name__,
            "data": data,
        }
        entry["sha256"] = _seal(entry)
        path = self._path(provenance.sha256, provenance.kind, provenance.rendering, type(page))
        atomic_write(path, json.dumps(entry, sort_keys=True).encode())
