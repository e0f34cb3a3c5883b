"""The dataset's tables: every column's type and meaning, in one place.

The pyarrow schemas, the JSON Schemas and the row checks are all derived from these specs, so
the documentation of a column cannot drift from its type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = "1.0.0"


@dataclass(frozen=True)
class Column:
    """One column: name, type (`string`, `bool`, `int`, `strings`), nullability, meaning."""

    name: str
    type: str
    description: str
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    """One table: its name, what a row is, its columns and the columns rows are sorted by."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    def column_names(self) -> list[str]:
        """The column names in order."""
        return [c.name for c in self.columns]


def _c(name: str, type_: str, description: str, nullable: bool = False) -> Column:
    return Column(name, type_, description, nullable)


SOURCE_ID = _c("source_id", "string", "Id of the input page in the sources table.")

TABLES: tuple[Table, ...] = (
    Table(
        "actions",
        "One row per KMS permission (IAM action), merged from the guide and the SAR.",
        (
            _c("action", "string", "The permission as written in policies, e.g. kms:Decrypt."),
            _c(
                "operation",
                "string",
                "The API operation it authorizes (ReEncrypt for ReEncryptFrom).",
            ),
            _c(
                "api_reference_url",
                "string",
                "Link to the operation in the KMS API Reference.",
                True,
            ),
            _c("in_guide", "bool", "Listed in the developer guide's permissions reference."),
            _c("in_sar", "bool", "Listed in the Service Authorization Reference."),
            _c(
                "policy_types",
                "strings",
                "Where it can be granted: key-policy, iam-policy (guide).",
            ),
            _c(
                "key_policy_effective",
                "bool",
                "False when the guide says a key policy grant has no effect.",
                True,
            ),
            _c("cross_account", "string", "yes, no, n/a, other or mixed (guide).", True),
            _c("cross_account_text", "string", "The guide's cross-account cell as written.", True),
            _c(
                "resource_types",
                "strings",
                "Resources it applies to: key, alias, * (guide, else SAR).",
            ),
            _c(
                "access_level",
                "string",
                "SAR access level: List, Read, Write, Permissions management, Tagging.",
                True,
            ),
            _c("description", "string", "SAR description of the action.", True),
            _c(
                "permission_only",
                "bool",
                "SAR marks it [permission only]: no API operation of that name.",
            ),
            _c("dependent_actions", "strings", "SAR dependent actions."),
            _c("note", "string", "The guide's note on the operation.", True),
            _c("first_seen", "string", "Date of the first source snapshot that lists it.", True),
        ),
        ("action",),
    ),
    Table(
        "action_grants",
        "One row per policy type / cross-account / resource row of an action (guide).",
        (
            _c("action", "string", "The permission."),
            _c("row", "int", "Position of the row within the action, from 0."),
            _c("policy_type", "string", "key-policy or iam-policy."),
            _c("qualifier", "string", "Qualifier of the policy type, e.g. 'for the alias'.", True),
            _c("policy_type_text", "string", "The policy type cell as written."),
            _c("cross_account", "string", "yes, no, n/a or other."),
            _c("cross_account_text", "string", "The cross-account cell as written."),
            _c("resources", "strings", "Resources of this row: key, alias or *."),
            _c("resource_note", "string", "Text under the resource, if any.", True),
            _c(
                "condition_keys_note", "string", "Note of a 'None (...)' condition keys cell.", True
            ),
            SOURCE_ID,
        ),
        ("action", "row"),
    ),
    Table(
        "action_condition_keys",
        "Long form: one row per action, condition key and source that pairs them.",
        (
            _c("action", "string", "The permission."),
            _c("condition_key", "string", "The condition key (templates as ${name})."),
            _c("source", "string", "guide (permissions reference) or sar."),
            _c("grant_row", "int", "Guide grant row the key belongs to.", True),
            _c(
                "position", "int", "Order in which the source lists the key for the action, from 0."
            ),
            _c(
                "group",
                "string",
                "The guide's group label, e.g. 'Encryption context conditions'.",
                True,
            ),
            _c("resource_type", "string", "SAR resource row (key, alias) it is listed on.", True),
            _c("is_global", "bool", "An AWS global condition key (aws:...)."),
            SOURCE_ID,
        ),
        ("action", "condition_key", "source", "grant_row", "resource_type"),
    ),
    Table(
        "condition_keys",
        "One row per condition key: the guide's details, the SAR's type and description.",
        (
            _c("condition_key", "string", "The key (templates as ${name})."),
            _c("prefix", "string", "kms or aws."),
            _c("is_template", "bool", "The name holds a ${...} template part."),
            _c("in_guide", "bool", "Described or listed by the developer guide."),
            _c("in_sar", "bool", "Listed in the SAR's condition keys table."),
            _c(
                "condition_type",
                "string",
                "String, Boolean, Numeric, Timestamp, String (list), ARN.",
                True,
            ),
            _c("value_type", "string", "single-valued or multi-valued.", True),
            _c(
                "details_source",
                "string",
                "Where type and operations come from: guide, sar or none.",
            ),
            _c(
                "sar_type",
                "string",
                "The SAR's type: String, Bool, Numeric, Date, ArrayOfString, ARN.",
                True,
            ),
            _c("operations_text", "string", "The guide's API operations cell as written.", True),
            _c("operations_expression", "string", "That cell parsed, as JSON terms.", True),
            _c("actions", "strings", "Actions the key applies to, resolved from the expression."),
            _c(
                "policy_types",
                "strings",
                "key-policy and/or iam-policy (guide).",
            ),
            _c("policy_types_text", "string", "The guide's policy type cell as written.", True),
            _c("deprecated", "bool", "The guide marks the key deprecated."),
            _c("replacement", "string", "The key to use instead of a deprecated one.", True),
            _c("description", "string", "First paragraph of the guide's description.", True),
            _c("sar_description", "string", "The SAR's description.", True),
            _c("anchor", "string", "Anchor of the key's section in the guide.", True),
            _c("section", "string", "Guide section (conditions-kms, conditions-aws, ...).", True),
            _c("first_seen", "string", "Date of the first source snapshot that lists it.", True),
        ),
        ("condition_key",),
    ),
    Table(
        "resource_types",
        "Resource types of the SAR with their ARN formats.",
        (
            _c("resource_type", "string", "key or alias."),
            _c("arn_pattern", "string", "ARN format with ${...} placeholders."),
            _c("condition_keys", "strings", "Condition keys that apply to the resource type."),
            SOURCE_ID,
        ),
        ("resource_type",),
    ),
    Table(
        "discrepancies",
        "Where the guide and the SAR disagree, with both sources cited.",
        (
            _c(
                "kind",
                "string",
                "What disagrees, e.g. action-only-in-sar, key-only-in-guide-for-action.",
            ),
            _c("subject", "string", "The action, key or action|key pair concerned."),
            _c("detail", "string", "One sentence saying what each source says."),
            _c("guide_source", "string", "Source id of the guide page compared.", True),
            _c("sar_source", "string", "Source id of the SAR page compared.", True),
        ),
        ("kind", "subject"),
    ),
    Table(
        "notes",
        "The guide's Note, Important, Warning and Tip callouts, with what they mention.",
        (
            _c("page", "string", "The guide page, e.g. iam-policies."),
            _c("position", "int", "Order of the callout on its page, from 0."),
            _c("section", "string", "Title of the section the callout sits in."),
            _c("section_anchor", "string", "Anchor of that section.", True),
            _c("kind", "string", "Note, Important, Warning or Tip."),
            _c("text", "string", "The callout's text."),
            _c("mentions", "strings", "Actions and condition keys the text names."),
            SOURCE_ID,
        ),
        ("page", "position"),
    ),
    Table(
        "sources",
        "Provenance of every input page.",
        (
            SOURCE_ID,
            _c("kind", "string", "permissions, condition-keys, global-keys, notes or sar."),
            _c("rendering", "string", "md-list, html-table, md-tables, md or sar-html."),
            _c("location", "string", "URL or path it was read from."),
            _c(
                "revision", "string", "Git commit, HTTP ETag/Last-Modified, file date or sha256:..."
            ),
            _c("revision_date", "string", "Date of that revision (YYYY-MM-DD).", True),
            _c("fetched_at", "string", "When it was fetched over HTTP (UTC).", True),
            _c("sha256", "string", "sha256 of the page's bytes."),
            _c("content_type", "string", "Content type of the page."),
        ),
        ("source_id",),
    ),
)

