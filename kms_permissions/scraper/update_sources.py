"""What `update` fetches: a list of sources, each telling what is new against the corpus.

A source fetches its pages (writing nothing), parses them (a page its parser refuses stops the
update), compares them with the newest copies the corpus layout holds, and when something is new
gives the files that record it in the layout. Adding a source to the update is one entry in
`SOURCES`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from kms_permissions.errors import ParseError, SourceError
from kms_permissions.scraper import api_reference_json
from kms_permissions.scraper.botocore_sources import InstalledBotocoreSource
from kms_permissions.scraper.corpus import mirrored
from kms_permissions.scraper.corpus_live import FOLDER, LivePage, snapshot_files
from kms_permissions.scraper.identify import PageKind, identify
from kms_permissions.scraper.kinds import PERMISSIONS, content_types
from kms_permissions.scraper.records import PermissionRow, PermissionsPage, ScrapeResult
from kms_permissions.scraper.scrape import add_page
from kms_permissions.scraper.sources import (
    GUIDE,
    LIVE_PAGES,
    LocalSource,
    Page,
    classify,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.scraper.http import Fetcher

PERMISSIONS_HTML = f"{GUIDE}/kms-api-permissions-reference.html"
BOTOCORE_FOLDER = "botocore-kms"
BOTOCORE_LISTING = f"{BOTOCORE_FOLDER}/revisions.json"


@dataclass(frozen=True)
class Item:
    """One page a source fetched, and how it compares with the corpus."""

    location: str
    sha256: str
    size: int
    held: str | None  # the layout path of the newest copy the corpus holds, if any
    changed: bool


@dataclass(frozen=True)
class Collected:
    """What one source found: its items, and the layout files that record what is new."""

    source: str
    items: tuple[Item, ...]
    files: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Whether anything differs from the corpus."""
        return any(item.changed for item in self.items)


class UpdateSource(Protocol):
    """A source `update` fetches."""

    name: str

    def collect(self, layout: Path, fetcher: Fetcher, mirrors: Mapping[str, str]) -> Collected:
        """Fetch and parse; compare with the corpus layout at `layout`; write nothing."""
        ...


class LiveDocs:
    """Pages of docs.aws.amazon.com, recorded together as one dated snapshot when any changed."""

    name = "docs.aws.amazon.com"

    def __init__(self, urls: Iterable[str]) -> None:
        self.urls = tuple(urls)

    def collect(self, layout: Path, fetcher: Fetcher, mirrors: Mapping[str, str]) -> Collected:
        """Every page fetched and parsed; all of them as a new snapshot if one changed."""
        live = [self._fetch(url, fetcher, mirrors) for url in self.urls]
        check_parses(live)
        held = newest_held(layout)
        items = []
        for page in live:
            identity = _identity(page.body)
            copy = held.get((identity.page, identity.rendering))
            items.append(
                Item(
                    location=page.url,
                    sha256=page.sha256,
                    size=len(page.body),
                    held=copy[0] if copy else None,
                    changed=copy is None or copy[1] != page.sha256,
                )
            )
        changed = any(item.changed for item in items)
        # The whole set, changed or not: a version holds the newest copy of each page as of its
        # date, so a snapshot must hold every page to stand for the site on that day.
        files = snapshot_files(layout, live) if changed else {}
        return Collected(self.name, tuple(items), files)

    def _fetch(self, url: str, fetcher: Fetcher, mirrors: Mapping[str, str]) -> LivePage:
        name = url.rsplit("/", 1)[-1]
        expected = classify(name)
        if expected is None:
            raise SourceError(f"{url}: not a page kms-permissions knows how to read")
        response = fetcher.get(mirrored(url, mirrors), content_types(expected[1]))
        found = identify(response.body)
        if found is None or (found.kind, found.rendering) != expected:
            what = f"a {found.kind} page ({found.rendering})" if found else "no page it knows"
            raise SourceError(f"{url}: holds {what}, expected the {expected[0]} page")
        return LivePage(
            url=url,
            file=name,
            body=response.body,
            content_type=response.content_type,
            fetched_at=response.fetched_at,
            etag=response.etag,
            last_modified=response.last_modified,
        )


class InstalledBotocore:
    """The KMS model of the botocore installed here (no network). A release newer than every
    model the corpus holds joins it as `botocore-kms/YYYY-MM-DD_installed-<release>.json`,
    dated the day the update saw it, listed like the corpus's other wheel copy (no commit, its
    first release)."""

    name = "installed-botocore"

    def __init__(self, source: InstalledBotocoreSource | None = None) -> None:
        self.source = source or InstalledBotocoreSource()

    def collect(self, layout: Path, fetcher: Fetcher, mirrors: Mapping[str, str]) -> Collected:
        """The installed model, new when its release is newer than every model held."""
        try:
            (page,) = self.source.pages()
        except SourceError as exc:
            if "not installed" in str(exc):
                return Collected(self.name, ())  # nothing to offer: not a refusal
            raise
        api_reference_json.parse(page.text(), page.provenance())  # a refused model stops here
        listing_path = layout / BOTOCORE_LISTING
        listing = json.loads(listing_path.read_text()) if listing_path.is_file() else None
        held = listing["revisions"] if listing else []
        newest = max(
            (r for r in held if _release(str(r.get("first_release") or ""))),
            key=lambda r: _release(str(r["first_release"])),
            default=None,
        )
        sha = hashlib.sha256(page.body).hexdigest()
        known = any(r.get("sha256") == sha for r in held)
        newer = newest is None or _release(page.release) > _release(str(newest["first_release"]))
        item = Item(
            location=page.location,
            sha256=sha,
            size=len(page.body),
            held=f"{BOTOCORE_FOLDER}/{newest['file']}" if newest else None,
            changed=newer and not known,
        )
        if not item.changed or listing is None:
            return Collected(self.name, (item,))
        seen = datetime.now(UTC).replace(microsecond=0).isoformat()
        name = f"{seen[:10]}_installed-{page.release}.json"
        entry = {
            "file": name,
            "commit": None,
            "commit_time": seen,
            "subject": f"botocore {page.release} as installed where kms-permissions update ran",
            "first_release": page.release,
            "sha256": sha,
        }
        listing["revisions"] = [entry, *held]
        text = json.dumps(listing, indent=1, ensure_ascii=False) + "\n"
        files = {f"{BOTOCORE_FOLDER}/{name}": page.body, BOTOCORE_LISTING: text.encode()}
        return Collected(self.name, (item,), files)


