"""The vendored source corpus: each distinct page once, compressed, with a lock of every file.

`corpus/` in the source tree holds `blobs.xz` (every distinct content once, concatenated in the
lock's blob order, xz-compressed), `lock.json` (every file of the corpus layout: its path, sha256,
size, the blob holding it, its upstream and licence) and `NOTICE`. This module reads, verifies,
extracts and re-fetches it; `corpus_build` writes it. Standard library only: the tests and the
dataset rebuild read the corpus without the scraping extras.
"""

from __future__ import annotations

import hashlib
import lzma
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from kms_permissions.errors import FetchError, OutputError
from kms_permissions.files import (
    check_inputs,
    describe,
    exclusive,
    remove_leftovers,
    replacing_folder,
)
from kms_permissions.scraper.corpus_lock import LOCK, MARKER, CorpusError, Entry, Lock, read_lock

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.scraper.http import Fetcher

VENDORED = Path(__file__).resolve().parents[2] / "corpus"
ARCHIVE = "blobs.xz"
NOTICE = "NOTICE"
# An extracted folder is named like this: the dataset records page locations under it.
ROOT_NAME = "corpus"
# Beside it, the lock extractions into one cache folder take turns on.
LOCK_FILE = ".extracting.lock"


@dataclass(frozen=True)
class Report:
    """What `verify` found: the lock, and one line per problem (none when all is well)."""

    lock: Lock
    problems: tuple[str, ...]


def verify(folder: Path = VENDORED) -> Report:
    """Check the archive, every blob and every file of the lock; one line per problem."""
    lock = read_lock(folder)
    _, problems = _contents(lock)
    if not (folder / NOTICE).is_file():
        problems.append(f"{folder / NOTICE}: missing (the attribution the licences require)")
    return Report(lock, tuple(problems))


def _contents(lock: Lock) -> tuple[dict[str, bytes], list[str]]:
    """The blobs that match their hashes, and a line for every mismatch on the way."""
    where = lock.folder / ARCHIVE
    try:
        data = where.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{where}: {exc.strerror}") from None
    problems: list[str] = []
    actual = hashlib.sha256(data).hexdigest()
    if actual != lock.archive_sha256:
        problems.append(f"{where}: sha256 expected {lock.archive_sha256}, actual {actual}")
    raw, error = _decompress(data, lock.raw_size)
    if error:
        problems.append(f"{where}: undecodable after {len(raw)} of {lock.raw_size} bytes ({error})")
    elif len(raw) != lock.raw_size:
        problems.append(f"{where}: holds {len(raw)} bytes, the lock's blobs {lock.raw_size}")
    contents: dict[str, bytes] = {}
    offset = 0
    for index, blob in enumerate(lock.blobs):
        piece = raw[offset : offset + blob.size]
        offset += blob.size
        if len(piece) == blob.size and hashlib.sha256(piece).hexdigest() == blob.sha256:
            contents[blob.sha256] = piece
            continue
        actual = hashlib.sha256(piece).hexdigest()
        problem = (
            f"{where}: blob {blob.sha256} ({lock.first_path(blob.sha256)}): "
            f"sha256 expected {blob.sha256}, actual {actual}"
        )
        if len(piece) < blob.size:
            later = len(lock.blobs) - index - 1
            problems.append(f"{problem} ({len(piece)} of {blob.size} bytes; {later} more missing)")
            break
        problems.append(problem)
    for entry in lock.files:
        content = contents.get(entry.blob)
        if content is None:
            continue  # the blob's problem is reported above
        place = f"{lock.folder / LOCK}: {entry.path}"
        if entry.sha256 != entry.blob:
            problems.append(
                f"{place}: sha256 expected {entry.sha256}, actual {entry.blob} (its blob's content)"
            )
        elif entry.size != len(content):
            problems.append(f"{place}: bytes expected {entry.size}, actual {len(content)}")
    return contents, problems


def _decompress(data: bytes, limit: int) -> tuple[bytes, str | None]:
    """Decode as far as the data allows, and never past `limit` bytes (the lock's sizes: an
    archive that holds more is wrong, and may be a bomb): (what came out, the error that stopped
    it or None)."""
    decoder = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    out = bytearray()
    step = 512  # small steps, so that a damaged archive still yields everything before the damage
    fed = 0
    try:
        for start in range(0, len(data), step):
            if decoder.eof:
                break
            chunk = data[start : start + step]
            fed = start + len(chunk)
            while True:
                out += decoder.decompress(chunk, max_length=limit + 1 - len(out))
                chunk = b""
                if len(out) > limit:
                    return bytes(out[:limit]), f"holds more than the lock's {limit} bytes"
                if decoder.eof or decoder.needs_input:
                    break
    except lzma.LZMAError as exc:
        return bytes(out), str(exc)
    if not decoder.eof:
        return bytes(out), "the archive ends early"
    after = len(data) - fed + len(decoder.unused_data)
    if after:
        return bytes(out), f"{after} bytes after the end of the archive"
    return bytes(out), None


