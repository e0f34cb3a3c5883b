"""Staying current: the live pages into the corpus, and a new dataset version from the corpus.

1. Read the vendored corpus and the bundled dataset (both checked against their hashes).
2. Every source of the update fetches and parses its pages; a page a parser refuses, or two
   renderings of one page that disagree, stop here. Nothing new: done (unchanged).
3. In a temporary folder: the corpus layout with the new pages, the whole history built from it
   as `history --corpus` builds it (so that a fresh clone rebuilds the same bytes from corpus/
   alone), published with every guard (validation, the shrink guard, the version rules), the
   facts compared with the bundled dataset's. The same facts: done (unchanged).
4. The new vendored corpus written and verified (every hash; it extracts to the layout built
   from), the new dataset verified.
5. One transaction: the corpus, the dataset, the generated files and the notes are replaced
   together or not at all.

Any refusal before step 5 leaves the working tree untouched; a failure in step 5 is rolled back.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kms_permissions.dataset.build import changelog, history_of, load_records, publish
from kms_permissions.dataset.diff import Diff, diff
from kms_permissions.dataset.integrity import MANIFEST, read_manifest, verify
from kms_permissions.dataset.io import read_dataset
from kms_permissions.dataset.memory import Dataset
from kms_permissions.dataset.transaction import JOURNAL, InPlace, Transaction
from kms_permissions.errors import KmsPermissionsError
from kms_permissions.files import check_output, output_path
from kms_permissions.scraper import corpus as vendored_corpus
from kms_permissions.scraper.corpus_build import build as build_corpus
from kms_permissions.scraper.corpus_build import check_replaceable
from kms_permissions.scraper.corpus_lock import CorpusError
from kms_permissions.scraper.page_cache import PageCache
from kms_permissions.scraper.update_sources import SOURCES, Collected, UpdateSource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.scraper.http import Fetcher

FORMAT = "kms-permissions-update/1"
UNCHANGED, NEW_VERSION = 0, 3
NOTES_CHANGELOG = "CHANGELOG-section.md"
NOTES_DIFF = "diff.json"


class UpdateError(KmsPermissionsError):
    """An update refused: what it found wrong, and where."""


@dataclass(frozen=True)
class Outcome:
    """What an update did: nothing (0) or a new version (3), and why."""

    status: int
    previous_version: str
    version: str | None
    collected: tuple[Collected, ...]
    change: Diff | None = None
    section: str | None = None
    folders: tuple[str, ...] = ()  # replaced: the corpus, the dataset, the notes
    files: tuple[str, ...] = ()  # generated: the constants, the version, the site pages
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        """The `kms-permissions-update/1` document."""
        return {
            "format": FORMAT,
            "status": "new-version" if self.status == NEW_VERSION else "unchanged",
            "reason": self.reason,
            "previous_version": self.previous_version,
            "version": self.version,
            "sources": [
                {
                    "name": c.source,
                    "changed": c.changed,
                    "pages": [
                        {
                            "location": item.location,
                            "sha256": item.sha256,
                            "bytes": item.size,
                            "held": item.held,
                            "changed": item.changed,
                        }
                        for item in c.items
                    ],
                }
                for c in self.collected
            ],
            "diff": self.change.to_json() if self.change else None,
            "changelog": self.section,
            "written": {"folders": list(self.folders), "files": list(self.files)},
            "error": None,
        }


def refused(message: str) -> dict[str, Any]:
    """The `kms-permissions-update/1` document of a refusal (nothing was written)."""
    return {
        "format": FORMAT,
        "status": "refused",
        "reason": "",
        "previous_version": None,
        "version": None,
        "sources": [],
        "diff": None,
        "changelog": None,
        "written": {"folders": [], "files": []},
        "error": message,
    }


def run_update(
    corpus: Path,
    data: Path,
    fetcher: Fetcher,
    regenerate: InPlace,
    *,
    sources: Sequence[UpdateSource] = SOURCES,
    mirrors: Mapping[str, str] | None = None,
    cache: PageCache | None = None,
    allow_shrink: bool = False,
    notes: Path | None = None,
) -> Outcome:
    """Update the corpus at `corpus` and the dataset at `data` from `sources` (see the module)."""
    current = read_dataset(data)
    check_replaceable(corpus)
    _check_own_dataset(data)
    notes_dir = _notes_target(notes, corpus, data) if notes is not None else None
    work = Path(tempfile.mkdtemp(prefix="kms-permissions-update-"))
    try:
        layout = work / vendored_corpus.ROOT_NAME  # the dataset records page locations under it
        vendored_corpus.extract(corpus, layout)
        found = []
        for source in sources:
            found.append(source.collect(layout, fetcher, mirrors or {}))
            # Into the temporary layout at once: the next source compares with what this one
            # adds (the index and the installed botocore both extend botocore-kms/).
            _add_files(layout, found[-1].files)
        collected = tuple(found)
        if not any(c.changed for c in collected):
            reason = "every page is as the corpus holds it"
            return Outcome(UNCHANGED, current.version, None, collected, reason=reason)
        candidate, version, notes_text = _build(layout, work / "data", data, cache, allow_shrink)
        change = diff(current, candidate)
        if change.is_empty():
            reason = "pages changed, no fact did; nothing recorded"
            return Outcome(UNCHANGED, current.version, None, collected, reason=reason)
        verify(work / "data")
        _build_vendored(layout, work / "vendored")
        section = top_section(notes_text)
        transaction = Transaction(journal_path(corpus))
        transaction.replace_folder(corpus, work / "vendored")
        transaction.replace_folder(data, work / "data")
        transaction.run_in_place(regenerate)
        if notes_dir is not None:
            transaction.replace_folder(notes_dir, _notes(section, change))
        folders, files = transaction.commit()
        return Outcome(
            NEW_VERSION,
            current.version,
            version,
            collected,
            change,
            section,
            tuple(_relative(path, corpus.parent) for path in folders),
            tuple(_relative(path, corpus.parent) for path in files),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def journal_path(corpus: Path) -> Path:
    """The journal of update's transaction: in the checkout, beside the corpus."""
    return corpus.parent / JOURNAL


