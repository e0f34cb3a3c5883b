"""The lock of the vendored corpus: every file's path, sha256, size, blob, upstream and licence.

`lock.json` is read strictly: a malformed lock is refused with one line naming what and where,
before anything is decoded or written. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kms_permissions.errors import SourceError

LOCK = "lock.json"
LOCK_FORMAT = "kms-permissions-corpus-lock/1"
# Written into every extracted folder (holding the lock's sha256), so that `extract` knows which
# non-empty folders it may replace; LocalSource skips dotfiles, so pages never see it.
MARKER = ".kms-permissions-corpus"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class CorpusError(SourceError):
    """The vendored corpus is missing, malformed or does not match its lock."""


@dataclass(frozen=True)
class Blob:
    """One distinct content in the archive."""

    sha256: str
    size: int


@dataclass(frozen=True)
class Entry:
    """One file of the corpus layout: where it goes, what it holds, where it came from."""

    path: str
    sha256: str
    size: int
    blob: str
    licence: str
    upstream: Mapping[str, str | None]

    @property
    def url(self) -> str | None:
        """Where the file can be fetched again, if anywhere."""
        return self.upstream.get("url")

    def origin(self) -> str:
        """A one-line statement of the upstream."""
        upstream = self.upstream
        if upstream.get("repository") and upstream.get("commit"):
            return f"{upstream['repository']} @ {upstream['commit']} {upstream.get('path', '')}"
        if upstream.get("package"):
            where = upstream.get("distribution_url") or upstream.get("url")
            return f"{upstream['package']} {upstream.get('version', '')} ({where})"
        return str(upstream.get("url") or upstream.get("note") or "no upstream")

    def to_json(self) -> dict[str, object]:
        """The entry as the lock stores it."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "bytes": self.size,
            "blob": self.blob,
            "licence": self.licence,
            "upstream": dict(self.upstream),
        }


@dataclass(frozen=True)
class Lock:
    """The parsed `lock.json` of a vendored corpus folder."""

    folder: Path
    sha256: str
    archive_sha256: str
    archive_size: int
    blobs: tuple[Blob, ...]
    files: tuple[Entry, ...]
    licences: Mapping[str, Mapping[str, str]]

    @property
    def raw_size(self) -> int:
        """The size of all distinct contents together, uncompressed."""
        return sum(blob.size for blob in self.blobs)

    def first_path(self, blob: str) -> str:
        """The first file (by path) holding `blob`."""
        return next((e.path for e in self.files if e.blob == blob), "no file")

    def select(self, paths: Iterable[str]) -> list[Entry]:
        """The entries named by `paths` (files, or folders of the layout), in lock order."""
        wanted = list(paths)
        if not wanted:
            return list(self.files)
        chosen: set[str] = set()
        for path in wanted:
            prefix = path.strip("/")
            hits = {
                e.path for e in self.files if e.path == prefix or e.path.startswith(prefix + "/")
            }
            if not prefix or not hits:
                raise CorpusError(
                    f"{path}: not a file or folder of the corpus ({self.folder / LOCK})"
                )
            chosen |= hits
        return [e for e in self.files if e.path in chosen]


def read_lock(folder: Path) -> Lock:
    """Read and check the structure of `folder`'s lock; CorpusError names what is wrong."""
    where = folder / LOCK
    try:
        raw = where.read_bytes()
    except FileNotFoundError:
        raise CorpusError(
            f"{folder}: no vendored corpus here (no {LOCK}); it ships in the source tree and "
            "the sdist, not in the wheel"
        ) from None
    except OSError as exc:
        raise CorpusError(f"{where}: {exc.strerror}") from None
    try:
        document = json.loads(raw)
    except ValueError as exc:
        raise CorpusError(f"{where}: not JSON ({exc})") from None
    return _parse_lock(document, folder, hashlib.sha256(raw).hexdigest())


