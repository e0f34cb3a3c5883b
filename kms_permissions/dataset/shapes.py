"""The shape of every file in a dataset folder, checked with the standard library only.

A manifest's sha256 only says that a file is the one the manifest lists; a manifest re-hashed
over a damaged file would vouch for anything. So every file a command reads is also parsed and
checked against its schema: table rows against the read model's declared columns (the class
the reader turns them into: `columns.py` derives the tables from the same declaration), the
index against the read model's facts, schema files against the schema version, Parquet files by
their magic and footer. `columns.py` is not imported here: it is the pyarrow side, and the
read path (`load()`, lookups, checks) must not depend on pyarrow. Both take the schema version
from the model's declaration.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from functools import cache

from kms_permissions import model
from kms_permissions.errors import json_kind

# Stand-ins for typing's names at run time (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    from kms_permissions._slotted import Any

SCHEMA_VERSION = model.SCHEMA_VERSION
PARQUET_MAGIC = b"PAR1"


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _all(test: Any) -> Any:
    return lambda value: isinstance(value, list) and all(test(v) for v in value)


# Column annotations of the read model (as strings: model.py postpones them) -> (test, nullable).
_TYPES: dict[str, tuple[Any, bool]] = {
    "str": (_is_str, False),
    "str | None": (_is_str, True),
    "bool": (_is_bool, False),
    "bool | None": (_is_bool, True),
    "int": (_is_int, False),
    "int | None": (_is_int, True),
    "tuple[str, ...]": (_all(_is_str), False),
    "tuple[int, ...]": (_all(_is_int), False),
    "PolicyType": (_is_str, False),
    "date": (_is_str, False),
    "date | None": (_is_str, True),
    "datetime | None": (_is_str, True),
    "JsonText": (_is_str, False),
    "JsonText | None": (_is_str, True),
    "ValueType | None": (_is_str, True),
    "tuple[PolicyType, ...]": (_all(_is_str), False),
}


@cache
def fields_of(cls: type) -> tuple[tuple[str, str, Mapping[str, Any]], ...]:
    """(name, annotation, metadata) of each field of a read-model class, in order.

    The model's classes are frozen records (`_record_fields`, see `kms_permissions._slotted`)
    or dataclasses; the records are read directly, so that the read path does not import
    `dataclasses`.
    """
    found = cls.__dict__.get("_record_fields")
    if found is None:
        from dataclasses import fields

        return tuple((spec.name, str(spec.type), spec.metadata) for spec in fields(cls))
    annotations: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        annotations.update(klass.__dict__.get("__annotations__", {}))  # noqa: RUF063 - no inspect
    return tuple((name, str(annotations[name]), metadata) for name, metadata in found)


def column_names(cls: type) -> list[str]:
    """The columns of the table whose rows are facts of `cls`, in order."""
    return [name for name, _, meta in fields_of(cls) if meta.get("column")]


@cache
def _literal(annotation: str) -> tuple[Any, bool, tuple[str, ...]] | None:
    """(test, nullable, values) of a column typed by one of the model's Literal aliases
    (`CrossAccount | None`, `tuple[ResourceName, ...]`), or None for another annotation."""
    nullable = annotation.endswith(" | None")
    inner = annotation.removesuffix(" | None")
    is_list = inner.startswith("tuple[") and inner.endswith(", ...]")
    name = inner[len("tuple[") : -len(", ...]")] if is_list else inner
    alias = getattr(model, name, None)
    values = getattr(alias, "__args__", None)
    if not name.isidentifier() or not isinstance(values, tuple):
        return None
    return (_all(_is_str) if is_list else _is_str), nullable, values


@cache
def _value_check(annotation: str) -> tuple[Any, bool, tuple[str, ...] | None] | None:
    """(test, nullable, allowed values) of a column's annotation, or None for a column type
    this reader does not know (columns.py checks those)."""
    literal = _literal(annotation)
    if literal is None and annotation not in _TYPES:
        return None
    return literal or (*_TYPES[annotation], None)


def _value_problem(name: str, annotation: str, value: object, where: str = "") -> str | None:
    check = _value_check(annotation)
    if check is None:
        return None
    test, nullable, values = check
    if value is None:
        return None if nullable else f"{_label(where, name)} is null"
    if not test(value):
        return f"{_label(where, name)} is not of type {annotation}"
    if values is None:
        return None
    outside = [v for v in (value if isinstance(value, list) else [value]) if v not in values]
    if outside:
        return f"{_label(where, name)} holds {outside[0]!r}, not one of {', '.join(values)}"
    return None


def _label(where: str, name: str) -> str:
    """A value's name in a message: `where` is the fact that holds it, if any."""
    return f"{where}.{name}" if where else name


def row_problem(cls: type, row: object) -> str | None:
    """What is wrong with one row of the table of `cls` facts, or None."""
    if not isinstance(row, dict):
        return f"a row is {json_kind(row)}, not an object"
    if list(row) != column_names(cls):
        return f"columns {sorted(row)} are not {column_names(cls)}"
    for name, annotation, metadata in fields_of(cls):
        if metadata.get("column"):
            problem = _value_problem(name, annotation, row[name])
            if problem:
                return problem
    return None


