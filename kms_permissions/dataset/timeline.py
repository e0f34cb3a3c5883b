"""Align the scraped pages by date into dataset versions (one snapshot per source date)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kms_permissions.dataset.snapshot import Snapshot
from kms_permissions.scraper import kinds
from kms_permissions.scraper.kinds import PERMISSIONS, RecordKind
from kms_permissions.scraper.records import CalloutsPage, PermissionsPage, Provenance, ScrapeResult

Dated = list[tuple[Provenance, Any]]


@dataclass(frozen=True)
class Version:
    """One dataset version: the date it is as of, and the pages in force on that date."""

    date: str
    snapshot: Snapshot


def _order(p: Provenance) -> tuple[str, str, str]:
    return (p.revision_date, p.revision_time, p.revision)


def _latest(items: Dated, date: str) -> list[Any]:
    """Pages of the newest revision dated on or before `date`."""
    eligible = [(p, item) for p, item in items if p.revision_date and p.revision_date <= date]
    if not eligible:
        return []
    newest = max(_order(p) for p, _ in eligible)
    return [item for p, item in eligible if _order(p) == newest]


def timeline(result: ScrapeResult) -> list[Version]:
    """Every version the pages allow, oldest first.

    A version exists for each date on which some source has a revision. It holds the newest
    revision of each source as of that date (how each kind is picked is declared in
    `scraper.kinds`). Undated pages (a local copy of the current permissions page) join one
    version: the newest before any dated copy of the permissions table (the newest version when
    there is none), so that dated copies added later (the live pages `update` records) follow
    it instead of displacing it; an undated botocore model (the installed one) is the newest
    copy. The newest permissions page also resolves the condition keys' operation expressions
    of every version, since older revisions of the guide's source do not carry the permissions
    table. Of two renderings of one revision the preferred one is used (the permissions page's
    markdown; the HTML one is its cross-check when fetched).
    """
    dated: dict[str, Dated] = {}
    undated: dict[str, list[Any]] = {}
    for kind in kinds.KINDS:
        pages = result.of(kind)
        dated[kind.field] = _preferred_last(
            [(p.provenance, p) for p in pages if p.provenance.revision_date], kind.prefer
        )
        undated[kind.field] = [p for p in pages if not p.provenance.revision_date]
    dates = sorted(
        {p.revision_date for k in kinds.KINDS if k.dates_versions for p, _ in dated[k.field]}
    )
    joining = [item for k in kinds.KINDS if k.undated == "before-dated" for item in dated[k.field]]
    undated_date = _undated_date(dates, joining)
    resolution = _resolution_page(result, undated_date)
    versions: list[Version] = []
    for date in dates:
        in_force = date == undated_date
        held = {
            kind.field: _pick(kind, result, dated, undated, date, in_force, date == dates[-1])
            for kind in kinds.KINDS
        }
        versions.append(Version(date, Snapshot(held, resolution)))
    return versions


def _preferred_last(items: Dated, prefer: str | None) -> Dated:
    """The pages in order, the preferred rendering's last (where `_pick` takes it)."""
    return sorted(items, key=lambda item: item[0].rendering == prefer)  # stable


def _pick(
    kind: RecordKind[Any],
    result: ScrapeResult,
    dated: dict[str, Dated],
    undated: dict[str, list[Any]],
    date: str,
    in_force: bool,
    newest: bool,
) -> Any:
    """What a version as of `date` holds of one kind, as the registry declares it."""
    if kind.pick == "per-page":
        return _per_page(result.of(kind), date, in_force)
    latest = _latest(dated[kind.field], date)
    if kind.pick == "all":
        return latest
    copies = undated[kind.field]
    if kind.undated == "newest" and copies and newest:
        return copies[-1]
    one = latest[-1] if latest else None
    if one is None and kind.undated == "before-dated" and in_force and copies:
        return copies[-1]
    return one


def _undated_date(dates: list[str], dated: Sequence[tuple[Provenance, Any]]) -> str | None:
    """The version undated pages join: the newest before any dated permissions table."""
    first = min((p.revision_date for p, _ in dated), default=None)
    eligible = [date for date in dates if first is None or date < first]
    return eligible[-1] if eligible else None


def _per_page(pages: list[CalloutsPage], date: str, undated_in_force: bool) -> list[CalloutsPage]:
    """Per guide page, its newest copy as of `date` (undated pages only where in force)."""
    chosen: dict[str, CalloutsPage] = {}
    for page in pages:
        when = page.provenance.revision_date
        if (when and when > date) or (not when and not undated_in_force):
            continue
        name = page.provenance.location.rsplit("/", 1)[-1]
        held = chosen.get(name)
        if held is None or _callout_order(page) >= _callout_order(held):
            chosen[name] = page
    return [chosen[name] for name in sorted(chosen)]


def _callout_order(page: CalloutsPage) -> tuple[str, str, str]:
    # Undated pages are the current copies: newer than any dated revision.
    return (page.provenance.revision_date or "9999", *_order(page.provenance)[1:])


def _resolution_page(result: ScrapeResult, undated_date: str | None) -> PermissionsPage | None:
    pages = result.of(PERMISSIONS)
    if not pages:
        return None
    return max(
        pages,
        key=lambda p: (
            p.provenance.revision_date or undated_date or "9999",
            p.provenance.rendering == PERMISSIONS.prefer,
            p.provenance.revision,
        ),
    )
