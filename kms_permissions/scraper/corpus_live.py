"""Live pages in the corpus layout: one dated snapshot per `update` that found a change.

A snapshot is `docs-live/YYYY-MM-DD_<id7>/doc_source/<file>` (the file named as in its URL),
listed in `docs-live/revisions.json` with its id, its fetch time and, per file, the URL, sha256,
size, content type and HTTP validators. The folder names follow the archived guide's snapshots
(`kms-devguide-github/`), so `LocalSource` dates the pages by their snapshot and the guide's
notes of a page replace those of its older copies. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kms_permissions.scraper.corpus_lock import CorpusError

FOLDER = "docs-live"
LISTING = f"{FOLDER}/revisions.json"
SOURCE = (
    "The AWS KMS pages as published on docs.aws.amazon.com, fetched by kms-permissions update "
    "whenever one of them changed a fact"
)
NOTE = (
    "One snapshot per update: every page fetched that day, unmodified. 'commit' is the "
    "snapshot's id (sha256 over its files' names and hashes, 40 digits), not a git commit; "
    "'committed' is when its first page was fetched. Newest first."
)


@dataclass(frozen=True)
class LivePage:
    """One page as fetched from the live site."""

    url: str
    file: str
    body: bytes
    content_type: str
    fetched_at: str
    etag: str | None
    last_modified: str | None

    @property
    def sha256(self) -> str:
        """The sha256 of the page's bytes."""
        return hashlib.sha256(self.body).hexdigest()


def snapshot_files(layout: Path, pages: Sequence[LivePage]) -> dict[str, bytes]:
    """The files that add `pages` as one snapshot to the corpus layout at `layout`.

    Returns the new pages and the rewritten listing (layout path -> bytes). A second snapshot
    on one date follows the first by its fetch time (and the version gets the next `.N`).
    """
    if not pages:
        raise CorpusError("a snapshot of the live pages needs at least one page")
    files = [page.file for page in pages]
    if len(set(files)) != len(files) or any("/" in f or f.startswith(".") for f in files):
        raise CorpusError(f"live pages need distinct plain file names: {files}")
    fetched_at = min(page.fetched_at for page in pages)
    date = fetched_at[:10]
    revisions: list[dict[str, object]] = list(read_listing(layout)["revisions"])
    ordered = sorted(pages, key=lambda p: p.file)
    digest = hashlib.sha256("".join(f"{p.file} {p.sha256}\n" for p in ordered).encode())
    snapshot_id = digest.hexdigest()[:40]
    folder = f"{date}_{snapshot_id[:7]}"
    entry: dict[str, object] = {
        "dir": folder,
        "commit": snapshot_id,
        "committed": fetched_at,
        "files": [p.file for p in ordered],
        "fetched": [
            {
                "file": p.file,
                "url": p.url,
                "sha256": p.sha256,
                "bytes": len(p.body),
                "content_type": p.content_type,
                "fetched_at": p.fetched_at,
                "etag": p.etag,
                "last_modified": p.last_modified,
            }
            for p in ordered
        ],
    }
    if any(r.get("dir") == folder for r in revisions):
        raise CorpusError(f"{FOLDER}/{folder}: this snapshot is in the corpus already")
    revisions.sort(key=lambda r: (str(r.get("committed", "")), str(r.get("dir", ""))), reverse=True)
    document = {"source": SOURCE, "note": NOTE, "revisions": [entry, *revisions]}
    written = {f"{FOLDER}/{folder}/doc_source/{p.file}": p.body for p in ordered}
    written[LISTING] = (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode()
    return written


def read_listing(layout: Path) -> dict[str, list[dict[str, object]]]:
    """The snapshots listed at `layout` (none when the corpus holds no live page yet)."""
    where = layout / LISTING
    try:
        document = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"revisions": []}
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{where}: not readable as JSON ({exc})") from None
    revisions = document.get("revisions") if isinstance(document, dict) else None
    if not isinstance(revisions, list) or not all(isinstance(r, dict) for r in revisions):
        raise CorpusError(f"{where}: not a list of snapshots")
    return {"revisions": revisions}


def upstream(layout: Path, path: str, body: bytes) -> dict[str, str | None]:
    """The upstream of the live page at `path` (`docs-live/<dir>/doc_source/<file>`)."""
    parts = path.split("/")
    where = layout / path
    if len(parts) != 4 or parts[0] != FOLDER or parts[2] != "doc_source":
        raise CorpusError(f"{where}: not where live pages go ({FOLDER}/<dir>/doc_source/<file>)")
    for revision in read_listing(layout)["revisions"]:
        if revision.get("dir") != parts[1]:
            continue
        fetched = revision.get("fetched")
        for item in fetched if isinstance(fetched, list) else []:
            if isinstance(item, dict) and item.get("file") == parts[3]:
                return _checked(item, where, body, str(revision.get("commit")))
        break
    raise CorpusError(f"{where}: not listed in {LISTING}")


def _checked(
    item: dict[str, object], where: Path, body: bytes, snapshot: str
) -> dict[str, str | None]:
    actual = hashlib.sha256(body).hexdigest()
    if item.get("sha256") != actual:
        raise CorpusError(f"{where}: sha256 {actual}, {LISTING} says {item.get('sha256')}")
    url, fetched_at = item.get("url"), item.get("fetched_at")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise CorpusError(f"{where}: its {LISTING} entry has no https url")
    if not isinstance(fetched_at, str):
        raise CorpusError(f"{where}: its {LISTING} entry has no fetched_at")
    optional = {key: item.get(key) for key in ("etag", "last_modified")}
    return {
        "url": url,
        "date": fetched_at,
        "snapshot": snapshot,
        **{key: value if isinstance(value, str) else None for key, value in optional.items()},
    }
