"""Botocore's releases on the Python package index as a source of KMS models, dated by upload.

The index's simple API (JSON, PEP 691 and 700) lists every release's files with their upload
time, size and sha256. A release's KMS model is read from its wheel with HTTP range requests:
the zip's end record and central directory, then the one member (a few hundred KB instead of
the whole 16 MB wheel); the member's CRC-32 checks what was read. A server that ignores ranges
gets the whole wheel, and a release with no wheel (before 1.0) its sdist, whole, checked
against the index's sha256. Releases are final ones (`N.N.N`, not yanked), dated by the
earliest upload of their files.

`changes` bisects between two releases whose models are known: where the two ends hold the same
model, the releases between them are taken to hold it too (a model that changed and changed
back between two releases is not seen; the index does not say otherwise without reading
every release).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import tarfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kms_permissions.errors import FetchError, SourceError
from kms_permissions.scraper.http import Fetcher, redact

INDEX = "https://pypi.org/simple/botocore/"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
PREFIX = "pypi-botocore:"
# A whole botocore wheel or sdist is 5-17 MB; the cap leaves room without being unbounded.
MAX_DISTRIBUTION_BYTES = 64 * 1024 * 1024
MAX_MODEL_BYTES = 8 * 1024 * 1024
_VERSION = re.compile(r"\d+\.\d+\.\d+")
# Wheels and tar.gz sdists (botocore never published another kind of file).
_FILE = re.compile(r"botocore-(?P<version>[^-]+?)(?:-py[^/]*\.whl|\.tar\.gz)")
# The KMS model's place in the package: `data/kms/<api>/service-2.json[.gz]` since 0.107.0,
# `data/aws/kms/<api>.api.json` or `.normal.json` before.
_MEMBER = re.compile(
    r"(?:[^/]+/)?botocore/data/(?:kms/\d{4}-\d{2}-\d{2}/service-2\.json(?:\.gz)?"
    r"|aws/kms/\d{4}-\d{2}-\d{2}\.(?:normal|api)\.json)"
)
_WINDOW = 256 * 1024  # bytes asked for at a time: the member usually fits in one request


@dataclass(frozen=True)
class Distribution:
    """One file of a release on the index."""

    filename: str
    url: str
    sha256: str
    size: int
    upload_time: str

    @property
    def wheel(self) -> bool:
        """Whether this is a wheel (a zip, read by ranges)."""
        return self.filename.endswith(".whl")


@dataclass(frozen=True)
class Release:
    """A final release with its files; its date is its first upload."""

    version: str
    upload_time: str
    distributions: tuple[Distribution, ...]

    @property
    def key(self) -> tuple[int, ...]:
        """The release's numbers, for ordering."""
        return release_key(self.version)

    def distribution(self) -> Distribution:
        """The file the model is read from: a wheel when there is one, else the sdist."""
        return min(self.distributions, key=lambda d: (not d.wheel, d.filename))


@dataclass(frozen=True)
class Model:
    """A release's KMS model, where it was read from, and what reading it cost."""

    release: Release
    distribution: Distribution
    member: str
    body: bytes
    fetched: int  # bytes that came over the network
    requests: int
    ranged: bool

    @property
    def sha256(self) -> str:
        """The sha256 of the model (decompressed)."""
        return hashlib.sha256(self.body).hexdigest()


def release_key(version: str) -> tuple[int, ...]:
    """`1.44.8` -> (1, 44, 8); () for anything that is not a final release number."""
    return tuple(int(p) for p in version.split(".")) if _VERSION.fullmatch(version) else ()


