"""The corpus's botocore models (`botocore-kms/`) and what the package index adds to them.

`botocore-kms/revisions.json` lists each model file with its first release and sha256: from
botocore's git history (a commit, its time, and `first_release`, the first tag holding it) or
from the package index (no commit; the release's distribution, its sha256 and upload time).
A model is dated by the upload time of its first release (`upload_time`); a commit that no
release shipped on its own (an earlier commit of the same first release) keeps its commit time.

`plan` reads the index and returns the files that record what it adds: the models of the
releases where the model changed after the newest one held (`update`), and with `fill` also
before the oldest one held and in each gap that the git history does not cover (a copy from
the index follows the git model before it by many releases), with every held model redated by
upload. Each distinct change is kept once, with the first release that has it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kms_permissions.scraper.corpus import mirrored
from kms_permissions.scraper.corpus_lock import CorpusError
from kms_permissions.scraper.http import Fetcher
from kms_permissions.scraper.pypi_botocore import (
    INDEX,
    Model,
    Release,
    changes,
    located,
    read_model,
    release_key,
    releases,
)

FOLDER = "botocore-kms"
LISTING = f"{FOLDER}/revisions.json"
CHECKSUMS = "SHA256SUMS"  # the layout's own list of every file's sha256
NOTE = (
    "first_release is the first botocore release holding the model (for a git commit: the first "
    "tag containing it, git describe --contains); upload_time is when that release was published "
    "on the Python package index and dates the model (a commit no release shipped on its own "
    "keeps its commit_time); entries without a commit were read from the release's distribution "
    "on the index (distribution, distribution_sha256, member); the file names carry the date "
    "each was first recorded under; the model's operation documentation is the KMS API "
    "Reference text"
)


@dataclass(frozen=True)
class Plan:
    """What the index adds: the models read, the new ones, and the layout files to write."""

    newest: Model | None
    added: tuple[Model, ...]
    files: Mapping[str, bytes]
    redated: int


def read_listing(layout: Path) -> dict[str, object]:
    """The layout's botocore listing (the whole document)."""
    where = layout / LISTING
    try:
        document = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(f"{layout}: not laid out like the source corpus (no {LISTING})") from None
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{where}: not readable as JSON ({exc})") from None
    revisions = document.get("revisions") if isinstance(document, dict) else None
    if not isinstance(revisions, list) or not all(isinstance(r, dict) for r in revisions):
        raise CorpusError(f"{where}: not a list of revisions")
    return dict(document)