def _parse_lock(document: object, folder: Path, sha256: str) -> Lock:
    where = folder / LOCK
    doc = _object(document, f"{where}")
    if doc.get("format") != LOCK_FORMAT:
        raise CorpusError(f"{where}: format is {doc.get('format')!r}, expected {LOCK_FORMAT!r}")
    archive = _object(doc.get("archive"), f"{where}: archive")
    licences = {
        str(key): {str(k): str(v) for k, v in _object(value, f"{where}: licences.{key}").items()}
        for key, value in _object(doc.get("licences"), f"{where}: licences").items()
    }
    blobs = tuple(
        _blob(_object(item, f"{where}: blobs[{i}]"), f"{where}: blobs[{i}]")
        for i, item in enumerate(_list(doc.get("blobs"), f"{where}: blobs"))
    )
    known_blobs = {blob.sha256 for blob in blobs}
    if len(known_blobs) != len(blobs):
        raise CorpusError(f"{where}: a blob is listed twice")
    files: list[Entry] = []
    for i, item in enumerate(_list(doc.get("files"), f"{where}: files")):
        entry = _entry(item, f"{where}: files[{i}]")
        place = f"{where}: {entry.path}"
        if entry.blob not in known_blobs:
            raise CorpusError(f"{place}: blob {entry.blob} is not in the blob list")
        if entry.licence not in licences:
            raise CorpusError(f"{place}: licence {entry.licence!r} is not in the licence list")
        files.append(entry)
    _check_layout([e.path for e in files], where)
    return Lock(
        folder=folder,
        sha256=sha256,
        archive_sha256=_sha(archive, "sha256", f"{where}: archive"),
        archive_size=_size(archive, "bytes", f"{where}: archive"),
        blobs=blobs,
        files=tuple(sorted(files, key=lambda e: e.path)),
        licences=licences,
    )


def _blob(doc: dict[str, object], where: str) -> Blob:
    return Blob(_sha(doc, "sha256", where), _size(doc, "bytes", where))


def _entry(item: object, where: str) -> Entry:
    doc = _object(item, where)
    path = doc.get("path")
    if not isinstance(path, str):
        raise CorpusError(f"{where}: path is missing or not a string")
    place = f"{where} ({path})"
    upstream = _object(doc.get("upstream"), f"{place}: upstream")
    if any(v is not None and not isinstance(v, str) for v in upstream.values()):
        raise CorpusError(f"{place}: upstream values must be strings or null")
    licence = doc.get("licence")
    if not isinstance(licence, str):
        raise CorpusError(f"{place}: licence is missing or not a string")
    return Entry(
        path=path,
        sha256=_sha(doc, "sha256", place),
        size=_size(doc, "bytes", place),
        blob=_sha(doc, "blob", place),
        licence=licence,
        upstream={str(k): (None if v is None else str(v)) for k, v in upstream.items()},
    )


def _check_layout(paths: list[str], where: Path) -> None:
    """Every path is a plain relative one inside the folder, once, and never also a folder."""
    seen: set[str] = set()
    folders: set[str] = set()
    for path in paths:
        parts = path.split("/")
        if (
            not path
            or "\\" in path
            or "\0" in path
            or path.startswith("/")
            or any(part in ("", ".", "..") for part in parts)
            or parts[-1] == MARKER
        ):
            raise CorpusError(f"{where}: {path!r} is not a plain relative path")
        if path in seen:
            raise CorpusError(f"{where}: {path} is listed twice")
        seen.add(path)
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
    clash = sorted(seen & folders)
    if clash:
        raise CorpusError(f"{where}: {clash[0]} is listed as a file and used as a folder")


def _object(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise CorpusError(f"{where}: expected a JSON object")
    return value


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise CorpusError(f"{where}: expected a JSON list")
    return value


def _sha(doc: dict[str, object], key: str, where: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not _SHA256.match(value):
        raise CorpusError(f"{where}: {key} is not a sha256 (64 lowercase hex digits)")
    return value


def _size(doc: dict[str, object], key: str, where: str) -> int:
    value = doc.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise CorpusError(f"{where}: {key} is not a size in bytes")
    return value