def _build(
    layout: Path, out: Path, data: Path, cache: PageCache | None, allow_shrink: bool
) -> tuple[Dataset, str, bytes]:
    """The candidate version with its history and changelog, as `history --corpus` builds it."""
    history = history_of(load_records(str(layout), None, cache))
    notes_text = changelog(history)
    dataset = history.newest()
    dataset.tables["history"] = history.rows
    dataset.sort()
    date, _ = history.versions[-1]
    extra = {"CHANGELOG.md": notes_text}
    version = publish(dataset, out, date, data, allow_shrink, extra)
    return dataset, version, notes_text


def _notes(section: str, change: Diff) -> dict[str, bytes]:
    """The files of --notes: the new CHANGELOG section (a pull request's body) and the diff."""
    return {
        NOTES_CHANGELOG: section.encode(),
        NOTES_DIFF: (json.dumps(change.to_json(), indent=1) + "\n").encode(),
    }


def _build_vendored(layout: Path, out: Path) -> None:
    """The vendored copy of the layout, checked: every hash, and it extracts to the layout."""
    lock = build_corpus(layout, out)
    problems = vendored_corpus.verify(out).problems
    difference = vendored_corpus.check_extracted(layout, lock)
    if problems or difference:
        first = problems[0] if problems else difference
        raise CorpusError(f"the new vendored corpus does not verify: {first}")


def _add_files(layout: Path, files: Mapping[str, bytes]) -> None:
    for name, body in files.items():
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise CorpusError(f"{name!r}: not a path inside the corpus layout")
        target = layout.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)


def _check_own_dataset(data: Path) -> None:
    """The dataset folder holds only what its manifest lists: replacing it loses nothing else."""
    listed = {entry["path"] for entry in read_manifest(data)["files"]} | {MANIFEST}
    for path in sorted(data.rglob("*")):
        name = path.relative_to(data).as_posix()
        if not path.is_dir() and name not in listed:
            raise UpdateError(f"{path}: not part of the dataset; move it away to update")


def _notes_target(notes: Path, corpus: Path, data: Path) -> Path:
    """The notes folder: new or empty, and neither in nor around what the update replaces."""
    target = output_path(notes, "--notes")
    inputs = {"corpus": corpus, "dataset": data}
    check_output(
        target, folder=True, ours=lambda _: False, inputs=inputs, mine="new or empty folder"
    )
    return target


def top_section(changelog_text: bytes) -> str:
    """The newest section of a CHANGELOG.md (`## version (date)` up to the next one)."""
    text = changelog_text.decode()
    start = text.find("\n## ")
    if start < 0:
        raise UpdateError("the new CHANGELOG.md has no version section")
    end = text.find("\n## ", start + 1)
    return text[start + 1 : end + 1 if end >= 0 else None]


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