def published(revisions: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    """Per first release, the entry its release shipped: the last commit before its tag, or
    the copy read from the index."""
    chosen: dict[str, dict[str, object]] = {}
    for entry in revisions:
        release = str(entry.get("first_release") or "")
        if not release_key(release):
            continue
        held = chosen.get(release)
        if held is None or _shipped_order(entry) > _shipped_order(held):
            chosen[release] = entry
    return chosen


def _shipped_order(entry: dict[str, object]) -> tuple[bool, str]:
    return (entry.get("commit") is None, str(entry.get("commit_time") or ""))


def plan(
    layout: Path,
    fetcher: Fetcher,
    fill: bool = False,
    mirrors: Mapping[str, str] | None = None,
) -> Plan:
    """The models the index adds to the layout's listing, and the files that record them."""
    mirrors = mirrors or {}
    document = read_listing(layout)
    revisions: list[dict[str, object]] = list(document["revisions"])  # type: ignore[call-overload]
    shipped = published(revisions)
    if not shipped:
        raise CorpusError(f"{layout / LISTING}: no model with a first release to start from")
    listed = releases(fetcher, mirrored(INDEX, mirrors))
    position = {release.version: i for i, release in enumerate(listed)}
    # A tag never uploaded (1.4.45 has no file on the index) keeps its commit's date.
    shipped = {version: entry for version, entry in shipped.items() if version in position}
    if not shipped:
        raise CorpusError(f"{layout / LISTING}: no model of a release the index lists")
    read: dict[str, Model | None] = {}

    def sha(release: Release) -> str | None:
        if release.version not in read:
            read[release.version] = read_model(fetcher, located(release, mirrors))
        model = read[release.version]
        return model.sha256 if model else None

    held = sorted(shipped.items(), key=lambda item: release_key(item[0]))
    spans: list[tuple[int, int, str | None, str | None]] = []
    newest_version, newest_entry = held[-1]
    newest = listed[-1]
    spans.append(
        (position[newest_version], len(listed) - 1, str(newest_entry["sha256"]), sha(newest))
    )
    if fill:
        oldest_version, oldest_entry = held[0]
        spans.append((0, position[oldest_version], sha(listed[0]), str(oldest_entry["sha256"])))
        for (low, low_entry), (high, high_entry) in itertools.pairwise(held):
            if high_entry.get("commit") is None:  # the git history covers every other gap
                ends = (str(low_entry["sha256"]), str(high_entry["sha256"]))
                spans.append((position[low], position[high], *ends))
    found: set[int] = set()
    for first, last, first_sha, last_sha in spans:
        window = listed[first : last + 1]
        found.update(first + i for i in changes(window, first_sha, last_sha, sha))
    known = {(str(e.get("first_release")), str(e.get("sha256"))) for e in revisions}
    added: list[Model] = []
    for index in sorted(found):
        model = read.get(listed[index].version) or read_model(
            fetcher, located(listed[index], mirrors)
        )
        if model is None or (model.release.version, model.sha256) in known:
            continue
        added.append(_unlocated(model, listed[index]))
    redated = 0
    if fill:
        redated = _redate(revisions, {r.version: r for r in listed})
        for version, entry in shipped.items():
            if entry.get("commit") is None and "index" not in entry:
                # A copy taken from a wheel by hand: recorded as read from the index, if the same.
                release = listed[position[version]]
                sha(release)
                model = read[version]
                if model is None or model.sha256 != entry.get("sha256"):
                    raise CorpusError(
                        f"{layout / LISTING}: {version} on the index holds another model"
                    )
                record = pypi_entry(_unlocated(model, release))[1]
                entry.update({k: v for k, v in record.items() if k not in ("file", "subject")})
                redated += 1
    files: dict[str, bytes] = {}
    for model in added:
        name, entry = pypi_entry(model)
        files[f"{FOLDER}/{name}"] = model.body
        revisions.append(entry)
    newest_model = read.get(newest.version)
    if files or redated:
        revisions.sort(key=_order, reverse=True)
        rewritten = {**document, "note": NOTE, "revisions": revisions}
        files[LISTING] = (json.dumps(rewritten, indent=1, ensure_ascii=False) + "\n").encode()
    return Plan(newest_model, tuple(added), files, redated)


def _unlocated(model: Model, release: Release) -> Model:
    """The model with the index's own release (its real URLs), for the record."""
    from dataclasses import replace

    real = next(d for d in release.distributions if d.filename == model.distribution.filename)
    return replace(model, release=release, distribution=real)


def pypi_entry(model: Model) -> tuple[str, dict[str, object]]:
    """The file name and listing entry of a model read from the index."""
    release, distribution = model.release, model.distribution
    name = f"{release.upload_time[:10]}_pypi-{release.version}.json"
    return name, {
        "file": name,
        "commit": None,
        "commit_time": release.upload_time,
        "upload_time": release.upload_time,
        "subject": f"botocore {release.version} from the Python package index: {model.member} "
        f"in {distribution.filename}",
        "first_release": release.version,
        "sha256": model.sha256,
        "index": INDEX,
        "distribution": distribution.filename,
        "distribution_url": distribution.url,
        "distribution_sha256": distribution.sha256,
        "member": model.member,
    }


def _redate(revisions: list[dict[str, object]], by_version: Mapping[str, Release]) -> int:
    """Give each shipped entry its release's upload time; the number of entries changed."""
    changed = 0
    shipped = {id(entry) for entry in published(revisions).values()}
    for entry in revisions:
        release = by_version.get(str(entry.get("first_release") or ""))
        if release is None or id(entry) not in shipped:
            continue
        if entry.get("upload_time") != release.upload_time:
            entry["upload_time"] = release.upload_time
            changed += 1
        if entry.get("commit") is None and "index" not in entry:
            # An older copy taken from a wheel by hand: its commit_time was a guess.
            entry["commit_time"] = release.upload_time
            changed += 1
    return changed


def _order(entry: dict[str, object]) -> tuple[str, str, str]:
    return (
        str(entry.get("upload_time") or entry.get("commit_time") or ""),
        str(entry.get("commit_time") or ""),
        str(entry.get("file") or ""),
    )


def refuse_conflicts(layout: Path, files: Mapping[str, bytes]) -> None:
    """A CorpusError when a model file of the plan exists already with other bytes."""
    for path, body in files.items():
        target = layout / path
        if path != LISTING and target.exists() and target.read_bytes() != body:
            raise CorpusError(f"{target}: exists with other content; not replaced")


def touched(layout: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Every file `write` writes: the plan's, and the layout's SHA256SUMS when it has one."""
    written = [layout / path for path in files]
    if files and (layout / CHECKSUMS).is_file():
        written.append(layout / CHECKSUMS)
    return written


def write(layout: Path, files: Mapping[str, bytes]) -> None:
    """Write a plan's files into the layout: new model files, and the listing replaced.

    A model file that exists already with other bytes is refused before anything is written.
    Each file is replaced atomically; a kill between them is undone by writing through a
    transaction (`commands.corpus.fill`).
    """
    from kms_permissions.files import atomic_write

    refuse_conflicts(layout, files)
    for path, body in sorted(files.items(), key=lambda item: item[0] == LISTING):
        atomic_write(layout / path, body)  # the listing last: it names the files before it
    sums = layout / CHECKSUMS
    if files and sums.is_file():
        atomic_write(sums, checksums(layout).encode())


def checksums(layout: Path) -> str:
    """The layout's `SHA256SUMS` (`<sha256>  ./<path>` per file but itself, by path)."""
    import hashlib

    from kms_permissions.scraper.corpus_lock import MARKER

    paths = sorted(
        p.relative_to(layout).as_posix()
        for p in layout.rglob("*")
        if p.is_file() and p.name not in (MARKER, CHECKSUMS)
    )
    return "".join(
        f"{hashlib.sha256((layout / path).read_bytes()).hexdigest()}  ./{path}\n" for path in paths
    )
