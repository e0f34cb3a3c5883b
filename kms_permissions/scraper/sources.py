"""Sources of pages: the live website, a local copy laid out like the corpus, a git checkout.

Every source yields `Page`s carrying their provenance: where the bytes came from, which revision
of the page they are (git commit, HTTP ETag/Last-Modified, or the date in a file's name), when
they were fetched, their sha256 and content type.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Protocol

from kms_permissions.errors import FetchError, SourceError
from kms_permissions.files import real_path, under
from kms_permissions.scraper import kinds
from kms_permissions.scraper.http import (
    MAX_BODY_BYTES,
    Fetcher,
    Response,
    has_credentials,
    redact,
)
from kms_permissions.scraper.identify import PageKind, date_in_name, identify
from kms_permissions.scraper.kinds import GUIDE_PAGE, content_types
from kms_permissions.scraper.records import Provenance

GUIDE = "https://docs.aws.amazon.com/kms/latest/developerguide"
SAR_URL = (
    "https://docs.aws.amazon.com/service-authorization/latest/reference/"
    "list_awskeymanagementservice.html"
)
ARCHIVE_REPO = "awsdocs/aws-kms-developer-guide"
# The guide's pages whose notes (callouts) the dataset keeps, besides those the registry
# reads (`kinds.PAGES`).
NOTES_PAGES = (
    "alias-access.md",
    "control-access.md",
    "grants.md",
    "iam-policies.md",
    "key-policies.md",
    "key-policy-default.md",
    "key-policy-modifying-external-accounts.md",
    "key-state.md",
    "kms-vpc-endpoint.md",
    "symm-asymm-compare.md",
)
LIVE_PAGES = (
    f"{GUIDE}/kms-api-permissions-reference.md",
    f"{GUIDE}/conditions-kms.md",
    f"{GUIDE}/conditions-nitro-enclaves.md",
    f"{GUIDE}/conditions-aws.md",
    f"{GUIDE}/policy-conditions.md",
    *(f"{GUIDE}/{page}" for page in NOTES_PAGES),
    SAR_URL,
)
MAX_PAGE_BYTES = MAX_BODY_BYTES
_SNAPSHOT_DIR = re.compile(r"^(\d{4}-\d{2}-\d{2})_([0-9a-f]{7,40})$")


@dataclass(frozen=True)
class Page:
    """One page's bytes and where they came from."""

    kind: str
    rendering: str
    name: str
    location: str
    revision: str
    revision_date: str | None
    fetched_at: str | None
    content_type: str
    body: bytes
    revision_time: str = ""
    release: str = ""

    @property
    def sha256(self) -> str:
        """The sha256 of the page's bytes."""
        return hashlib.sha256(self.body).hexdigest()

    def text(self) -> str:
        """The page decoded as UTF-8 (invalid bytes replaced, so parsers see them)."""
        return self.body.decode("utf-8", errors="replace")

    def provenance(self) -> Provenance:
        """This page's provenance record."""
        return Provenance(
            kind=self.kind,
            rendering=self.rendering,
            location=self.location,
            revision=self.revision,
            revision_date=self.revision_date or "",
            fetched_at=self.fetched_at or "",
            sha256=self.sha256,
            content_type=self.content_type,
            revision_time=self.revision_time,
            page=self.name,
            release=self.release,
        )


class PageSource(Protocol):
    """Anything that yields pages."""

    def pages(self) -> Iterator[Page]:
        """The pages of this source, in a stable order."""
        ...


def classify(name: str, parent: str = "") -> tuple[str, str] | None:
    """(kind, rendering) a URL's or archive path's name promises, or None when not ours.

    Only for sources that must choose what to fetch before they see the content (the live
    site, GitHub); the parsers still check the content. Local files are told by content.
    """
    for page in kinds.PAGES:
        if name in page.file_names:
            return page.kind, page.rendering
    if name.endswith(".md") and (parent == "doc_source" or name in NOTES_PAGES):
        return GUIDE_PAGE.kind, GUIDE_PAGE.rendering
    return None


def _content_type(rendering: str) -> str:
    return content_types(rendering)[0]


