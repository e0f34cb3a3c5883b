"""Align the scraped pages by date into dataset versions (one snapshot per source date)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from kms_permissions.dataset.snapshot import Snapshot
from kms_permissions.scraper.records import (
    ApiReferencePage,
    CalloutsPage,
    ConditionKeysPage,
    GlobalConditionKeysPage,
    PermissionsPage,
    Provenance,
    SarPage,
    ScrapeResult,
    ViaServicesPage,
)

# The permissions page's markdown rendering (permissions_md.RENDERING), preferred to its HTML.
_MARKDOWN = "md-list"


@dataclass(frozen=True)
class Version:
    """One dataset version: the date it is as of, and the pages in force on that date."""

    date: str
    snapshot: Snapshot


def _order(p: Provenance) -> tuple[str, str, str]:
    return (p.revision_date, p.revision_time, p.revision)


def _latest(items: list[tuple[Provenance, object]], date: str) -> list[object]:
    """Pages of the newest revision dated on or before `date`."""
    eligible = [(p, item) for p, item in items if p.revision_date and p.revision_date <= date]
    if not eligible:
        return []
    newest = max(_order(p) for p, _ in eligible)
    return [item for p, item in eligible if _order(p) == newest]


def timeline(result: ScrapeResult) -> list[Version]:
    """Every version the pages allow, oldest first.

    A version exists for each date on which some source has a revision. It holds the newest
    revision of each source as of that date. Undated pages (a local copy of the current
    permissions page) join one version: the newest before any dated copy of the permissions
    table (the newest version when there is none), so that dated copies added later (the live
    pages `update` records) follow it instead of displacing it. The newest permissions page
    also resolves the condition keys' operation expressions of every version, since older
    revisions of the guide's source do not carry the permissions table. Of two renderings of
    one revision the markdown one is used (the HTML one is its cross-check when fetched).
    """
    undated = [p for p in result.permissions if not p.provenance.revision_date]
    dated_permissions = sorted(
        ((p.provenance, p) for p in result.permissions if p.provenance.revision_date),
        key=lambda item: item[0].rendering == _MARKDOWN,  # stable; `_one` takes the last
    )
    conditions = [(p.provenance, p) for p in result.condition_keys]
    globals_ = [(p.provenance, p) for p in result.global_keys]
    sar = [(p.provenance, p) for p in result.sar]
    via = [(p.provenance, p) for p in result.via_services if p.provenance.revision_date]
    api = [(p.provenance, p) for p in result.api_reference if p.provenance.revision_date]
    # An undated model (the installed botocore) is the newest copy: it joins the newest version.
    undated_api = [p for p in result.api_reference if not p.provenance.revision_date]
    dates = sorted(
        {
            p.revision_date
            for p, _ in dated_permissions + conditions + globals_ + sar + api + via
            if p.revision_date
        }
    )
    undated_date = _undated_date(dates, dated_permissions)
    resolution = _resolution_page(result, undated_date)
    versions: list[Version] = []
    for date in dates:
        in_force = date == undated_date
        permissions = _latest(list(dated_permissions), date)
        snapshot = Snapshot(
            permissions=_one(permissions, PermissionsPage)
            or (undated[-1] if in_force and undated else None),
            condition_keys=[
                p for p in _latest(list(conditions), date) if isinstance(p, ConditionKeysPage)
            ],
            global_keys=_one(_latest(list(globals_), date), GlobalConditionKeysPage),
            sar=_one(_latest(list(sar), date), SarPage),
            api=(undated_api[-1] if undated_api and date == dates[-1] else None)
            or _one(_latest(list(api), date), ApiReferencePage),
            via_services=_one(_latest(list(via), date), ViaServicesPage),
            callouts=_callouts(result, date, in_force),
            resolution=resolution,
        )
        versions.append(Version(date, snapshot))
    return versions


def _undated_date(dates: list[str], dated: Sequence[tuple[Provenance, object]]) -> str | None:
    """The version undated pages join: the newest before any dated permissions table."""
    first = min((p.revision_date for p, _ in dated), default=None)
    eligible = [date for date in dates if first is None or date < first]
    return eligible[-1] if eligible else None


def _callouts(result: ScrapeResult, date: str, undated_in_force: bool) -> list[CalloutsPage]:
    """Per guide page, its newest callouts as of `date` (undated pages only where in force)."""
    chosen: dict[str, CalloutsPage] = {}
    for page in result.callouts:
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
    if not result.permissions:
        return None
    return max(
        result.permissions,
        key=lambda p: (
            p.provenance.revision_date or undated_date or "9999",
            p.provenance.rendering == _MARKDOWN,
            p.provenance.revision,
        ),
    )


T = TypeVar("T")


def _one(items: list[object], kind: type[T]) -> T | None:
    found = [i for i in items if isinstance(i, kind)]
    return found[-1] if found else None
