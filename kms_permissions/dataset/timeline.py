"""Align the scraped pages by date into dataset versions (one snapshot per source date)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from kms_permissions.dataset.snapshot import Snapshot
from kms_permissions.scraper.records import (
    CalloutsPage,
    ConditionKeysPage,
    GlobalConditionKeysPage,
    PermissionsPage,
    Provenance,
    SarPage,
    ScrapeResult,
)


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
    permissions page) join the newest version only. The permissions page also resolves the
    condition keys' operation expressions of every version, since older revisions of the
    guide's source do not carry the permissions table.
    """
    undated = [p for p in result.permissions if not p.provenance.revision_date]
    dated_permissions = [
        (p.provenance, p) for p in result.permissions if p.provenance.revision_date
    ]
    conditions = [(p.provenance, p) for p in result.condition_keys]
    globals_ = [(p.provenance, p) for p in result.global_keys]
    sar = [(p.provenance, p) for p in result.sar]
    dates = sorted(
        {
            p.revision_date
            for p, _ in dated_permissions + conditions + globals_ + sar
            if p.revision_date
        }
    )
    resolution = _resolution_page(result)
    versions: list[Version] = []
    for index, date in enumerate(dates):
        newest = index == len(dates) - 1
        permissions = _latest(list(dated_permissions), date)
        snapshot = Snapshot(
            permissions=_one(permissions, PermissionsPage)
            or (undated[-1] if newest and undated else None),
            condition_keys=[
                p for p in _latest(list(conditions), date) if isinstance(p, ConditionKeysPage)
            ],
            global_keys=_one(_latest(list(globals_), date), GlobalConditionKeysPage),
            sar=_one(_latest(list(sar), date), SarPage),
            callouts=_callouts(result, date, newest),
            resolution=resolution,
        )
        versions.append(Version(date, snapshot))
    return versions


def _callouts(result: ScrapeResult, date: str, newest: bool) -> list[CalloutsPage]:
    """Per guide page, its newest callouts as of `date` (undated pages only in the newest)."""
    chosen: dict[str, CalloutsPage] = {}
    for page in result.callouts:
        when = page.provenance.revision_date
        if (when and when > date) or (not when and not newest):
            continue
        name = page.provenance.location.rsplit("/", 1)[-1]
        held = chosen.get(name)
        if held is None or _callout_order(page) >= _callout_order(held):
            chosen[name] = page
    return [chosen[name] for name in sorted(chosen)]


def _callout_order(page: CalloutsPage) -> tuple[str, str, str]:
    # Undated pages are the current copies: newer than any dated revision.
    return (page.provenance.revision_date or "9999", *_order(page.provenance)[1:])


def _resolution_page(result: ScrapeResult) -> PermissionsPage | None:
    if not result.permissions:
        return None
    return max(
        result.permissions,
        key=lambda p: (p.provenance.revision_date or "9999", p.provenance.revision),
    )


T = TypeVar("T")


def _one(items: list[object], kind: type[T]) -> T | None:
    found = [i for i in items if isinstance(i, kind)]
    return found[-1] if found else None
