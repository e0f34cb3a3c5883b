"""One dataset version in memory: its tables as sorted rows, and the pages it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kms_permissions.dataset.columns import ALL_TABLES
from kms_permissions.scraper.records import (
    CalloutsPage,
    ConditionKeysPage,
    GlobalConditionKeysPage,
    PermissionsPage,
    Provenance,
    SarPage,
)

Row = dict[str, Any]


@dataclass
class Snapshot:
    """The pages that make one version: at most one of each source, as of one date."""

    permissions: PermissionsPage | None = None
    condition_keys: list[ConditionKeysPage] = field(default_factory=list)
    global_keys: GlobalConditionKeysPage | None = None
    sar: SarPage | None = None
    callouts: list[CalloutsPage] = field(default_factory=list)
    # The permissions data that resolves condition keys' operation expressions; defaults to
    # `permissions`. History builds pass the current page to every version.
    resolution: PermissionsPage | None = None

    def provenances(self) -> list[Provenance]:
        """Provenance of every page in the snapshot."""
        pages: list[Any] = [
            self.permissions,
            *self.condition_keys,
            self.global_keys,
            self.sar,
            *self.callouts,
        ]
        return [p.provenance for p in pages if p is not None]

    def newest_date(self) -> str | None:
        """The newest revision date among the snapshot's pages."""
        dates = [p.revision_date for p in self.provenances() if p.revision_date]
        return max(dates) if dates else None


@dataclass
class Dataset:
    """A dataset version: tables keyed by name, each a list of rows sorted by the table's key."""

    tables: dict[str, list[Row]]
    version: str = ""

    def rows(self, table: str) -> list[Row]:
        """The rows of one table."""
        return self.tables[table]

    def sort(self) -> None:
        """Sort every table by its key columns (nulls first), for byte-stable output."""
        for name, rows in self.tables.items():
            key = ALL_TABLES[name].key
            rows.sort(key=lambda r: tuple(_sortable(r[k]) for k in key))


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, list):
        return (1, tuple(value))
    return (1, value)


def source_id(provenance: Provenance) -> str:
    """A stable id for an input page: kind/name@revision."""
    name = provenance.location.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if provenance.kind == "sar":
        name = "list_awskeymanagementservice"
    revision = provenance.revision
    if revision.startswith("sha256:"):
        revision = revision[:19]
    elif len(revision) == 40:
        revision = revision[:12]
    return f"{provenance.kind}/{name}@{revision}"
