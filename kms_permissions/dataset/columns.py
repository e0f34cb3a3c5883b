"""The dataset's tables, derived from the read model's declaration (`kms_permissions.model`).

Each table's columns are the stored fields of one model class; the pyarrow schemas, the JSON
Schemas and the row checks are derived from them, so a column is declared once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from kms_permissions import model
from kms_permissions._slotted import LiteralValues

SCHEMA_VERSION = model.SCHEMA_VERSION


@dataclass(frozen=True)
class Column:
    """One column: name, type (`string`, `bool`, `int`, `date`, `timestamp`, `json`, `strings`,
    `ints`), meaning, nullability,
    and the values a Literal-typed column may hold (None: any of its type)."""

    name: str
    type: str
    description: str
    nullable: bool = False
    values: tuple[str, ...] | None = None


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


# Column types by the annotation of the model's field (annotations are strings here); a name
# the model binds to a Literal alias is a string column holding only its values.
_SCALARS = {
    "str": "string",
    "bool": "bool",
    "int": "int",
    "date": "date",
    "datetime": "timestamp",
    "JsonText": "json",
}
_LISTS = {"string": "strings", "int": "ints"}


def _column_type(annotation: str) -> tuple[str, bool, tuple[str, ...] | None]:
    """(column type, nullable, allowed values) of a field's annotation; TypeError if none."""
    nullable = annotation.endswith(" | None")
    inner = annotation.removesuffix(" | None")
    is_list = inner.startswith("tuple[") and inner.endswith(", ...]")
    element = inner[len("tuple[") : -len(", ...]")] if is_list else inner
    values: tuple[str, ...] | None = None
    if element in _SCALARS:
        scalar = _SCALARS[element]
    elif isinstance(alias := getattr(model, element, None), LiteralValues):
        scalar, values = "string", tuple(alias.__args__)
    else:
        raise TypeError(annotation)
    if is_list:
        if scalar not in _LISTS or nullable:
            raise TypeError(annotation)
        return _LISTS[scalar], False, values
    return scalar, nullable, values


def columns_of(cls: type) -> tuple[Column, ...]:
    """The stored fields of a read-model class as columns, in declaration order."""
    found = []
    docs = model.field_docs(cls)
    for spec in fields(cls):
        if not spec.metadata.get("column"):
            continue
        annotation = str(spec.type)
        try:
            type_, nullable, values = _column_type(annotation)
        except TypeError:
            raise TypeError(
                f"{cls.__name__}.{spec.name}: no column type for {annotation!r}"
            ) from None
        if spec.name not in docs:
            raise TypeError(f"{cls.__name__}.{spec.name}: no docstring under the field")
        found.append(Column(spec.name, type_, docs[spec.name], nullable, values))
    return tuple(found)


def _table(name: str, description: str, cls: type, key: tuple[str, ...]) -> Table:
    return Table(name, description, columns_of(cls), key)


TABLES: tuple[Table, ...] = (
    _table(
        "actions",
        "One row per KMS permission (IAM action), merged from the guide and the SAR.",
        model.ActionInfo,
        ("action",),
    ),
    _table(
        "action_grants",
        "One row per policy type / cross-account / resource row of an action (guide).",
        model.PermissionRow,
        ("action", "row"),
    ),
    _table(
        "action_condition_keys",
        "The action / condition key relation: one row per pair, with the source of each side "
        "that lists it.",
        model.KeyLink,
        ("action", "condition_key"),
    ),
    _table(
        "condition_keys",
        "One row per condition key: the guide's details, the SAR's type and description.",
        model.ConditionKeyInfo,
        ("condition_key",),
    ),
    _table(
        "resource_types",
        "Resource types of the SAR with their ARN formats.",
        model.ResourceType,
        ("resource_type",),
    ),
    _table(
        "discrepancies",
        "Where the guide and the SAR disagree, with both sources cited.",
        model.Discrepancy,
        ("kind", "subject"),
    ),
    _table(
        "notes",
        "The guide's Note, Important, Warning and Tip callouts, with what they mention.",
        model.Note,
        ("page", "position"),
    ),
    _table(
        "required_permissions",
        "The permissions each API operation needs, with the parameter or Region that makes them "
        "necessary (the KMS API Reference).",
        model.RequiredPermission,
        ("operation", "position"),
    ),
    _table(
        "via_services",
        "The services the guide lists as supporting kms:ViaService, with their ViaService names.",
        model.ViaService,
        ("service",),
    ),
    _table("sources", "Provenance of every input page.", model.Source, ("source_id",)),
)