class LocalSource:
    """A file or a folder of pages, recognised by their content wherever they lie.

    The path only dates a copy: a folder `YYYY-MM-DD_<commit>/doc_source/` of the archived
    guide (with `revisions.json` beside it), or a date in the file's name (`2026-06-14.html`).
    """

    def __init__(self, path: Path, revision_date: str | None = None) -> None:
        if not path.exists():
            raise SourceError(f"{path}: no such file or folder")
        self.path = path
        self.revision_date = revision_date

    def pages(self) -> Iterator[Page]:
        """Every recognised page under the path, sorted by path."""
        single = self.path.is_file()
        files = [self.path] if single else sorted(self._walk(self.path))
        found = False
        for file in files:
            if file.stat().st_size > MAX_PAGE_BYTES:
                if single:
                    raise SourceError(f"{file}: over {MAX_PAGE_BYTES} bytes; not a page")
                continue
            body = file.read_bytes()
            try:
                kind = identify(body)
            except SourceError as exc:
                raise SourceError(f"{file}: {exc}") from None
            if kind is None:
                if single:
                    raise SourceError(f"{file}: not a page kms-permissions knows how to read")
                continue
            found = True
            yield self._page(file, kind, body)
        if not found:
            raise SourceError(f"{self.path}: no page kms-permissions knows how to read")

    def _walk(self, root: Path) -> Iterator[Path]:
        for path in root.rglob("*"):
            if path.is_file() and not any(p.startswith(".") for p in Path(under(root, path)).parts):
                yield path

    def _page(self, file: Path, kind: PageKind, body: bytes) -> Page:
        revision, date, time = self._revision(file, body)
        release = ""
        listed = _listed_revision(file)
        if listed is not None:
            revision, date, time, release = listed
        return Page(
            kind=kind.kind,
            rendering=kind.rendering,
            name=kind.page,
            location=self._location(file),
            revision=revision,
            revision_date=date,
            fetched_at=None,
            content_type=_content_type(kind.rendering),
            body=body,
            revision_time=time,
            release=release,
        )

    def _location(self, file: Path) -> str:
        # Relative to the folder given, under its name: the same wherever the copy lives.
        if self.path.is_file():
            return file.name
        return f"{real_path(self.path).name}/{under(self.path, file)}"

    def _revision(self, file: Path, body: bytes) -> tuple[str, str | None, str]:
        if file.parent.name == "doc_source":
            snapshot = _SNAPSHOT_DIR.match(file.parent.parent.name)
            if snapshot:
                return _archive_revision(file.parent.parent)
        dated = date_in_name(file.name)
        if dated:
            return dated, dated, ""
        # An undated local copy: its content identifies it; its date is unknown unless given.
        return f"sha256:{hashlib.sha256(body).hexdigest()}", self.revision_date, ""


def _archive_revision(snapshot: Path) -> tuple[str, str, str]:
    """(commit, date, commit time) of a `YYYY-MM-DD_sha7` snapshot folder of the archive."""
    match = _SNAPSHOT_DIR.match(snapshot.name)
    assert match is not None
    listing = snapshot.parent / "revisions.json"
    if listing.exists():
        for entry in _load_revisions(listing):
            if entry.get("dir") == snapshot.name:
                where = f"{listing}: {snapshot.name}"
                committed = str(entry.get("committed", ""))
                try:
                    date = date_in_name(committed[:10])
                except SourceError as exc:
                    raise SourceError(f"{where}: {exc}") from None
                if date is None or "commit" not in entry:
                    raise SourceError(f"{where}: no commit and commit date")
                return str(entry["commit"]), date, committed
    date = date_in_name(snapshot.name)  # a real date, or SourceError naming the folder
    return match.group(2), str(date), ""


_REVISIONS_CACHE: dict[Path, list[dict[str, object]]] = {}


def _listed_revision(file: Path) -> tuple[str, str, str, str] | None:
    """(revision, date, time, first release) of a file that a `revisions.json` beside it lists
    by name (the corpus's botocore models: `YYYY-MM-DD_<sha7>.json`), or None."""
    listing = file.parent / "revisions.json"
    if file.name == "revisions.json" or not listing.is_file():
        return None
    for entry in _load_revisions(listing):
        if entry.get("file") == file.name:
            # Dated by its release's upload when known, else by its commit.
            time = str(entry.get("upload_time") or entry.get("commit_time") or "")
            release = str(entry.get("first_release") or "")
            revision = str(entry.get("commit") or f"release-{release}")
            if not time:
                raise SourceError(f"{listing}: no commit_time for {file.name}")
            return revision, time[:10], time, release
    return None


def _load_revisions(path: Path) -> list[dict[str, object]]:
    if path not in _REVISIONS_CACHE:
        try:
            data = json.loads(path.read_text())
            revisions = list(data["revisions"])
            if not all(isinstance(entry, dict) for entry in revisions):
                raise TypeError("an entry is not an object")
            _REVISIONS_CACHE[path] = revisions
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
            raise SourceError(f"{path}: not a revisions list ({exc})") from None
    return _REVISIONS_CACHE[path]