def releases(fetcher: Fetcher, index: str = INDEX) -> list[Release]:
    """Every final release on the index, oldest first."""
    from kms_permissions import jsonfast

    response = fetcher.get(index, (SIMPLE_JSON,), {"Accept": SIMPLE_JSON})
    try:
        document = jsonfast.loads(response.body)
        files = document["files"]
        if not isinstance(files, list):
            raise TypeError("files is not a list")
        found: dict[str, list[Distribution]] = {}
        for item in files:
            if item.get("yanked"):
                continue
            match = _FILE.fullmatch(str(item["filename"]))
            if match is None or not release_key(match.group("version")):
                continue
            time = item.get("upload-time")
            if not isinstance(time, str) or not time:
                raise TypeError(f"{item['filename']} has no upload-time (api-version 1.1)")
            found.setdefault(match.group("version"), []).append(
                Distribution(
                    filename=str(item["filename"]),
                    url=_absolute(index, str(item["url"])),
                    sha256=str(item["hashes"]["sha256"]),
                    size=int(item["size"]),
                    upload_time=_iso(time),
                )
            )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise FetchError(
            f"{redact(index)}: not a PEP 691 simple API project page ({exc})"
        ) from None
    listed = [
        Release(version, min(d.upload_time for d in dists), tuple(dists))
        for version, dists in found.items()
    ]
    return sorted(listed, key=lambda r: r.key)


def _absolute(index: str, url: str) -> str:
    from urllib.parse import urljoin

    return urljoin(index, url)