HISTORY = _table(
    "history",
    "Temporal table: each fact and the interval of versions in which it held.",
    model.HistoryRow,
    ("entity_kind", "entity", "field", "source", "valid_from"),
)

ALL_TABLES = {t.name: t for t in (*TABLES, HISTORY)}


def row_of(table: Table, values: Mapping[str, object]) -> dict[str, object]:
    """A row in the table's column order, from values that hold at least every column."""
    missing = [c.name for c in table.columns if c.name not in values]
    if missing:
        raise KeyError(f"{table.name}: no value for {', '.join(missing)}")
    return {c.name: values[c.name] for c in table.columns}


def arrow_schema(table: Table) -> Any:
    """The pyarrow schema of a table, with column descriptions as field metadata."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "bool": pa.bool_(),
        "int": pa.int32(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("ms", tz="UTC"),  # Parquet stores no coarser unit
        "json": pa.json_(),
        "strings": pa.list_(pa.field("element", pa.string())),
        "ints": pa.list_(pa.field("element", pa.int32())),
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
        "date": {"type": "string", "format": "date"},
        "timestamp": {"type": "string", "format": "date-time"},
        "json": {"type": "string", "contentMediaType": "application/json"},
        "strings": {"type": "array", "items": {"type": "string"}},
        "ints": {"type": "array", "items": {"type": "integer"}},
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


def check_row(table: Table, row: Mapping[str, object]) -> str | None:
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
            "date": _is_date(value),
            "timestamp": _is_utc_time(value),
            "json": _is_json(value),
            "bool": isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "strings": isinstance(value, list) and all(isinstance(v, str) for v in value),
            "ints": isinstance(value, list)
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value),
        }[column.type]
        if not ok:
            return f"{column.name}={value!r} is not {column.type}"
        if column.values is not None:
            outside = [
                v for v in (value if isinstance(value, list) else [value]) if v not in column.values
            ]
            if outside:
                return f"{column.name}={outside[0]!r} is not one of {', '.join(column.values)}"
    return None


def _is_date(value: object) -> bool:
    """ISO 8601 calendar date text (YYYY-MM-DD)."""
    from datetime import date

    try:
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _is_utc_time(value: object) -> bool:
    """ISO 8601 date and time text with a UTC offset (Z or +00:00)."""
    from datetime import datetime, timedelta

    try:
        parsed = isinstance(value, str) and datetime.fromisoformat(value)
    except ValueError:
        return False
    return bool(parsed) and parsed.utcoffset() == timedelta(0)  # type: ignore[union-attr]


def _is_json(value: object) -> bool:
    """Text holding one JSON value."""
    import json

    try:
        json.loads(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return isinstance(value, str)


def arrow_rows(
    table: Table, rows: Sequence[Mapping[str, object]]
) -> Sequence[Mapping[str, object]]:
    """Rows with their date and time columns as `date` and `datetime` values, as pyarrow takes
    them (the JSON files hold ISO 8601 text)."""
    from datetime import date, datetime

    parse = {"date": date.fromisoformat, "timestamp": datetime.fromisoformat}
    timed = [(c.name, parse[c.type]) for c in table.columns if c.type in parse]
    if not timed:
        return rows
    return [
        {**row, **{name: None if row[name] is None else to(str(row[name])) for name, to in timed}}
        for row in rows
    ]
