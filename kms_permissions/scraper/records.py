"""Plain records that the parsers produce, each page's records carrying its provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.scraper.kinds import RecordKind

P = TypeVar("P")


@dataclass(frozen=True)
class Provenance:
    """Where a page came from and which revision of it was read."""

    kind: str
    rendering: str
    location: str
    revision: str
    revision_date: str
    fetched_at: str
    sha256: str
    content_type: str
    revision_time: str = ""
    # The guide page it is (its own anchor, e.g. conditions-kms), read from its content.
    page: str = ""
    # The first release of the package that shipped this revision (botocore 1.44.8), if any.
    release: str = ""


@dataclass(frozen=True)
class ConditionKeyRef:
    """A condition key as the permissions table lists it for one grant row."""

    name: str
    group: str | None
    is_global: bool
    link: str | None


@dataclass(frozen=True)
class PermissionRow:
    """One policy type / cross-account / resource row of an API operation."""

    policy_type: str
    policy_type_text: str
    qualifier: str | None
    cross_account: str
    cross_account_text: str
    resources: tuple[str, ...]
    resource_note: str | None
    condition_keys: tuple[ConditionKeyRef, ...]
    condition_keys_note: str | None


@dataclass(frozen=True)
class Operation:
    """An API operation of the permissions reference, with its permission(s) and grant rows."""

    name: str
    api_reference_url: str | None
    permissions: tuple[str, ...]
    note: str | None
    grants: tuple[PermissionRow, ...]


@dataclass(frozen=True)
class OperationTerm:
    """One term of a condition key's API-operations expression (the union of its terms)."""

    kind: str
    operation: str | None = None
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyTypeClause:
    """A policy-type statement, optionally limited to the operations it names."""

    policy_types: tuple[str, ...]
    text: str
    applies_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConditionKey:
    """A condition key as the guide's condition-key pages describe it."""

    name: str
    anchor: str | None
    section: str
    condition_type: str | None
    value_type: str | None
    operations_text: str | None
    operations: tuple[OperationTerm, ...]
    policy_types_text: str | None
    policy_types: tuple[PolicyTypeClause, ...]
    deprecated: bool
    replacement: str | None
    description: str
    name_in_table: str | None = None


@dataclass(frozen=True)
class GlobalConditionKey:
    """An AWS global condition key that the guide gives KMS-specific guidance for."""

    name: str
    section_anchor: str
    section_title: str
    guidance: str


@dataclass(frozen=True)
class SarResourceRow:
    """One resource row of an action in the Service Authorization Reference."""

    resource_type: str | None
    required: bool
    condition_keys: tuple[str, ...]
    dependent_actions: tuple[str, ...]


@dataclass(frozen=True)
class SarAction:
    """An action of the Service Authorization Reference's actions table."""

    name: str
    api_reference_url: str | None
    description: str
    access_level: str
    resource_rows: tuple[SarResourceRow, ...]
    permission_only: bool = False


@dataclass(frozen=True)
class SarResourceType:
    """A resource type of the Service Authorization Reference (name and ARN pattern)."""

    name: str
    arn_pattern: str
    condition_keys: tuple[str, ...]


@dataclass(frozen=True)
class SarConditionKey:
    """A condition key of the Service Authorization Reference's condition keys table."""

    name: str
    description: str
    type: str


@dataclass(frozen=True)
class Callout:
    """A **Note**, **Important** or **Warning** callout of the guide, with its section."""

    page: str
    section: str
    section_anchor: str | None
    kind: str
    text: str


@dataclass(frozen=True)
class ViaServiceRow:
    """A row of the guide's table of services that support kms:ViaService.

    `names` are the ViaService names as written (`ec2.AWS_region.amazonaws.com`), empty when
    the copy does not give them; `note` is the rest of the cell ("EBS only", or ElastiCache's
    "Include both ViaService names in the condition key value: ..."), None when there is none.
    """

    service: str
    names: tuple[str, ...]
    note: str | None


