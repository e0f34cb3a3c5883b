"""`verify DIR`: check a dataset folder: its manifest, every file's sha256, every file parsed
against its schema (Parquet files' schemas read with pyarrow), and the dataset's consistency.

Exit 0 when the folder is sound, 1 when it is not (the first problem named), 2 when DIR is not
a folder at all.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import Any

FORMAT = "kms-permissions-verify/1"
HELP = "check a dataset folder's hashes and schema"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """DIR and --json."""
    from pathlib import Path

    parser.add_argument("dir", type=Path)
    parser.add_argument("--json", action="store_true", help="print a JSON report")


def run(args: argparse.Namespace) -> int:
    """Read, hash-check and validate the folder."""
    import json

    from kms_permissions.dataset.columns import SCHEMA_VERSION
    from kms_permissions.dataset.integrity import check_folder, read_manifest
    from kms_permissions.dataset.io import read_dataset
    from kms_permissions.dataset.validate import validate
    from kms_permissions.errors import KmsPermissionsError

    check_folder(args.dir)
    try:
        dataset = read_dataset(args.dir)
        manifest = read_manifest(args.dir, older=True)
        schema = manifest["schema_version"]
        # An older schema's Parquet files are its own shape: their hashes were checked, and
        # its rows were read through the migrations (the JSON files hold the same rows).
        if schema == SCHEMA_VERSION:
            parquet_schemas(args.dir, manifest)
        validate(dataset)
    except KmsPermissionsError as exc:
        report = {"format": FORMAT, "dir": str(args.dir), "ok": False, "problem": str(exc)}
        print(
            json.dumps(report) if args.json else f"kms-permissions verify: {exc}", file=sys.stderr
        )
        return 1
    report = {
        "format": FORMAT,
        "dir": str(args.dir),
        "dataset_version": dataset.version,
        "schema_version": schema,
        "ok": True,
    }
    older = "" if schema == SCHEMA_VERSION else f" (schema {schema}, read through its migrations)"
    print(json.dumps(report) if args.json else f"{args.dir}: version {dataset.version}: ok{older}")
    return 0


def parquet_schemas(folder: Path, manifest: dict[str, Any]) -> None:
    """Each Parquet file's schema and row count, read with pyarrow, against the table's
    (without pyarrow, the files' frames were checked: magic and footer)."""
    import importlib.util

    if importlib.util.find_spec("pyarrow") is None:
        return
    import pyarrow.parquet as pq

    from kms_permissions.dataset.columns import ALL_TABLES, arrow_schema
    from kms_permissions.dataset.integrity import IntegrityError

    for entry in manifest["files"]:
        if entry["format"] != "parquet" or entry["table"] not in ALL_TABLES:
            continue
        path = folder / entry["path"]
        try:
            found = pq.read_metadata(path)
            schema = found.schema.to_arrow_schema()
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise IntegrityError(f"{path}: not a readable Parquet file ({exc})") from None
        if not schema.equals(arrow_schema(ALL_TABLES[entry["table"]]), check_metadata=True):
            raise IntegrityError(f"{path}: its schema is not the {entry['table']} table's")
        if entry["rows"] is not None and found.num_rows != entry["rows"]:
            raise IntegrityError(
                f"{path}: {found.num_rows} rows, the manifest says {entry['rows']}"
            )
