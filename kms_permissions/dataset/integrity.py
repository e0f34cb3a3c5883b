"""A dataset folder's integrity: its manifest, every file checked against it, and by content.

Standard library only: the read path (`load()`, lookups, checks) verifies a folder with it.
`verify` checks the manifest and every file's sha256; `read_json` gives a file a command reads,
hash-checked and parsed against its schema (`shapes`); `check_contents` parses every file, for
`verify DIR` and the build.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from kms_permissions.dataset import shapes
from kms_permissions.errors import InputError, KmsPermissionsError, json_kind
from kms_permissions.files import describe, read_limited

# Stand-ins for typing's names at run time (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    from kms_permissions._slotted import Any

try:  # The builtin implementation spares loading OpenSSL, which costs more than it saves here.
    from _sha256 import sha256 as _sha256  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import sha256 as _sha256

MANIFEST = "manifest.json"
INDEX = "index.json"
FORMAT = "kms-permissions-dataset/1"
VERSION = re.compile(r"\d{4}\.\d{2}\.\d{2}(?:\.\d+)?")
# Limits for what a dataset folder may hold: the bundled files are far below them.
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_FILE_BYTES = 512 * 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


class IntegrityError(KmsPermissionsError):
    """A dataset folder whose files do not match its manifest, or do not parse."""


def check_folder(folder: Path) -> None:
    """Raise IntegrityError unless `folder` is a folder (not a file, not a symbolic link loop)."""
    try:
        mode = os.stat(folder).st_mode
    except FileNotFoundError:
        raise IntegrityError(f"{folder}: no such dataset folder") from None
    except OSError as exc:
        raise IntegrityError(f"{folder}: not a usable dataset folder ({exc.strerror})") from None
    if not stat.S_ISDIR(mode):
        raise IntegrityError(f"{folder}: is {describe(mode)}, not a dataset folder")


def _read(path: Path, limit: int) -> bytes:
    try:
        return read_limited(path, limit)
    except InputError as exc:
        raise IntegrityError(str(exc)) from None


def parse_json(path: Path, data: bytes) -> Any:
    """A file's JSON, or IntegrityError naming the file (bad UTF-8, syntax, too deep)."""
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise IntegrityError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except RecursionError:
        raise IntegrityError(f"{path}: nested too deeply to be a dataset file") from None
    except ValueError as exc:
        raise IntegrityError(f"{path}: not valid JSON ({exc})") from None


def read_manifest(folder: Path, older: bool = False) -> dict[str, Any]:
    """The folder's manifest, checked to be one; IntegrityError naming what is wrong.

    With `older`, a schema version with declared migrations (`dataset.migrations`) is accepted:
    for readers that migrate the tables (`io.read_dataset`); the rest read the current one."""
    check_folder(folder)
    path = folder / MANIFEST
    try:
        data = _read(path, MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        raise IntegrityError(f"{path}: no manifest; not a kms-permissions dataset") from None
    manifest = parse_json(path, data)
    problem = _manifest_problem(manifest, older)
    if problem:
        raise IntegrityError(f"{path}: {problem}")
    assert isinstance(manifest, dict)
    return manifest


def _manifest_problem(manifest: object, older: bool) -> str | None:
    if not isinstance(manifest, dict):
        return f"not a manifest ({json_kind(manifest)}, not an object)"
    if manifest.get("format") != FORMAT:
        return f"format {manifest.get('format')!r}, expected {FORMAT}"
    version = manifest.get("dataset_version")
    if not isinstance(version, str) or not VERSION.fullmatch(version):
        return f"dataset_version {version!r} is not a version (YYYY.MM.DD[.N])"
    schema = manifest.get("schema_version")
    if older and schema != shapes.SCHEMA_VERSION:
        from kms_permissions.dataset import migrations

        try:
            migrations.chain(schema)
        except migrations.MigrationError as exc:
            return str(exc)
    elif schema != shapes.SCHEMA_VERSION:
        return (
            f"schema version {manifest.get('schema_version')!r}; this kms-permissions reads "
            f"schema version {shapes.SCHEMA_VERSION}"
        )
    files = manifest.get("files")
    if not isinstance(files, list):
        return "files is missing or not an array"
    seen: set[str] = set()
    for number, entry in enumerate(files):
        problem = _entry_problem(entry)
        if problem:
            return f"files[{number}]: {problem}"
        if entry["path"] in seen:
            return f"files[{number}]: {entry['path']} listed twice"
        seen.add(entry["path"])
    return None


def _entry_problem(entry: object) -> str | None:
    if not isinstance(entry, dict):
        return "not an object"
    path = entry.get("path")
    if not isinstance(path, str) or not path:
        return "path is missing"
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        return f"path {path!r} is not a plain relative path inside the folder"
    if path == MANIFEST:
        return "lists the manifest itself"
    if not isinstance(entry.get("sha256"), str) or not _SHA256.fullmatch(entry["sha256"]):
        return f"{path}: sha256 is not 64 hexadecimal digits"
    if not isinstance(entry.get("format"), str):
        return f"{path}: format is missing"
    if entry.get("table") is not None and not isinstance(entry["table"], str):
        return f"{path}: table is not a name"
    for key, optional in (("rows", True), ("bytes", False)):
        value = entry.get(key)
        if value is None and optional:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"{path}: {key} is not a count"
    return None


def verify(folder: Path, older: bool = False) -> dict[str, Any]:
    """Check every file against the manifest's sha256; raise naming the first bad file
    (`older`: as `read_manifest` takes it)."""
    manifest = read_manifest(folder, older)
    listed = {entry["path"] for entry in manifest["files"]}
    for entry in manifest["files"]:
        _checked_bytes(folder, entry)
    present = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file()
        and p.name != MANIFEST
        and "__pycache__" not in p.parts
        and not p.name.startswith(".")
    }
    extra = sorted(present - listed)
    if extra:
        raise IntegrityError(f"{folder / extra[0]}: not listed in the manifest (extra file)")
    return manifest