@dataclass(frozen=True)
class ViaServicesPage:
    """The services that support kms:ViaService, as one guide page's table lists them."""

    provenance: Provenance
    services: tuple[ViaServiceRow, ...]


@dataclass(frozen=True)
class PermissionsPage:
    """The parsed permissions reference page."""

    provenance: Provenance
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class ConditionKeysPage:
    """The condition keys parsed from one condition-key page of the guide."""

    provenance: Provenance
    condition_keys: tuple[ConditionKey, ...]


@dataclass(frozen=True)
class GlobalConditionKeysPage:
    """The AWS global condition keys that conditions-aws gives guidance for."""

    provenance: Provenance
    global_keys: tuple[GlobalConditionKey, ...]


@dataclass(frozen=True)
class SarPage:
    """The parsed Service Authorization Reference page for KMS."""

    provenance: Provenance
    actions: tuple[SarAction, ...]
    resource_types: tuple[SarResourceType, ...]
    condition_keys: tuple[SarConditionKey, ...]


@dataclass(frozen=True)
class CalloutsPage:
    """The callouts of one guide page."""

    provenance: Provenance
    callouts: tuple[Callout, ...]


class ScrapeResult:
    """Everything one scrape produced, page by page, in one list per kind of record
    (`kinds.KINDS`): `result.of(kinds.SAR)` is the SAR pages."""

    def __init__(self) -> None:
        from kms_permissions.scraper.kinds import KINDS

        self._pages: dict[str, list[Any]] = {kind.field: [] for kind in KINDS}

    def of(self, kind: RecordKind[P]) -> list[P]:
        """The pages of one kind."""
        pages: list[P] = self._pages[kind.field]
        return pages

    def extend(self, other: ScrapeResult) -> None:
        """Add the pages of another scrape (another source of the same build)."""
        for field_name, pages in other._pages.items():
            self._pages[field_name] += pages

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, pages sorted by revision date and location."""
        from dataclasses import asdict

        def ordered(pages: list[Any]) -> list[dict[str, Any]]:
            key = lambda p: (p.provenance.revision_date, p.provenance.location)  # noqa: E731
            return [asdict(p) for p in sorted(pages, key=key)]

        lists = {name: ordered(pages) for name, pages in self._pages.items()}
        return {"format": "kms-permissions-scrape/1", **lists}


@dataclass(frozen=True)
class RequiredPermission:
    """A permission that an operation's "Required permissions" text names, as that text says it.

    `parameter` is the request parameter that makes it necessary ("Tags"), None when it is always
    needed; `where` is the Region or account it must be granted in ("in the replica Region").
    """

    permission: str
    policy_types: tuple[str, ...] | None
    resource: str | None
    parameter: str | None
    where: str | None
    sentence: str


@dataclass(frozen=True)
class ApiConditionKey:
    """A condition key the API Reference's text offers for an operation ("You can use the
    kms:PolicyName condition key to control access to this operation ...").

    `parameter` is the request parameter whose description says so (RotationPeriodInDays), None
    when the operation's own text does; `sentence` is the sentence as written.
    """

    name: str
    parameter: str | None
    sentence: str


@dataclass(frozen=True)
class ApiOperation:
    """An operation of the KMS API Reference (botocore's service model) and what its text says.

    `cross_account` is yes, no, n/a or other; None when the revision has no "Cross-account use"
    statement. `permissions_text` is None when it has no "Required permissions" section.
    """

    name: str
    summary: str
    cross_account: str | None
    cross_account_text: str | None
    required_permissions: tuple[RequiredPermission, ...]
    permissions_text: str | None
    permission_determined_by: str | None
    permissions_notes: tuple[str, ...]
    related_operations: tuple[str, ...]
    input_parameters: tuple[str, ...]
    deprecated: bool
    deprecated_message: str | None
    condition_keys: tuple[ApiConditionKey, ...] = ()


@dataclass(frozen=True)
class ApiReferencePage:
    """One revision of botocore's KMS service model: the API Reference text per operation."""

    provenance: Provenance
    api_version: str
    operations: tuple[ApiOperation, ...]
