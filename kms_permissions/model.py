"""The read model: one dataset version as typed facts. Every field is declared here once.

Each class is one kind of fact. Its fields marked `column` are the columns of a dataset table
(their order, type and meaning: `dataset/columns.py` derives the pyarrow and JSON schemas from
them); fields marked `derived` are computed from the tables when the read model is built
(`dataset/read_model.py`), never stored twice. `index.json` holds the read model as JSON (field
names as keys); `load()`, the lookup verbs, the constants, the site and the checks all read it.

A field's meaning is the docstring under it (editors show it on hover; `field_docs` reads it
for the schemas). A field typed by one of the Literal aliases below holds only those values
(the dataset's row checks refuse any other). `source` in a field's metadata names the source
the fact comes from, so provenance ("as of") and history follow from the declaration. The
classes are generic in the type of key (and action) names so that the generated constants can
hold enum members while a dataset loaded from a folder holds plain strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from kms_permissions._slotted import specs

# Not `typing.TYPE_CHECKING`: at run time the classes are `_slotted`'s frozen slotted records,
# which behave as the dataclasses type checkers see, without importing dataclasses and typing
# (most of the cost of the constants' first use and of `load()`). See `_slotted`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass, field
    from datetime import date, datetime
    from typing import Any, Generic, Literal, TypeVar
else:
    from kms_permissions._slotted import Generic, Literal, TypeVar, dataclass, field

# The version of the dataset's schema these classes declare: minor for added fields or tables,
# major for anything else.
SCHEMA_VERSION = "3.3.0"

PolicyType = Literal["key-policy", "iam-policy"]
ValueType = Literal["single-valued", "multi-valued"]
# A cross-account cell or statement: "other" when it says something else (see its text).
CrossAccount = Literal["yes", "no", "n/a", "other"]
# An action's cross-account use over its rows: "mixed" when rows differ, "contradictory" when the
# page says both.
ActionCrossAccount = Literal["yes", "no", "n/a", "other", "mixed", "contradictory"]
AccessLevel = Literal["List", "Read", "Write", "Permissions management", "Tagging"]
ConditionType = Literal["String", "Boolean", "Numeric", "Timestamp", "String (list)", "ARN"]
SarType = Literal["String", "Bool", "Numeric", "Date", "ArrayOfString", "ARN"]
KeyPrefix = Literal["kms", "aws"]
ResourceName = Literal["key", "alias", "*"]
NoteKind = Literal["Note", "Important", "Warning", "Tip"]
# Where an action's policy types and cross-account use come from.
ActionDetailsSource = Literal["guide", "api", "none"]
# Where a condition key's headline type and value type come from.
KeyDetailsSource = Literal["guide", "sar", "none"]
# A source of facts (the keys of FACT_SOURCES that state facts of their own).
FactSource = Literal["permissions", "conditions", "sar", "api"]
# A JSON value as text: Parquet's JSON type (DuckDB reads it as JSON), a string in JSON files.
JsonText = str

# The sources facts come from, in the order outputs show them.
FACT_SOURCES: dict[str, str] = {
    "permissions": "the developer guide's permissions reference",
    "conditions": "the developer guide's condition key pages",
    "sar": "the Service Authorization Reference",
    "api": "the KMS API Reference (botocore's service model)",
    "notes": "the developer guide's notes",
}
# The source each kind of input page feeds.
SOURCE_OF_PAGE_KIND: dict[str, str] = {
    "permissions": "permissions",
    "condition-keys": "conditions",
    "global-keys": "conditions",
    "via-services": "conditions",
    "sar": "sar",
    "api-reference": "api",
    "notes": "notes",
}

# The facts of an action, each with the sources that state it. The headline value of a fact is
# that of the newest dated source among those that state it (`dataset.headline`); an undated copy
# states it only where no dated source does. A fact several sources state has, beside its
# headline column, the column `<fact>_source` (the source of the headline) and one column per
# source with that source's value (`action_fact_column`); a fact one source states is that
# source's column. The API Reference describes operations: it states a description only of the
# permission named after its operation.
ACTION_FACTS: dict[str, tuple[str, ...]] = {
    "policy_types": ("permissions", "api"),
    "key_policy_effective": ("permissions", "api"),
    "cross_account": ("permissions", "api"),
    "cross_account_text": ("permissions", "api"),
    "resources": ("permissions", "sar", "api"),
    "description": ("sar", "api"),
    "access_level": ("sar",),
    "permission_only": ("sar",),
    "dependent_actions": ("sar",),
    "note": ("permissions",),
}
# The prefix of a source's own column of a fact several sources state.
SOURCE_COLUMN_PREFIX: dict[str, str] = {"permissions": "guide", "sar": "sar", "api": "api"}


def action_fact_column(fact: str, source: str) -> str:
    """The column holding one source's value of an action fact (`guide_policy_types`); the fact's
    own column where only that source states it."""
    if len(ACTION_FACTS[fact]) == 1:
        return fact
    return f"{SOURCE_COLUMN_PREFIX[source]}_{fact}"


# The condition key whose values the guide's table of services (`ViaService`) lists.
VIA_SERVICE_KEY = "kms:ViaService"

K = TypeVar("K", bound=str)
A = TypeVar("A", bound=str)


def column(source: str | None = None) -> Any:
    """A field stored as a table column (`source`: the source its fact comes from)."""
    return field(metadata={"source": source, "column": True})


def derived(source: str | None = None, element: type | None = None) -> Any:
    """A field computed from the tables when the read model is built (`element`: the class of
    its items when they are facts themselves)."""
    return field(metadata={"source": source, "column": False, "element": element})


def field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of a read-model class, as one line per field."""
    import ast
    from inspect import cleandoc
    from itertools import pairwise

    with open(__file__, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    (body,) = [n.body for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls.__name__]
    docs: dict[str, str] = {}
    for statement, following in pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = " ".join(cleandoc(following.value.value).split("\n"))
    return docs


@dataclass(frozen=True, slots=True)
class KeyGroup(Generic[K]):
    """Condition keys under one of the guide's group labels (None when unlabelled)."""

    label: str | None = derived()
    """The guide's group label, e.g. 'Encryption context conditions'."""
    keys: tuple[K, ...] = derived()
    """The keys under it, in the guide's order."""


@dataclass(frozen=True, slots=True)
class PermissionRow(Generic[K]):
    """One policy type / cross-account / resource row of an action (the permissions reference)."""

    action: str = column()
    """The permission."""
    row: int = column()
    """Position of the row within the action, from 0."""
    policy_type: PolicyType = column("permissions")
    """key-policy or iam-policy."""
    qualifier: str | None = column()
    """Qualifier of the policy type, e.g. 'for the alias'."""
    policy_type_text: str = column()
    """The policy type cell as written."""
    cross_account: CrossAccount = column("permissions")
    """yes, no, n/a or other."""
    cross_account_text: str = column()
    """The cross-account cell as written."""
    resources: tuple[ResourceName, ...] = column()
    """Resources of this row: key, alias or *."""
    resource_note: str | None = column()
    """Text under the resource, if any."""
    condition_keys_note: str | None = column()
    """Note of a 'None (...)' condition keys cell."""
    source_id: str = column()
    """Id of the input page in the sources table."""
    condition_keys: tuple[KeyGroup[K], ...] = derived(element=KeyGroup)
    """The condition keys the row lists, by group."""


@dataclass(frozen=True, slots=True)
class KeyLink:
    """That a condition key applies to an action, and which sources say so (the one relation
    both directions are derived from)."""

    action: str = column()
    """The permission."""
    condition_key: str = column()
    """The condition key (templates as ${name})."""
    permissions_source: str | None = column()
    """Source id of the permissions reference page that lists the key for the action, or null."""
    conditions_source: str | None = column()
    """Source id of the condition key page whose API operations for the key include the action, or
    null."""
    sar_source: str | None = column()
    """Source id of the SAR page that lists the key for the action, or null."""
    api_source: str | None = column()
    """Source id of the API Reference revision whose text offers the key for the action's
    operation (You can use the kms:PolicyName condition key ...), or null."""
    rule: str | None = column()
    """For an action the source does not list yet, the source's rule that pairs them: the
    condition key page's 'KMS key resource operations', or the SAR's key resource type; null
    where the source names the action itself."""
    applies: bool = column()
    """Headline: the key applies to the action, as the newest dated source that speaks of the pair
    says (`decided_by`); a pair an older source lists and the newer one leaves out is kept, with
    applies false, and is a discrepancy."""
    decided_by: FactSource | None = column()
    """The source whose statement is the headline: the newest dated one that speaks of the pair (a
    source listing the action and the key speaks of it; the API Reference only where it offers
    the key); null when only undated copies speak of it (they state facts but date none)."""
    grant_rows: tuple[int, ...] = column()
    """Permissions reference rows of the action listing it."""
    group: str | None = column()
    """The permissions reference's group label for the key."""
    position: int | None = column()
    """Order in which the permissions reference lists it, from 0."""
    sar_resource_types: tuple[str, ...] = column()
    """SAR rows of the action listing it: key, alias, or * for the action's own row."""
    sar_names: tuple[str, ...] = column()
    """The SAR's names for it, where they differ: instances of a template (PCR0 ... PCR31) or
    another spelling of the placeholder."""

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources that pair the two, in FACT_SOURCES order."""
        found = (
            ("permissions", self.permissions_source),
            ("conditions", self.conditions_source),
            ("sar", self.sar_source),
            ("api", self.api_source),
        )
        return tuple(name for name, sid in found if sid)


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """A point on which the guide and the SAR disagree, with both sources cited."""

    kind: str = column()
    """What disagrees, e.g. action-only-in-sar, key-only-in-guide-for-action."""
    subject: str = column()
    """The action, key or action|key pair concerned."""
    detail: str = column()
    """One sentence saying what each source says."""
    guide_source: str | None = column()
    """Source id of the guide page compared."""
    sar_source: str | None = column()
    """Source id of the SAR page compared."""
    api_source: str | None = column()
    """Source id of the API Reference page compared."""


@dataclass(frozen=True, slots=True)
class RequiredPermission:
    """A permission an API operation needs, as the KMS API Reference says (botocore's model)."""

    operation: str = column()
    """The API operation."""
    position: int = column()
    """Order within the operation's Required permissions, from 0."""
    permission: str = column()
    """The permission it needs, e.g. kms:TagResource."""
    policy_types: tuple[PolicyType, ...] = column("api")
    """Where to grant it: key-policy, iam-policy (empty when the text does not say)."""
    resource: str | None = column("api")
    """The resource it must be granted on, as written (the primary key, the alias)."""
    parameter: str | None = column("api")
    """The request parameter that makes it necessary (Tags); null when always needed."""
    where: str | None = column("api")
    """The Region or account it must be granted in, as written."""
    sentence: str = column()
    """The API Reference's sentence."""
    source_id: str = column()
    """Id of the input page in the sources table."""


@dataclass(frozen=True, slots=True)
class ViaService:
    """A service the guide lists as supporting kms:ViaService, with the names it sends."""

    service: str = column()
    """The service as the guide names it, e.g. Amazon Elastic Block Store."""
    names: tuple[str, ...] = column("conditions")
    """Its ViaService names as written (ec2.AWS_region.amazonaws.com, AWS_region standing for the
    Region); empty when the copy does not give them."""
    note: str | None = column("conditions")
    """What the table says beside the names, as written (EBS only); null when nothing."""
    source_id: str = column()
    """Id of the input page in the sources table."""

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The service parts of its names (ec2 for ec2.AWS_region.amazonaws.com)."""
        return tuple(name.split(".", 1)[0] for name in self.names)


@dataclass(frozen=True, slots=True)
class ActionInfo(Generic[K]):
    """Everything the dataset knows about one KMS permission."""

    action: str = column()
    """The permission as written in policies, e.g. kms:Decrypt."""
    operation: str = column()
    """The API operation it authorizes (ReEncrypt for ReEncryptFrom)."""
    api_reference_url: str | None = column()
    """Link to the operation in the KMS API Reference."""
    in_guide: bool = column()
    """Listed in the developer guide's permissions reference."""
    in_sar: bool = column()
    """Listed in the Service Authorization Reference."""
    policy_types: tuple[PolicyType, ...] = column()
    """Headline: where it can be granted, key-policy, iam-policy (policy_types_source says which
    source; guide_policy_types and api_policy_types are each one's)."""
    key_policy_effective: bool | None = column()
    """Headline: false when a key policy grant has no effect (or it is not granted in one)."""
    cross_account: ActionCrossAccount | None = column()
    """Headline: yes, no, n/a, other, mixed (the guide's rows differ) or contradictory (the guide
    says both)."""
    cross_account_text: str | None = column()
    """Headline: the cross-account statement as written (the guide's cells, or the API
    Reference's Cross-account use)."""
    resources: tuple[ResourceName, ...] = column()
    """Headline: resources it applies to, key, alias, *."""
    access_level: AccessLevel | None = column("sar")
    """SAR access level: List, Read, Write, Permissions management, Tagging."""
    description: str | None = column()
    """Headline: the SAR's description of the permission, or the API Reference's first sentence
    for its operation (description_source)."""
    api_description: str | None = column("api")
    """The API Reference's first sentence for its operation (for an action the SAR does not list
    yet, the description outputs show)."""
    permission_only: bool = column("sar")
    """SAR marks it [permission only]: no API operation of that name."""
    dependent_actions: tuple[str, ...] = column("sar")
    """SAR dependent actions."""
    note: str | None = column("permissions")
    """The guide's note on the operation."""
    in_api: bool = column()
    """Its permission or operation is in the KMS API Reference (botocore's service model)."""
    api_operation: str | None = column("api")
    """The API operation whose Required permissions name it (in revisions without that section: its
    operation)."""
    api_cross_account: CrossAccount | None = column("api")
    """The API Reference's Cross-account use: yes, no, n/a or other."""
    api_cross_account_text: str | None = column("api")
    """That statement as written."""
    api_policy_types: tuple[PolicyType, ...] = column("api")
    """Where the API Reference says to grant it: key-policy, iam-policy."""
    details_source: ActionDetailsSource = column()
    """Where the headline policy types come from, in the words of schema 2: guide, api or none
    (policy_types_source says it for each fact)."""
    policy_types_source: FactSource | None = column()
    """The source of the headline policy_types: the newest dated one that states it (permissions
    or api); null when none does."""
    key_policy_effective_source: FactSource | None = column()
    """The source of the headline key_policy_effective."""
    cross_account_source: FactSource | None = column()
    """The source of the headline cross_account."""
    cross_account_text_source: FactSource | None = column()
    """The source of the headline cross_account_text."""
    resources_source: FactSource | None = column()
    """The source of the headline resources: permissions, sar or api."""
    description_source: FactSource | None = column()
    """The source of the headline description: sar or api."""
    guide_policy_types: tuple[PolicyType, ...] = column("permissions")
    """The permissions reference's policy types (its rows'), whatever the headline."""
    guide_key_policy_effective: bool | None = column("permissions")
    """False when the permissions reference says a key policy grant has no effect; null when it
    does not list the action."""
    guide_cross_account: ActionCrossAccount | None = column("permissions")
    """The permissions reference's cross-account use over its rows (mixed, contradictory kept)."""
    guide_cross_account_text: str | None = column("permissions")
    """The permissions reference's cross-account cells as written."""
    guide_resources: tuple[ResourceName, ...] = column("permissions")
    """The permissions reference's resources (its rows')."""
    sar_resources: tuple[ResourceName, ...] = column("sar")
    """The SAR's resource types for it (* for a row without one)."""
    sar_description: str | None = column("sar")
    """The SAR's description of the permission."""
    api_key_policy_effective: bool | None = column("api")
    """Whether the API Reference says to grant it in a key policy (null where it does not say
    where to grant it)."""
    api_resources: tuple[ResourceName, ...] = column("api")
    """The resources the API Reference's Required permissions give it (* for an IAM policy
    grant on no resource); empty where it does not say where to grant it."""
    grants: tuple[PermissionRow[K], ...] = derived("permissions", element=PermissionRow)
    """The permissions reference's rows for it."""
    condition_keys: tuple[K, ...] = derived()
    """Headline: the condition keys that apply to it (per pair, as the newest dated source that
    speaks of it says): the permissions reference's in its order, then the others."""
    condition_key_sources: Mapping[K, tuple[str, ...]] = derived()
    """Per condition key some source pairs with this action (applying or not), those sources."""
    keys_not_applying: tuple[K, ...] = derived()
    """Keys an older or undated source pairs with it that the newest dated source speaking of the
    pair leaves out (not in condition_keys; each is a discrepancy)."""
    condition_key_rules: Mapping[K, str] = derived()
    """Per condition key a source pairs with it by a rule (it does not list the action yet), the
    rule."""
    resource_arns: Mapping[str, str] = derived("sar")
    """ARN format of each resource (SAR)."""
    as_of: Mapping[str, date | None] = derived()
    """Per source, the revision date of the page the facts come from (null: undated)."""
    headline_sources: Mapping[str, str] = derived()
    """Per fact of ACTION_FACTS some source states, the source of its headline value."""
    headline_as_of: Mapping[str, date | None] = derived()
    """Per headline fact, the revision date of that source's page (null: undated)."""
    listed_since: Mapping[str, date | None] = derived()
    """Per source, the date of the earliest snapshot held that lists it (null: an undated copy). The
    snapshots begin at each source's coverage start, so this is not the date AWS introduced it."""
    discrepancies: tuple[Discrepancy, ...] = derived(element=Discrepancy)
    """Where the sources disagree about it."""
    required_permissions: tuple[RequiredPermission, ...] = derived(
        "api", element=RequiredPermission
    )
    """What its API operation needs (API Reference): each permission with its policy type, resource,
    and the parameter or Region it depends on."""
    required_by: tuple[RequiredPermission, ...] = derived("api", element=RequiredPermission)
    """Other operations that need this permission, and when (API Reference)."""
    listed_in: Mapping[str, str] = derived()
    """Per source, the revision of the earliest copy that lists it (commit, date or release)."""

    @property
    def usable_cross_account(self) -> bool:
        """Principals in another account can use it (the guide says Yes)."""
        return self.cross_account == "yes"

    @property
    def iam_policy_only(self) -> bool:
        """It can be granted only in an IAM policy."""
        return only_in_iam_policies(self.policy_types)


@dataclass(frozen=True, slots=True)
class ConditionKeyInfo(Generic[A]):
    """Everything the dataset knows about one condition key."""

    condition_key: str = column()
    """The key (templates as ${name}, in the guide's spelling)."""
    prefix: KeyPrefix = column()
    """kms or aws."""
    is_template: bool = column()
    """The name holds a ${...} template part."""
    in_guide: bool = column()
    """Described or listed by the developer guide."""
    in_sar: bool = column()
    """Listed in the SAR (itself, its instances or another spelling)."""
    in_api: bool = column()
    """Offered for some operation by the KMS API Reference's text."""
    condition_type: ConditionType | None = column()
    """Headline: String, Boolean, Numeric, Timestamp, String (list), ARN, as the newest dated
    source that gives a type says (details_source; the others' are guide_condition_type and
    sar_type)."""
    value_type: ValueType | None = column()
    """Headline: single-valued or multi-valued, from the same source as condition_type."""
    details_source: KeyDetailsSource = column()
    """Where the headline condition_type and value_type come from: guide (its condition key
    pages), sar, or none. The newest dated source that gives a type wins."""
    guide_condition_type: ConditionType | None = column("conditions")
    """The guide's condition type (its condition key pages), whatever the headline."""
    guide_value_type: ValueType | None = column("conditions")
    """The guide's value type, whatever the headline."""
    sar_type: SarType | None = column("sar")
    """The SAR's type: String, Bool, Numeric, Date, ArrayOfString, ARN."""
    operations_text: str | None = column("conditions")
    """The guide's API operations cell as written."""
    operations_expression: JsonText | None = column("conditions")
    """That cell parsed, as JSON terms."""
    policy_types: tuple[PolicyType, ...] = column("conditions")
    """key-policy and/or iam-policy."""
    policy_types_text: str | None = column("conditions")
    """The guide's policy type cell as written."""
    deprecated: bool = column("conditions")
    """The guide marks the key deprecated."""
    replacement: str | None = column("conditions")
    """The key to use instead of a deprecated one."""
    description: str | None = column()
    """Headline: the description of the newest dated source that describes it
    (description_source); the others' are guide_description, sar_description, api_description."""
    description_source: FactSource | None = column()
    """The source of the headline description: conditions, sar or api; null when none describes
    it."""
    guide_description: str | None = column("conditions")
    """First paragraph of the guide's description (for an AWS global key, its guidance)."""
    sar_description: str | None = column("sar")
    """The SAR's description (of a template: what its instances' descriptions share)."""
    api_description: str | None = column("api")
    """The API Reference's sentence offering it (the first operation's, by name)."""
    anchor: str | None = column()
    """Anchor of the key's section in the guide."""
    section: str | None = column()
    """Guide section (conditions-kms, conditions-aws, ...)."""
    sar_names: tuple[str, ...] = column("sar")
    """The SAR's names for it where they differ (instances, another placeholder spelling)."""
    sar_descriptions: tuple[str, ...] = column()
    """The SAR's description of each of its sar_names, in the same order, where the SAR describes
    its instances one by one (what each PCR measures); empty otherwise."""
    actions: tuple[A, ...] = derived()
    """Headline: the actions it applies to (per pair, as the newest dated source that speaks of it
    says; see KeyLink.applies)."""
    action_sources: Mapping[A, tuple[str, ...]] = derived()
    """Per action some source pairs with this key (whether or not it applies), those sources."""
    not_applying: tuple[A, ...] = derived()
    """Actions an older or undated source pairs with it that the newest dated source speaking of
    the pair leaves out (not in actions; each is a discrepancy)."""
    as_of: Mapping[str, date | None] = derived()
    """Per source, the revision date of the page the facts come from (null: undated)."""
    headline_sources: Mapping[str, str] = derived()
    """Per headline field (condition_type, value_type, description, actions), the source it comes
    from (actions: the newest source that decides one of its pairs)."""
    headline_as_of: Mapping[str, date | None] = derived()
    """Per headline field, the revision date of that source's page (null: undated)."""
    listed_since: Mapping[str, date | None] = derived()
    """Per source, the date of the earliest snapshot held that lists it (null: an undated copy; not
    the date AWS introduced it)."""
    discrepancies: tuple[Discrepancy, ...] = derived(element=Discrepancy)
    """Where the sources disagree about it."""
    listed_in: Mapping[str, str] = derived()
    """Per source, the revision of the earliest copy that lists it (commit, date or release)."""
    via_services: tuple[ViaService, ...] = derived("conditions", element=ViaService)
    """The services the guide's table lists as supporting it, with their ViaService names
    (kms:ViaService; empty for every other key)."""

    @property
    def multi_valued(self) -> bool:
        """A multi-valued key: conditions on it need ForAnyValue / ForAllValues."""
        return self.value_type == "multi-valued"


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource type of the SAR with its ARN format."""

    resource_type: str = column()
    """key or alias."""
    arn_pattern: str = column("sar")
    """ARN format with ${...} placeholders."""
    condition_keys: tuple[str, ...] = column()
    """Condition keys that apply to the resource type."""
    source_id: str = column()
    """Id of the input page in the sources table."""


@dataclass(frozen=True, slots=True)
class Note:
    """A Note, Important, Warning or Tip callout of the guide, with what it mentions."""

    page: str = column()
    """The guide page, e.g. iam-policies."""
    position: int = column()
    """Order of the callout on its page, from 0."""
    section: str = column()
    """Title of the section the callout sits in."""
    section_anchor: str | None = column()
    """Anchor of that section."""
    kind: NoteKind = column()
    """Note, Important, Warning or Tip."""
    text: str = column()
    """The callout's text."""
    mentions: tuple[str, ...] = column()
    """Actions and condition keys the text names."""
    source_id: str = column()
    """Id of the input page in the sources table."""


@dataclass(frozen=True, slots=True)
class Source:
    """Provenance of one input page."""

    source_id: str = column()
    """Id of the input page: kind/name@revision."""
    kind: str = column()
    """permissions, condition-keys, global-keys, via-services, notes, sar or api-reference."""
    rendering: str = column()
    """md-list, html-table, md-tables, md or sar-html."""
    location: str = column()
    """URL or path it was read from."""
    revision: str = column()
    """Git commit, HTTP ETag/Last-Modified, file date or sha256:..."""
    revision_date: date | None = column()
    """Date of that revision (YYYY-MM-DD); null if undated."""
    fetched_at: datetime | None = column()
    """When it was fetched over HTTP (UTC)."""
    sha256: str = column()
    """sha256 of the page's bytes."""
    content_type: str = column()
    """Content type of the page."""
    release: str | None = column()
    """First release of the package that shipped this revision (botocore), if any."""


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """A fact and the interval of dataset versions in which it held."""

    entity_kind: str = column()
    """action, condition_key, action_condition_key or resource_type."""
    entity: str = column()
    """The action, key, action|key pair or resource type."""
    field: str = column()
    """present, or the name of a field of the entity."""
    value: JsonText = column()
    """The field's value as JSON."""
    source: str = column()
    """permissions, conditions, sar or api: the source the fact comes from."""
    valid_from: date | None = column()
    """Date of the first version whose copy of the fact's source is dated and shows the fact; null
    when only undated copies show it (undated says why)."""
    undated: str | None = column()
    """Why valid_from is null: the undated copies that show the fact (source ids); null when
    dated."""
    valid_to: date | None = column()
    """Date of the first version no longer showing it; null if the newest still shows it."""
    first_revision: str = column()
    """Source revision (commit, date or release) of the first version showing it."""
    last_revision: str = column()
    """Source revision of the last version showing it."""


@dataclass(frozen=True, slots=True)
class Coverage:
    """The span of one source's snapshots in a dataset's history."""

    source: str = derived()
    """permissions, conditions, sar, api or notes."""
    first: date | None = derived()
    """Date of the earliest snapshot held."""
    newest: date | None = derived()
    """Revision date of the newest page (null: undated)."""


@dataclass(frozen=True, slots=True)
class Reference:
    """One dataset version as typed facts: the read model every output uses.

    The bundled dataset's tables are read when first used (`kms_permissions.reference`): a
    verb that needs a few facts reads only those."""

    version: str
    schema_version: str
    folder: str
    actions: Mapping[str, ActionInfo[str]]
    condition_keys: Mapping[str, ConditionKeyInfo[str]]
    links: Sequence[KeyLink]
    resource_types: Mapping[str, ResourceType]
    discrepancies: Sequence[Discrepancy]
    notes: Sequence[Note]
    sources: Mapping[str, Source]
    coverage: Mapping[str, Coverage]


def to_json(value: Any) -> Any:
    """A fact (or a tuple or mapping of them) as JSON-ready data, field names as keys (dates as
    ISO 8601 text, UTC times ending in Z)."""
    cls = type(value)
    if "_record_fields" in cls.__dict__ or hasattr(cls, "__dataclass_fields__"):
        return {name: to_json(getattr(value, name)) for name, _ in specs(cls)}
    if hasattr(value, "isoformat"):  # a date or datetime
        return str(value.isoformat()).replace("+00:00", "Z")
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    return value


T = TypeVar("T")


def only_in_iam_policies(policy_types: tuple[str, ...]) -> bool:
    """Whether an action of these policy types can be granted only in an IAM policy."""
    return policy_types == ("iam-policy",)


def from_json(cls: type[T], data: Mapping[str, Any]) -> T:
    """A fact of class `cls` from the JSON `to_json` made (extra keys such as `kind` ignored)."""
    values = {name: _value(data[name], element, dated) for name, element, dated in _plan(cls)}
    return cls(**values)


def field_from_json(cls: type, data: Mapping[str, Any], name: str) -> Any:
    """One field of a fact of class `cls`, as `from_json(cls, data)` would hold it."""
    for field_name, element, dated in _plan(cls):
        if field_name == name:
            return _value(data[name], element, dated)
    raise KeyError(f"{cls.__name__} has no field {name!r}")


def _value(value: Any, element: Any, dated: str | None) -> Any:
    if element is not None:
        return tuple([from_json(element, item) for item in value])
    if dated is not None:
        return _parsed(value, dated)
    if type(value) in _CONTAINERS:
        return _frozen(value)
    return value


_PLANS: dict[type, tuple[tuple[str, Any, str | None], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, Any, str | None], ...]:
    """Per field of `cls`: its name, its element class (facts in a list) and its date kind."""
    found = _PLANS.get(cls)
    if found is None:
        dated = _dated(cls)
        found = _PLANS[cls] = tuple(
            (name, metadata.get("element"), dated.get(name)) for name, metadata in specs(cls)
        )
    return found


_DATED: dict[type, dict[str, str]] = {}


def _dated(cls: type) -> dict[str, str]:
    """The fields of `cls` holding dates or times (or mappings of them): name -> type name."""
    found = _DATED.get(cls)
    if found is None:
        annotations: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            annotations.update(klass.__dict__.get("__annotations__", {}))  # noqa: RUF063
        found = {}
        for name, annotation in annotations.items():
            kind = _date_kind(str(annotation))
            if kind:
                found[name] = kind
        _DATED[cls] = found
    return found


def _date_kind(annotation: str) -> str | None:
    """The first of the words `datetime` and `date` in an annotation, or None (as the regular
    expression \\b(datetime|date)\\b finds it, whose compiling a cold start would pay for)."""
    words = "".join(c if c.isalnum() or c == "_" else " " for c in annotation).split()
    return next((word for word in words if word in ("datetime", "date")), None)


def _parsed(value: Any, kind: str) -> Any:
    """A date or time from its ISO 8601 text (each value of a mapping; None stays None)."""
    from datetime import date, datetime

    parse = date.fromisoformat if kind == "date" else datetime.fromisoformat
    if isinstance(value, dict):
        return MappingProxyType({k: None if v is None else parse(v) for k, v in value.items()})
    return None if value is None else parse(value)


_CONTAINERS = (list, dict)


def _frozen(value: Any) -> Any:
    if type(value) is list:
        return tuple([_frozen(item) if type(item) in _CONTAINERS else item for item in value])
    if type(value) is dict:
        return MappingProxyType(
            {k: _frozen(v) if type(v) in _CONTAINERS else v for k, v in value.items()}
        )
    return value


# Names kept for code written against older releases; each warns when used.
_DEPRECATED = {"Grant": "PermissionRow", "SOURCES": "FACT_SOURCES"}


def __getattr__(name: str) -> Any:
    if name in _DEPRECATED:
        import warnings

        new = _DEPRECATED[name]
        warnings.warn(
            f"kms_permissions.model.{name} is deprecated: use {new}", DeprecationWarning, 2
        )
        return globals()[new]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