def table_problem(
    value: object, row_check: Callable[[object], str | None], rows: object = None
) -> str | None:
    """What is wrong with a table's JSON file (an array of rows), or None; `row_check` checks
    one row, `rows` is the count the manifest gives."""
    if not isinstance(value, list):
        return f"not an array of rows but {json_kind(value)}"
    for number, row in enumerate(value):
        problem = row_check(row)
        if problem:
            return f"row {number}: {problem}"
    if rows is not None and rows != len(value):
        return f"{len(value)} rows, the manifest says {rows}"
    return None


def fact_problem(cls: type, value: object, where: str) -> str | None:
    """What is wrong with a read-model fact as `index.json` holds it, or None."""
    if not isinstance(value, dict):
        return f"{where} is {json_kind(value)}, not an object"
    for field in _fact_fields(cls):
        problem = _field_problem(field, value, where)
        if problem:
            return problem
    return None


def field_problem(cls: type, name: str, value: object, where: str) -> str | None:
    """What is wrong with one field of a read-model fact as `index.json` holds it (the check
    `fact_problem` makes of it), or None."""
    if not isinstance(value, dict):
        return f"{where} is {json_kind(value)}, not an object"
    for field in _fact_fields(cls):
        if field[0] == name:
            return _field_problem(field, value, where)
    raise ValueError(f"{cls.__name__} has no field {name!r}")


def _field_problem(
    field: tuple[str, str, bool, Any], value: dict[str, Any], where: str
) -> str | None:
    name, annotation, column, element = field
    if name not in value:
        return f"{where} has no {name}"
    item = value[name]
    if column:
        return _value_problem(name, annotation, item, where)
    if element is not None:
        if not isinstance(item, list):
            return f"{where}.{name} is not an array"
        found = (fact_problem(element, e, f"{where}.{name}[{i}]") for i, e in enumerate(item))
        return next((p for p in found if p), None)
    if annotation.startswith("Mapping"):
        return None if isinstance(item, dict) else f"{where}.{name} is not an object"
    if annotation.startswith("tuple"):
        return None if isinstance(item, list) else f"{where}.{name} is not an array"
    return None


@cache
def _fact_fields(cls: type) -> tuple[tuple[str, str, bool, Any], ...]:
    """(name, annotation, is a column, element class) of each field of a read-model class."""
    return tuple(
        (name, annotation, bool(meta.get("column")), meta.get("element"))
        for name, annotation, meta in fields_of(cls)
    )


def index_problem(value: object, version: str) -> str | None:
    """What is wrong with `index.json` (the read model as JSON), or None."""
    if not isinstance(value, dict):
        return f"not an object but {json_kind(value)}"
    for key in ("actions", "condition_keys", "coverage"):
        if not isinstance(value.get(key), dict):
            return f"{key} is missing or not an object"
    if value.get("dataset_version") != version:
        return f"dataset_version {value.get('dataset_version')!r}, the manifest says {version!r}"
    if value.get("schema_version") != SCHEMA_VERSION:
        return f"schema_version {value.get('schema_version')!r}, expected {SCHEMA_VERSION}"
    sections: tuple[tuple[str, type, str], ...] = (
        ("actions", model.ActionInfo, "action"),
        ("condition_keys", model.ConditionKeyInfo, "condition_key"),
    )
    for section, cls, kind in sections:
        for name, entry in value[section].items():
            where = f"{section}[{name!r}]"
            problem = fact_problem(cls, entry, where)
            if problem:
                return problem
            if entry.get("kind") != kind or entry.get("name") != name:
                return f"{where}: kind or name does not match"
    for source, entry in value["coverage"].items():
        problem = fact_problem(model.Coverage, entry, f"coverage[{source!r}]")
        if problem:
            return problem
    return None


def schema_problem(table: str, columns: list[str] | None, value: object) -> str | None:
    """What is wrong with a table's JSON Schema file, or None; `columns`: the table's, when
    known."""
    if not isinstance(value, dict):
        return f"not an object but {json_kind(value)}"
    if value.get("title") != table:
        return f"title {value.get('title')!r}, expected {table!r}"
    if f"/schema/{SCHEMA_VERSION}/" not in str(value.get("$id")):
        return f"$id {value.get('$id')!r} is not of schema version {SCHEMA_VERSION}"
    items = value.get("items")
    properties = items.get("properties") if isinstance(items, dict) else None
    if not isinstance(properties, dict):
        return "it has no properties"
    if columns is not None and sorted(properties) != sorted(columns):
        return "its properties are not the table's columns"
    return None


def parquet_problem(data: bytes) -> str | None:
    """What is wrong with a Parquet file's frame (magic at both ends, footer length), or None."""
    if len(data) < 12 or data[:4] != PARQUET_MAGIC or data[-4:] != PARQUET_MAGIC:
        return "not a Parquet file (no PAR1 magic at both ends)"
    (footer,) = struct.unpack("<I", data[-8:-4])
    if footer == 0 or footer > len(data) - 12:
        return f"not a Parquet file (footer of {footer} bytes in a file of {len(data)})"
    return None
