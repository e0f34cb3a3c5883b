"""The pages that make one dataset version (build time: these are the scraper's records)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kms_permissions.scraper.records import (
    ApiReferencePage,
    CalloutsPage,
    ConditionKeysPage,
    GlobalConditionKeysPage,
    PermissionsPage,
    Provenance,
    SarPage,
    ViaServicesPage,
)


@dataclass
class Snapshot:
    """The pages that make one version: at most one of each source, as of one date."""

    permissions: PermissionsPage | None = None
    condition_keys: list[ConditionKeysPage] = field(default_factory=list)
    global_keys: GlobalConditionKeysPage | None = None
    sar: SarPage | None = None
    callouts: list[CalloutsPage] = field(default_factory=list)
    api: ApiReferencePage | None = None
    via_services: ViaServicesPage | None = None
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
            self.api,
            self.via_services,
            *self.callouts,
        ]
        return [p.provenance for p in pages if p is not None]

    def newest_date(self) -> str | None:
        """The newest revision date among the snapshot's pages."""
        dates = [p.revision_date for p in self.provenances() if p.revision_date]
        return max(dates) if dates else None


def source_id(provenance: Provenance) -> str:
    """A stable id for an input page: kind/name@revision."""
    name = provenance.page or provenance.location.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if provenance.kind == "sar":
        name = "list_awskeymanagementservice"
    revision = provenance.revision
    if revision.startswith("sha256:"):
        revision = revision[:19]
    elif len(revision) == 40:
        revision = revision[:12]
    return f"{provenance.kind}/{name}@{revision}"