HISTORY = Table(
    "history",
    "Temporal table: each fact and the interval of versions in which it held.",
    (
        _c(
            "entity_kind", "string", "action, condition_key, action_condition_key or resource_type."
        ),
        _c("entity", "string", "The action, key, action|key pair or resource type."),
        _c("field", "string", "present, or the name of a field of the entity."),
        _c("value", "string", "The field's value as JSON."),
        _c("source", "string", "guide or sar: the source the fact comes from."),
        _c("valid_from", "string", "Date of the first version showing the fact."),
        _c(
            "valid_to",
            "string",
            "Date of the first version no longer showing it; null if it still holds.",
            True,
        ),
        _c("first_revision", "string", "Source revision of the first version showing it."),
        _c("last_revision", "string", "Source revision of the last version showing it."),
    ),
    ("entity_kind", "entity", "field", "source", "valid_from"),
)

ALL_TABLES = {t.name: t for t in (*TABLES, HISTORY)}


def arrow_schema(table: Table) -> Any:
    """The pyarrow schema of a table, with column descriptions as field metadata."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "bool": pa.bool_(),
        "int": pa.int32(),
        "strings": pa.list_(pa.field("element", pa.string())),
    }
    return pa.schema(
        [
            pa.field(
                c.name, types[c.type], nullable=c.nullable, metadata={"description": c.description}
            )
            for c in table.columns
        ],
        metadata={
            "table": table.name,
            "description": table.description,
            "schema_version": SCHEMA_VERSION,
        },
    )


def json_schema(table: Table) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a table's JSON file: an array of row objects."""
    types: dict[str, dict[str, Any]] = {
        "string": {"type": "string"},
        "bool": {"type": "boolean"},
        "int": {"type": "integer"},
        "strings": {"type": "array", "items": {"type": "string"}},
    }
    properties: dict[str, Any] = {}
    for column in table.columns:
        spec = dict(types[column.type])
        if column.nullable:
            spec["type"] = [spec["type"], "null"]
        spec["description"] = column.description
        properties[column.name] = spec
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://kms-permissions.dev/schema/{SCHEMA_VERSION}/{table.name}.schema.json",
        "title": table.name,
        "description": table.description,
        "type": "array",
        "items": {
            "type": "object",
            "properties": properties,
            "required": table.column_names(),
            "additionalProperties": False,
        },
    }


def check_row(table: Table, row: dict[str, Any]) -> str | None:
    """What is wrong with a row for this table, or None when it conforms."""
    if list(row) != table.column_names():
        return f"columns {sorted(row)} are not {table.column_names()}"
    for column in table.columns:
        value = row[column.name]
        if value is None:
            if not column.nullable:
                return f"{column.name} is null"
            continue
        ok = {
            "string": isinstance(value, str),
            "bool": isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "strings": isinstance(value, list) and all(isinstance(v, str) for v in value),
        }[column.type]
        if not ok:
            return f"{column.name}={value!r} is not {column.type}"
    return None
