"""Reading, writing and verifying dataset folders (JSON + Parquet + JSON Schema + manifest).

A dataset folder is written to a temporary sibling and renamed into place only when every
file is complete, so readers see the old folder or the new one, never half of either.
Reading uses the JSON files only, so it needs no pyarrow.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kms_permissions.dataset.columns import (
    ALL_TABLES,
    SCHEMA_VERSION,
    Table,
    arrow_rows,
    arrow_schema,
    check_row,
    json_schema,
)
from kms_permissions.dataset.integrity import (
    FORMAT,
    MANIFEST,
    IntegrityError,
    TableCheck,
    check_contents,
    read_json,
    read_manifest,
    verify,
)
from kms_permissions.dataset.memory import AnyRow, Dataset, as_tables
from kms_permissions.dataset.migrations import LooseTables, migrate
from kms_permissions.dataset.read_model import build_index, index_files
from kms_permissions.errors import json_kind, shown
from kms_permissions.files import replacing_folder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.dataset.row_types import Tables


def rows_json(rows: Sequence[AnyRow]) -> bytes:
    """A table's JSON: an array with one row per line, columns in schema order."""
    lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
    return ("[\n" + ",\n".join(lines) + ("\n" if lines else "") + "]\n").encode()


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _parquet(name: str, rows: Sequence[AnyRow], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = ALL_TABLES[name]
    table = pa.Table.from_pylist(arrow_rows(columns, rows), schema=arrow_schema(columns))
    pq.write_table(table, path, compression="zstd", compression_level=9, use_dictionary=True)


def write_dataset(dataset: Dataset, out: Path, extra_files: dict[str, bytes] | None = None) -> None:
    """Write every table as JSON and Parquet with schemas and a manifest, atomically.

    `out` (from `files.output_path`) must have passed the output rules (`publish` checks it):
    the folder is written beside it and renamed into place.
    """
    with replacing_folder(out) as tmp:
        files: list[dict[str, Any]] = []
        (tmp / "schema").mkdir()
        for name, rows in sorted(dataset.by_name().items()):
            (tmp / f"{name}.json").write_bytes(rows_json(rows))
            _parquet(name, rows, tmp / f"{name}.parquet")
            (tmp / "schema" / f"{name}.schema.json").write_bytes(
                _json(json_schema(ALL_TABLES[name]))
            )
            for path, fmt in ((f"{name}.json", "json"), (f"{name}.parquet", "parquet")):
                files.append({"path": path, "table": name, "format": fmt, "rows": len(rows)})
            files.append(
                {
                    "path": f"schema/{name}.schema.json",
                    "table": name,
                    "format": "json-schema",
                    "rows": None,
                }
            )
        extras = {**index_files(build_index(dataset)), **(extra_files or {})}
        for path, data in sorted(extras.items()):
            (tmp / path).write_bytes(data)
            files.append(
                {"path": path, "table": None, "format": path.rsplit(".", 1)[-1], "rows": None}
            )
        for entry in files:
            data = (tmp / entry["path"]).read_bytes()
            entry["sha256"] = hashlib.sha256(data).hexdigest()
            entry["bytes"] = len(data)
        manifest = {
            "format": FORMAT,
            "dataset_version": dataset.version,
            "schema_version": SCHEMA_VERSION,
            "files": sorted(files, key=lambda f: f["path"]),
        }
        (tmp / MANIFEST).write_bytes(_json(manifest))


def is_dataset_folder(folder: Path) -> bool:
    """Whether `folder` is a dataset this package wrote: a manifest of its format, and no file
    the manifest does not list (so that replacing it loses nothing of anyone else's)."""
    try:
        manifest = read_manifest(folder)
    except IntegrityError:
        return False
    listed = {entry["path"] for entry in manifest["files"]} | {MANIFEST}
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink() or not (path.is_dir() or relative in listed):
            return False
    return True


def read_dataset(folder: Path) -> Dataset:
    """Load a dataset folder from its JSON files, once its hashes are checked and every file
    is parsed against its schema; a folder of an older schema version is read through the
    declared migrations (`dataset.migrations`) and its rows checked against the current one."""
    manifest = verify(folder, older=True)
    if manifest["schema_version"] != SCHEMA_VERSION:
        return _read_older(folder, manifest)
    check_contents(folder, manifest, table_checks())
    tables: dict[str, list[dict[str, object]]] = {}
    for entry in manifest["files"]:
        if entry["format"] == "json" and entry["table"]:
            tables[entry["table"]] = read_json(folder, manifest, entry["path"])
    index = read_json(folder, manifest, "index.json")
    return Dataset(
        _typed(tables, folder),
        manifest["dataset_version"],
        index if isinstance(index, dict) else None,
    )


def _typed(tables: dict[str, list[dict[str, object]]], folder: Path) -> Tables:
    """Tables whose rows were checked against the current columns, as typed tables."""
    try:
        return as_tables(tables, str(folder))
    except ValueError as exc:
        raise IntegrityError(str(exc)) from None


def table_checks() -> dict[str, TableCheck]:
    """Each table's columns and row check, as `check_contents` takes them."""

    def row_check(table: Table) -> Callable[[object], str | None]:
        def check(row: object) -> str | None:
            if not isinstance(row, dict):
                return f"a row is {json_kind(row)}, not an object"
            return check_row(table, row)

        return check

    return {name: (table.column_names(), row_check(table)) for name, table in ALL_TABLES.items()}


def _read_older(folder: Path, manifest: dict[str, Any]) -> Dataset:
    """An older schema version's tables, migrated and checked row by row against the current
    columns (the read model is rebuilt from them when asked for: `stored_index` is None)."""
    tables: LooseTables = {}
    for entry in manifest["files"]:
        if entry["format"] == "json" and entry["table"]:
            rows = read_json(folder, manifest, entry["path"])
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise IntegrityError(f"{folder / entry['path']}: not an array of rows")
            tables[entry["table"]] = rows
    version = manifest["schema_version"]
    try:
        tables = migrate(tables, version)
    except KeyError as exc:
        raise IntegrityError(
            f"{folder}: schema version {version} without the table or column {exc} its "
            "migration reads"
        ) from None
    except (TypeError, AttributeError, ValueError) as exc:
        # The rows of an older version are loose: a value of the wrong type (a number for a
        # name, a list for a flag) fails inside its migration, before the rows are checked.
        raise IntegrityError(
            f"{folder}: schema version {version} with a value its migration cannot read "
            f"({type(exc).__name__}: {shown(str(exc))})"
        ) from None
    checks = table_checks()
    shaped_tables: dict[str, list[dict[str, object]]] = {}
    for name, (columns, check) in checks.items():
        if name not in tables:
            raise IntegrityError(f"{folder}: no {name} table after migrating from {version}")
        ordered = []
        for number, row in enumerate(tables[name]):
            missing = [column for column in columns if column not in row]
            shaped = {column: row[column] for column in columns if column in row}
            problem = (
                f"no column {missing[0]}" if missing else _extra(row, columns) or check(shaped)
            )
            if problem:
                raise IntegrityError(
                    f"{folder / (name + '.json')}: row {number} after migrating from schema "
                    f"version {version}: {problem}"
                )
            ordered.append(shaped)
        shaped_tables[name] = ordered
    extra = sorted(set(tables) - set(checks))
    if extra:
        raise IntegrityError(
            f"{folder}: table {extra[0]} is unknown after migrating from {version}"
        )
    dataset = Dataset(_typed(shaped_tables, folder), manifest["dataset_version"], None)
    dataset.sort()
    return dataset


def _extra(row: Mapping[str, object], columns: list[str]) -> str | None:
    extra = sorted(set(row) - set(columns))
    return f"column {extra[0]} is unknown (the migration keeps it)" if extra else None