class GitSource:
    """A git checkout of the archived guide, at one commit or at every commit."""

    def __init__(self, repo: Path, revision: str | None = None) -> None:
        if not (repo / ".git").exists() and not (repo / "HEAD").exists():
            raise SourceError(f"{repo}: not a git checkout")
        self.repo = repo
        self.revision = revision

    def _git(self, *args: str) -> bytes:
        try:
            done = subprocess.run(
                ["git", "-C", str(self.repo), *args], capture_output=True, check=True
            )
        except FileNotFoundError:
            raise SourceError("git is not installed") from None
        except subprocess.CalledProcessError as exc:
            message = exc.stderr.decode(errors="replace").strip()
            raise SourceError(f"{self.repo}: git {' '.join(args)}: {message}") from None
        return done.stdout

    def commits(self) -> list[tuple[str, str]]:
        """(commit, commit time) of the chosen revision, or of every commit, oldest first."""
        spec = [self.revision, "-1"] if self.revision else ["--all"]
        out = self._git("log", "--format=%H%x09%cI", *spec, "--", "doc_source")
        rows = [line.split("\t") for line in out.decode().splitlines() if line]
        return [(c, t) for t, c in sorted((t, c) for c, t in rows)]

    def pages(self) -> Iterator[Page]:
        """The guide pages of each commit."""
        for commit, time in self.commits():
            listing = self._git("ls-tree", "--name-only", commit, "doc_source/").decode()
            for path in sorted(listing.splitlines()):
                if not path.endswith(".md"):
                    continue
                body = self._git("show", f"{commit}:{path}")
                kind = identify(body)
                if kind is None:
                    continue
                yield Page(
                    kind=kind.kind,
                    rendering=kind.rendering,
                    name=kind.page,
                    location=f"git:{self.repo}@{commit}:{path}",
                    revision=commit,
                    revision_date=time[:10],
                    fetched_at=None,
                    content_type="text/markdown",
                    body=body,
                    revision_time=time,
                )


class HttpSource:
    """Live pages fetched over HTTPS (the AWS docs website by default)."""

    def __init__(self, fetcher: Fetcher, urls: tuple[str, ...] = LIVE_PAGES) -> None:
        self.fetcher = fetcher
        self.urls = urls
        self._responses: dict[str, Response] = {}

    def pages(self) -> Iterator[Page]:
        """Fetch each URL; the fetcher refuses hosts off the allow-list."""
        for url in self.urls:
            name = url.rstrip("/").rsplit("/", 1)[-1]
            kind = classify(name)
            if kind is None:
                raise SourceError(f"{redact(url)}: not a page kms-permissions knows how to read")
            response = self.fetcher.get(url, content_types(kind[1]))
            confirm(kind[0], response.body, url)
            self._responses[url] = response
            revision = response.etag or response.last_modified or f"sha256:{_sha(response.body)}"
            yield Page(
                kind=kind[0],
                rendering=kind[1],
                name=name.rsplit(".", 1)[0],
                location=url,
                revision=revision,
                revision_date=_http_date(response.last_modified) or response.fetched_at[:10],
                fetched_at=response.fetched_at,
                content_type=response.content_type,
                body=response.body,
            )

    def keep(self, page: Page) -> None:
        """Cache a page once it parsed cleanly, so a bad page never enters the cache."""
        response = self._responses.pop(page.location, None)
        if response is not None:
            self.fetcher.store(page.location, response)


def archive_pages() -> tuple[str, ...]:
    """The archived guide's pages the registry reads: the file names of its markdown pages."""
    markdown = [page for page in kinds.PAGES if page.content_types == kinds.MARKDOWN]
    return tuple(name for page in markdown for name in page.file_names)


def archive_urls(
    commit: str,
    pages: tuple[str, ...] | None = None,
    raw_base: str = "https://raw.githubusercontent.com",
) -> tuple[str, ...]:
    """Raw URLs of the archived guide's pages at a commit (raw.githubusercontent.com); by
    default every page `archive_pages()` names."""
    if not re.fullmatch(r"[0-9a-f]{7,40}", commit):
        raise SourceError(f"{commit!r} is not a commit id")
    base = f"{raw_base}/{ARCHIVE_REPO}/{commit}/doc_source"
    return tuple(f"{base}/{page}" for page in (archive_pages() if pages is None else pages))