def _checked_bytes(folder: Path, entry: dict[str, Any]) -> bytes:
    path = folder / entry["path"]
    try:
        data = _read(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise IntegrityError(f"{path}: listed in the manifest but missing") from None
    if _sha256(data).hexdigest() != entry["sha256"]:
        raise IntegrityError(f"{path}: sha256 does not match the manifest (file changed)")
    if len(data) != entry["bytes"]:
        raise IntegrityError(f"{path}: {len(data)} bytes, the manifest says {entry['bytes']}")
    return data


def _entry(manifest: dict[str, Any], name: str, folder: Path) -> dict[str, Any]:
    for entry in manifest["files"]:
        if entry["path"] == name:
            return dict(entry)
    raise IntegrityError(f"{folder / name}: not listed in the manifest")


def read_bytes(folder: Path, manifest: dict[str, Any], name: str) -> bytes:
    """A file of the folder, hash-checked against `manifest`."""
    return _checked_bytes(folder, _entry(manifest, name, folder))


def read_json(folder: Path, manifest: dict[str, Any], name: str) -> Any:
    """A JSON file of the folder, hash-checked against `manifest` and parsed; `index.json` is
    checked against the read model."""
    entry = _entry(manifest, name, folder)
    value = parse_json(folder / name, _checked_bytes(folder, entry))
    if name == INDEX:
        problem = shapes.index_problem(value, manifest["dataset_version"])
        if problem:
            raise IntegrityError(f"{folder / name}: {problem}")
    return value


def read_table(
    folder: Path, manifest: dict[str, Any], table: str, cls: type
) -> list[dict[str, Any]]:
    """A table's rows from its JSON file, hash-checked and checked against the columns of
    `cls`, the read-model class of its rows."""
    entry = _entry(manifest, f"{table}.json", folder)
    path = folder / entry["path"]
    rows = parse_json(path, _checked_bytes(folder, entry))
    problem = shapes.table_problem(rows, lambda row: shapes.row_problem(cls, row), entry["rows"])
    if problem:
        raise IntegrityError(f"{path}: {problem}")
    assert isinstance(rows, list)
    return rows


def _any_object(row: object) -> str | None:
    return None if isinstance(row, dict) else f"a row is {json_kind(row)}, not an object"


# A table as `check_contents` checks it: its column names, and the check of one row.
TableCheck = tuple[list[str], Callable[[object], "str | None"]]


def check_contents(
    folder: Path, manifest: dict[str, Any], tables: Mapping[str, TableCheck] | None = None
) -> None:
    """Parse every file of a verified folder against its schema; raise naming the first bad one.

    `tables` gives each table's columns and row check (the build side passes `columns.py`'s);
    without it, rows are only checked to be objects. Parquet files are checked by their frame
    here (magic and footer); `verify DIR` also reads their schema with pyarrow.
    """
    for entry in manifest["files"]:
        path = folder / entry["path"]
        data = _checked_bytes(folder, entry)
        table = entry.get("table")
        if tables is not None and table is not None and table not in tables:
            raise IntegrityError(f"{path}: unknown table {table!r}")
        columns, row_check = tables[table] if tables and table else (None, _any_object)
        if entry["format"] == "parquet":
            problem = shapes.parquet_problem(data)
        elif entry["format"] == "json-schema" and table:
            problem = shapes.schema_problem(table, columns, parse_json(path, data))
        elif entry["format"] == "json" and table:
            value = parse_json(path, data)
            problem = shapes.table_problem(value, row_check, entry["rows"])
        elif entry["path"] == INDEX:
            problem = shapes.index_problem(parse_json(path, data), manifest["dataset_version"])
        elif entry["format"] == "json":
            parse_json(path, data)
            problem = None
        else:
            try:
                data.decode("utf-8")
                problem = None
            except UnicodeDecodeError as exc:
                problem = f"not UTF-8 text (byte {exc.start})"
        if problem:
            raise IntegrityError(f"{path}: {problem}")