def extract(folder: Path, out: Path) -> Lock:
    """Write the corpus layout into `out` through a temporary folder and a rename.

    `out` must be absent, empty, or a folder this function wrote before (it holds the marker
    and only files of the lock); anything else is refused. Nothing is written unless every
    blob and file matches the lock.
    """
    lock = read_lock(folder)
    contents, problems = _contents(lock)
    if problems:
        more = f" (and {len(problems) - 1} more; see kms-permissions corpus verify)"
        raise CorpusError(problems[0] + (more if len(problems) > 1 else ""))
    check_inputs(out, {"--vendored": folder})
    _check_replaceable(out, lock)
    files = {entry.path: contents[entry.blob] for entry in lock.files}
    write_folder(out, {**files, MARKER: f"{lock.sha256}\n".encode()})
    return lock


def _check_replaceable(out: Path, lock: Lock) -> None:
    try:
        mode = os.lstat(out).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:  # a parent that is a file, no permission: nothing is written
        raise CorpusError(f"{out}: not written ({exc.strerror})") from None
    if not stat.S_ISDIR(mode):  # a link too: it is the user's, never renamed away
        raise CorpusError(f"{out}: is {describe(mode)}, not a folder; refusing to replace it")
    present = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir())
    if not present:
        return
    if MARKER not in present:
        raise CorpusError(f"{out}: not empty and not a corpus extracted by kms-permissions")
    ours = {e.path for e in lock.files} | {MARKER}
    foreign = [path for path in present if path not in ours]
    if foreign:
        raise CorpusError(f"{out}: holds {foreign[0]}, which kms-permissions did not extract")


def write_folder(target: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` (relative path -> bytes) as the folder `target`, staged beside it first.

    `target` must be absent, empty, or checked by the caller as its own to replace.
    """
    try:
        with replacing_folder(target) as staged:
            for path, body in files.items():
                (staged / path).parent.mkdir(parents=True, exist_ok=True)
                (staged / path).write_bytes(body)
    except OutputError as exc:
        raise CorpusError(str(exc)) from None


def check_extracted(root: Path, lock: Lock) -> str | None:
    """The first difference between an extracted folder and the lock, or None."""
    expected = {e.path: e for e in lock.files}
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir()}
    present.discard(MARKER)
    odd = sorted(present ^ expected.keys())
    if odd:
        return f"{odd[0]}: {'not in the lock' if odd[0] in present else 'missing'}"
    for path, entry in sorted(expected.items()):
        actual = hashlib.sha256((root / path).read_bytes()).hexdigest()
        if actual != entry.sha256:
            return f"{path}: sha256 expected {entry.sha256}, actual {actual}"
    return None


def extracted_corpus(cache: Path | None = None, folder: Path = VENDORED) -> Path:
    """A checked, extracted copy of the corpus, named `corpus`; extracted once per lock.

    Copies live under `cache` (default: the user's cache folder) in a folder named after the
    lock's sha256, which pins the archive's sha256 and every path.
    """
    lock = read_lock(folder)
    home = (cache or default_cache_dir()) / lock.sha256[:16]
    root = home / ROOT_NAME
    if not root.exists():
        # One extraction at a time (parallel test workers, two commands): the others wait, then
        # find the copy. It appears whole by a rename and is never replaced here, so readers
        # never see a half-written or swapped folder; a killed run leaves only a staging folder.
        with exclusive(home / LOCK_FILE):
            if not root.exists():
                remove_leftovers(root)
                extract(folder, root)
    problem = check_extracted(root, lock)
    if problem:
        raise CorpusError(f"{root}: differs from the lock ({problem}); remove {home} to extract")
    return root


def default_cache_dir() -> Path:
    """Where extracted copies are kept: the user's cache folder."""
    # platformdirs would do this, but it is a scraping extra; the corpus needs none.
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "kms-permissions" / "corpus"


@dataclass(frozen=True)
class Refetched:
    """One entry checked against its upstream: match, mismatch, unreachable or no upstream."""

    path: str
    url: str | None
    status: str
    detail: str


def refetch(
    entries: Iterable[Entry], fetcher: Fetcher, mirrors: Mapping[str, str] | None = None
) -> Iterator[Refetched]:
    """Fetch each entry from its upstream URL and compare hashes, one result per entry.

    `mirrors` maps URL prefixes to replacements (a local mirror, or the tests' loopback server).
    """
    for entry in entries:
        if not entry.url:
            yield Refetched(entry.path, None, "no upstream", "kept with the corpus only")
            continue
        url = mirrored(entry.url, mirrors or {})
        try:
            body = fetcher.get(url).body
        except FetchError as exc:
            yield Refetched(entry.path, url, "unreachable", str(exc).removeprefix(f"{url}: "))
            continue
        actual = hashlib.sha256(body).hexdigest()
        if actual == entry.sha256:
            yield Refetched(entry.path, url, "match", f"sha256 {actual}")
        else:
            detail = f"sha256 expected {entry.sha256}, actual {actual} ({len(body)} bytes)"
            yield Refetched(entry.path, url, "mismatch", detail)


def mirrored(url: str, mirrors: Mapping[str, str]) -> str:
    """`url` with the first matching prefix of `mirrors` replaced (a mirror or a test server)."""
    for prefix, replacement in mirrors.items():
        if url.startswith(prefix):
            return replacement + url[len(prefix) :]
    return url