class GitHubArchiveSource:
    """The archived guide on GitHub at one commit: its date from the GitHub API, pages raw."""

    def __init__(
        self,
        fetcher: Fetcher,
        commit: str,
        api_base: str = "https://api.github.com",
        raw_base: str = "https://raw.githubusercontent.com",
    ) -> None:
        self.fetcher = fetcher
        self.commit = commit
        self.api_base = api_base
        self.urls = archive_urls(commit, raw_base=raw_base)

    def pages(self) -> Iterator[Page]:
        """The archive's pages at the commit, dated with the commit's time."""
        from kms_permissions import jsonfast

        url = f"{self.api_base}/repos/{ARCHIVE_REPO}/commits/{self.commit}"
        response = self.fetcher.get(url, ("application/json",))
        try:
            data = jsonfast.loads(response.body)
            sha, time = str(data["sha"]), str(data["commit"]["committer"]["date"])
        except (ValueError, KeyError, TypeError) as exc:
            raise FetchError(f"{url}: not a GitHub commit ({exc})") from None
        for page_url in self.urls:
            name = page_url.rsplit("/", 1)[-1]
            kind = classify(name, "doc_source")
            if kind is None:  # pragma: no cover - archive_pages() are all known
                continue
            try:
                page = self.fetcher.get(page_url, content_types(kind[1]))
            except FetchError as exc:
                if "HTTP 404" in str(exc):  # the page did not exist at this commit
                    continue
                raise
            confirm(kind[0], page.body, page_url)
            yield Page(
                kind=kind[0],
                rendering=kind[1],
                name=name.removesuffix(".md"),
                location=page_url,
                revision=sha,
                revision_date=time[:10],
                fetched_at=page.fetched_at,
                content_type=page.content_type,
                body=page.body,
                revision_time=time,
            )


def confirm(kind: str, body: bytes, location: str) -> None:
    """Refuse a page whose content is another page than its name promised (a SAR page for
    another service, the permissions page at a condition key page's URL). A page the content
    does not identify is left to its parser, which names what is missing."""
    try:
        found = identify(body)
    except SourceError as exc:
        raise SourceError(f"{redact(location)}: {exc}") from None
    if found is not None and found.kind != kind:
        raise SourceError(
            f"{redact(location)}: holds a {found.kind} page ({found.page}), not the {kind} page "
            "its name promises"
        )


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _http_date(value: str | None) -> str | None:
    if not value:
        return None
    import email.utils

    try:
        return email.utils.parsedate_to_datetime(value).astimezone(UTC).date().isoformat()
    except (TypeError, ValueError):
        return None


def open_source(spec: str | None) -> PageSource:
    """The source a `--source` value names: None (live), an https URL, `github:COMMIT` (the
    archived guide on GitHub), `git:PATH[@REV]` (a checkout of it), `github-botocore:TAG`,
    `pypi-botocore:VERSION` or `installed-botocore` (botocore's KMS model at a release, from the
    package index, or as installed here) or a local path."""
    from kms_permissions.scraper.http import Fetcher, default_cache_dir

    if spec is not None and not spec.strip():
        raise SourceError("the source is an empty path; name a file, a folder or a URL")
    if spec is not None and has_credentials(spec):
        raise SourceError(
            f"{redact(spec)}: a URL with credentials (user:password@) is refused; pages are "
            "public, and a password would end up in logs and provenance"
        )
    if spec is None or spec.startswith("https://") or spec.startswith("http://"):
        return HttpSource(Fetcher(default_cache_dir()), (spec,) if spec else LIVE_PAGES)
    if spec.startswith("github:"):
        return GitHubArchiveSource(Fetcher(default_cache_dir()), spec[len("github:") :])
    if spec.startswith("pypi-botocore:"):
        from kms_permissions.scraper.botocore_sources import PypiBotocoreSource

        return PypiBotocoreSource(Fetcher(None), spec[len("pypi-botocore:") :])
    if spec.startswith("github-botocore:") or spec == "installed-botocore":
        from kms_permissions.scraper.botocore_sources import (
            GITHUB_PREFIX,
            GitHubBotocoreSource,
            InstalledBotocoreSource,
        )

        if spec.startswith(GITHUB_PREFIX):
            tag = spec[len(GITHUB_PREFIX) :]
            return GitHubBotocoreSource(Fetcher(default_cache_dir()), tag)
        return InstalledBotocoreSource()
    if spec.startswith("git:"):
        target = spec[4:]
        repo, _, revision = target.partition("@")
        return GitSource(Path(repo), revision or None)
    return LocalSource(Path(spec))


def no_network_hint(error: FetchError) -> str:
    """The message shown when live fetching fails: how to use a local copy instead."""
    return (
        f"{error}\nCould not reach the AWS documentation. To work offline, point --source at a "
        "local copy: a page file, a doc_source/ folder, a folder of dated Service Authorization "
        "Reference copies, a corpus folder, or git:PATH[@REV] for a checkout of "
        f"github.com/{ARCHIVE_REPO} (online, github:COMMIT reads it from GitHub)."
    )