def _iso(time: str) -> str:
    """An upload time to the second, in UTC (`2015-05-07T21:24:56+00:00`)."""
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(time.replace("Z", "+00:00"))
    except ValueError:
        raise TypeError(f"upload-time {time!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise TypeError(f"upload-time {time!r} has no time zone")
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def read_model(fetcher: Fetcher, release: Release) -> Model | None:
    """The release's KMS model, or None when the release has none (botocore before 0.72.0)."""
    distribution = release.distribution()
    if distribution.size > MAX_DISTRIBUTION_BYTES:
        raise FetchError(
            f"{redact(distribution.url)}: the index gives {distribution.size} bytes, over the "
            f"{MAX_DISTRIBUTION_BYTES}-byte cap of a distribution"
        )
    if distribution.wheel:
        return _from_wheel(fetcher, release, distribution)
    return _from_sdist(fetcher, release, distribution)


class _RangeFile(io.RawIOBase):
    """A remote file read by ranges for `zipfile`; falls back to the whole body when the
    server does not honour ranges."""

    def __init__(self, fetcher: Fetcher, url: str, size: int) -> None:
        self.fetcher, self.url, self.size = fetcher, url, size
        self.position = 0
        self.window: tuple[int, bytes] = (0, b"")
        self.whole: bytes | None = None
        self.fetched = 0
        self.requests = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def read(self, size: int | None = -1) -> bytes:
        wanted = self.size - self.position if size is None or size < 0 else size
        end = min(self.size, self.position + wanted)
        if end <= self.position:
            return b""
        if self.whole is None:
            start, held = self.window
            if not (start <= self.position and end <= start + len(held)):
                # Near the end: the end record and the central directory in one request.
                first = self.position if end <= self.size - _WINDOW else self.size - _WINDOW
                first = max(0, min(first, self.position))
                self._fetch(first, max(end, min(self.size, first + _WINDOW)))
        if self.whole is not None:
            data = self.whole[self.position : end]
        else:
            start, held = self.window
            data = held[self.position - start : end - start]
        self.position += len(data)
        return data

    def prefetch(self, start: int, end: int) -> None:
        """Hold bytes `start` to `end` (one request), unless held already."""
        held_start, held = self.window
        inside = held_start <= start and end <= held_start + len(held)
        if self.whole is None and not inside and start < end:
            self._fetch(start, min(end, self.size))

    def _fetch(self, start: int, end: int) -> None:
        body, ranged = self.fetcher.get_range(self.url, start, end, MAX_DISTRIBUTION_BYTES)
        self.requests += 1
        self.fetched += len(body)
        if ranged:
            self.window = (start, body)
            return
        if len(body) != self.size:
            raise FetchError(f"{redact(self.url)}: {len(body)} bytes, the index says {self.size}")
        self.whole = body


def _from_wheel(fetcher: Fetcher, release: Release, distribution: Distribution) -> Model | None:
    remote = _RangeFile(fetcher, distribution.url, distribution.size)
    where = redact(distribution.url)
    try:
        with zipfile.ZipFile(remote) as wheel:
            members = [i for i in wheel.infolist() if _MEMBER.fullmatch(i.filename)]
            if not members:
                return None
            member = max(members, key=lambda i: i.filename)  # the newest API version
            if member.file_size > MAX_MODEL_BYTES:
                raise FetchError(f"{where}: {member.filename} is {member.file_size} bytes")
            # The local header (30 bytes, the name, a short extra field) and the data; a longer
            # extra field costs one more request, nothing else.
            start = member.header_offset
            header = 30 + len(member.orig_filename.encode()) + 1024
            remote.prefetch(start, start + header + member.compress_size)
            body = wheel.read(member)  # checked against the member's CRC-32
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise FetchError(f"{where}: not a readable wheel ({exc})") from None
    if remote.whole is not None:
        _check_sha256(remote.whole, distribution)
    return Model(
        release,
        distribution,
        member.filename,
        _decompressed(body, member.filename, where),
        remote.fetched,
        remote.requests,
        remote.whole is None,
    )


def _from_sdist(fetcher: Fetcher, release: Release, distribution: Distribution) -> Model | None:
    accept = ("application/", "binary/")
    response = fetcher.get(distribution.url, accept, max_bytes=MAX_DISTRIBUTION_BYTES)
    _check_sha256(response.body, distribution)
    where = redact(distribution.url)
    try:
        with tarfile.open(fileobj=io.BytesIO(response.body), mode="r:*") as sdist:
            members = [m for m in sdist.getmembers() if m.isfile() and _MEMBER.fullmatch(m.name)]
            if not members:
                return None
            member = max(members, key=lambda m: m.name)
            if member.size > MAX_MODEL_BYTES:
                raise FetchError(f"{where}: {member.name} is {member.size} bytes")
            extracted = sdist.extractfile(member)
            assert extracted is not None  # a regular file
            body = extracted.read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise FetchError(f"{where}: not a readable sdist ({exc})") from None
    name = member.name.split("/", 1)[1] if "/" in member.name else member.name
    model = _decompressed(body, name, where)
    return Model(release, distribution, name, model, len(response.body), 1, False)


def _check_sha256(body: bytes, distribution: Distribution) -> None:
    actual = hashlib.sha256(body).hexdigest()
    if actual != distribution.sha256:
        raise FetchError(
            f"{redact(distribution.url)}: sha256 {actual}, the index says {distribution.sha256}"
        )


def _decompressed(body: bytes, name: str, where: str) -> bytes:
    if not name.endswith(".gz"):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as packed:
            model = packed.read(MAX_MODEL_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise FetchError(f"{where}: {name} is not gzip ({exc})") from None
    if len(model) > MAX_MODEL_BYTES:
        raise FetchError(f"{where}: {name} unpacks to over {MAX_MODEL_BYTES} bytes")
    return model


def changes(
    ordered: Sequence[Release],
    first: str | None,
    last: str | None,
    read: Callable[[Release], str | None],
) -> list[int]:
    """Indices into `ordered` of the releases whose model differs from the release before,
    between the first release (model `first`, a sha256 or None for no model) and the last
    (model `last`), both known; `read` gives a release's model sha256 (None: no model).

    Bisection: O(changes x log releases) reads; equal ends are taken to enclose no change.
    """
    found: list[int] = []
    known: dict[int, str | None] = {0: first, len(ordered) - 1: last}

    def model(index: int) -> str | None:
        if index not in known:
            known[index] = read(ordered[index])
        return known[index]

    # An explicit stack, not recursion: the number of releases is whatever the index lists.
    stack = [(0, len(ordered) - 1)]
    while stack:
        low, high = stack.pop()
        if high <= low or model(low) == model(high):
            continue
        if high == low + 1:
            found.append(high)
            continue
        middle = (low + high) // 2
        stack += [(middle, high), (low, middle)]
    return sorted(found)


def located(release: Release, mirrors: Mapping[str, str]) -> Release:
    """The release with its files' URLs through `mirrors` (a mirror, or a test server)."""
    if not mirrors:
        return release
    from dataclasses import replace

    from kms_permissions.scraper.corpus import mirrored

    files = tuple(replace(d, url=mirrored(d.url, mirrors)) for d in release.distributions)
    return replace(release, distributions=files)


def release_of(releases_: Sequence[Release], version: str) -> Release:
    """The release `version` from the index's list; SourceError when it is not there."""
    for release in releases_:
        if release.version == version:
            return release
    raise SourceError(f"{PREFIX}{version}: no such final release of botocore on the index")
