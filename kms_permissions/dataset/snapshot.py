"""The pages that make one dataset version (build time: these are the scraper's records)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from kms_permissions.scraper import kinds
from kms_permissions.scraper.kinds import RecordKind
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

P = TypeVar("P")


@dataclass
class Snapshot:
    """The pages that make one version: at most one of each source, as of one date.

    `held` has, per kind of record (`scraper.kinds.KINDS`, by its field), its page or its pages
    as `dataset.timeline` picked them; `one(kind)` and `every(kind)` read it, and the properties
    below name the kinds `merge` reads.
    """

    held: dict[str, Any] = field(default_factory=dict)
    # The permissions data that resolves condition keys' operation expressions; defaults to
    # `permissions`. History builds pass the current page to every version.
    resolution: PermissionsPage | None = None

    def one(self, kind: RecordKind[P]) -> P | None:
        """The page of a kind picked one at a time, or None."""
        page: P | None = self.held.get(kind.field)
        return page

    def every(self, kind: RecordKind[P]) -> list[P]:
        """The pages of a kind picked several at a time."""
        pages: list[P] = self.held.get(kind.field, [])
        return pages

    @property
    def permissions(self) -> PermissionsPage | None:
        """The guide's permissions reference."""
        return self.one(kinds.PERMISSIONS)

    @property
    def condition_keys(self) -> list[ConditionKeysPage]:
        """The guide's condition-key pages."""
        return self.every(kinds.CONDITION_KEYS)

    @property
    def global_keys(self) -> GlobalConditionKeysPage | None:
        """The guide's guidance on AWS global condition keys."""
        return self.one(kinds.GLOBAL_KEYS)

    @property
    def sar(self) -> SarPage | None:
        """The Service Authorization Reference's page."""
        return self.one(kinds.SAR)

    @property
    def api(self) -> ApiReferencePage | None:
        """botocore's KMS service model (the API Reference)."""
        return self.one(kinds.API_REFERENCE)

    @property
    def via_services(self) -> ViaServicesPage | None:
        """The guide's table of services that support kms:ViaService."""
        return self.one(kinds.VIA_SERVICES)

    @property
    def callouts(self) -> list[CalloutsPage]:
        """The guide's callouts, per page."""
        return self.every(kinds.CALLOUTS)

    def provenances(self) -> list[Provenance]:
        """Provenance of every page in the snapshot, kind by kind (`scraper.kinds.KINDS`)."""
        pages: list[Any] = []
        for kind in kinds.KINDS:
            held = self.held.get(kind.field)
            pages += held if isinstance(held, list) else [held]
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