class PypiBotocore:
    """botocore's releases on the package index after the newest model the corpus holds: each
    change of the KMS model bisected to the release that published it, dated by its upload
    (`botocore-kms/YYYY-MM-DD_pypi-<release>.json`, with the distribution and its sha256)."""

    name = "pypi-botocore"

    def collect(self, layout: Path, fetcher: Fetcher, mirrors: Mapping[str, str]) -> Collected:
        """The models published since the newest one held; nothing when it is still current."""
        from kms_permissions.scraper.corpus_botocore import plan
        from kms_permissions.scraper.pypi_botocore import PREFIX

        found = plan(layout, fetcher, mirrors=mirrors)
        items = []
        for model in found.added:
            page = Page(
                kind=api_reference_json.KIND,
                rendering=api_reference_json.RENDERING,
                name="kms",
                location=f"{PREFIX}{model.release.version}",
                revision=f"botocore {model.release.version}",
                revision_date=model.release.upload_time[:10],
                fetched_at=None,
                content_type="application/json",
                body=model.body,
            )
            api_reference_json.parse(page.text(), page.provenance())  # a refused model stops
            items.append(Item(page.location, model.sha256, len(model.body), None, True))
        if not items and found.newest is not None:
            newest = found.newest
            location = f"{PREFIX}{newest.release.version}"
            items.append(Item(location, newest.sha256, len(newest.body), None, False))
        return Collected(self.name, tuple(items), found.files)


def _release(version: str) -> tuple[int, ...]:
    """A release's numbers (`1.44.8` -> (1, 44, 8)); () for anything else."""
    parts = version.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else ()


SOURCES: tuple[UpdateSource, ...] = (
    LiveDocs((PERMISSIONS_HTML, *LIVE_PAGES)),
    PypiBotocore(),
    InstalledBotocore(),
)


def _identity(body: bytes) -> PageKind:
    found = identify(body)
    assert found is not None  # checked when fetched
    return found


def check_parses(pages: Iterable[LivePage]) -> ScrapeResult:
    """Parse every page as the build will (a ParseError stops here); renderings must agree."""
    result = ScrapeResult()
    for live in pages:
        kind = _identity(live.body)
        page = Page(
            kind=kind.kind,
            rendering=kind.rendering,
            name=kind.page,
            location=live.url,
            revision=f"sha256:{live.sha256}",
            revision_date=live.fetched_at[:10],
            fetched_at=live.fetched_at,
            content_type=live.content_type,
            body=live.body,
        )
        add_page(page, result)
    check_renderings(result.of(PERMISSIONS))
    return result


def check_renderings(pages: list[PermissionsPage]) -> None:
    """The permissions page's renderings must give the same facts; each parser checks the other.

    Compared: every operation's permissions and, per grant row, its policy type, cross-account
    use, resources and condition keys (links and free text differ between renderings).
    """
    for first, second in itertools.pairwise(pages):
        a, b = _facts(first), _facts(second)
        where = f"{first.provenance.location} and {second.provenance.location}"
        for only, missing in ((a, b), (b, a)):
            extra = sorted(set(only) - set(missing))
            if extra:
                holder = first if only is a else second
                raise ParseError(
                    where,
                    "renderings",
                    f"{extra[0]} is only in {holder.provenance.location} "
                    f"({len(extra)} operations in one rendering only)",
                )
        for name in sorted(a):
            if a[name] != b[name]:
                raise ParseError(where, "renderings", f"the renderings disagree on {name}")


def _facts(page: PermissionsPage) -> dict[str, tuple[object, ...]]:
    return {op.name: (op.permissions, tuple(map(_grant, op.grants))) for op in page.operations}


def _grant(grant: PermissionRow) -> tuple[object, ...]:
    keys = tuple(key.name for key in grant.condition_keys)
    return (grant.policy_type, grant.cross_account, grant.resources, keys)


def newest_held(layout: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """Per (page, rendering): the layout path and sha256 of the newest copy the layout holds.

    Snapshots of the live site come after every other copy; among the rest the newest date wins
    and an undated copy (the current page saved by hand) is the newest.
    """
    found: dict[tuple[str, str], tuple[tuple[bool, str, str], str, str]] = {}
    prefix = f"{layout.resolve().name}/"
    for page in LocalSource(layout).pages():
        path = page.location.removeprefix(prefix)
        order = (path.startswith(f"{FOLDER}/"), page.revision_date or "9999", page.revision_time)
        key = (page.name, page.rendering)
        if key not in found or order >= found[key][0]:
            found[key] = (order, path, hashlib.sha256(page.body).hexdigest())
    return {key: (path, sha) for key, (_, path, sha) in found.items()}
