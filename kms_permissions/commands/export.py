"""`export --format F [--table T] [--out FILE] [--force]`: a table in another format.

An existing `--out` file is replaced only when it is an earlier export, recognised by its
content (a JSON array, JSON lines, CSV or Parquet file whose columns are those of one of the
dataset's tables), or with `--force`; never a file of the dataset itself, nor anything but a
regular file.
"""

from __future__ import annotations

import sys

from kms_permissions.errors import InputError, shown

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence
    from pathlib import Path

HELP = "a table as json, ndjson, csv or parquet"
FORMATS = ("json", "ndjson", "csv", "parquet")
# An earlier export larger than this is not opened to be recognised (it is refused).
MAX_RECOGNISED_BYTES = 256 * 1024 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--format, --table, --out, --force, --dataset."""
    parser.add_argument("--format", choices=FORMATS, default="json")
    parser.add_argument("--table", default="actions", help="the table (default: actions)")
    parser.add_argument("--out", help="a file to write (default: standard output)")
    parser.add_argument(
        "--force", action="store_true", help="replace --out even if it is not an earlier export"
    )
    parser.add_argument("--dataset", help="a dataset folder (default: the bundled dataset)")


def run(args: argparse.Namespace) -> int:
    """Write the table."""
    return run_export(args.table, args.format, args.out, args.dataset, args.force)


def run_export(
    table: str, fmt: str, out: str | None, dataset: str | None, force: bool = False
) -> int:
    """Write one table of a dataset in `fmt` to `out` or standard output."""
    from pathlib import Path

    from kms_permissions.damage import open_index
    from kms_permissions.dataset.integrity import read_bytes, read_manifest
    from kms_permissions.dataset.io import read_dataset
    from kms_permissions.files import output_path, write_file

    folder = Path(open_index(dataset).folder)
    target = output_path(out) if out is not None else None
    data = read_dataset(folder)
    if table not in data.tables:
        from difflib import get_close_matches

        close = get_close_matches(table.lower(), sorted(data.tables), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise InputError(
            f"--table {shown(table)}: no such table{hint}; tables: {', '.join(sorted(data.tables))}"
        )
    rows = data.by_name()[table]
    if fmt == "parquet":
        if target is None:
            raise InputError("--format parquet needs --out FILE")
        body = read_bytes(folder, read_manifest(folder), f"{table}.parquet")
    else:
        body = _text(rows, fmt).encode()
    if target is None:
        sys.stdout.write(body.decode())
        return 0
    write_file(
        target,
        body,
        ours=is_export,
        inputs={"--dataset": folder},
        force=force,
        mine="kms-permissions export",
    )
    return 0


def _text(rows: Sequence[Mapping[str, object]], fmt: str) -> str:
    import json

    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    if fmt == "ndjson":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = list(rows[0]) if rows else []
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                json.dumps(v) if isinstance(v, list | bool) else "" if v is None else v
                for v in row.values()
            ]
        )
    return buffer.getvalue()


def is_export(path: Path) -> bool:
    """Whether a file is an earlier export: its columns are those of one of the tables."""
    import csv
    import json

    from kms_permissions.dataset.columns import ALL_TABLES
    from kms_permissions.dataset.shapes import PARQUET_MAGIC

    tables = [table.column_names() for table in ALL_TABLES.values()]
    try:
        if path.stat().st_size > MAX_RECOGNISED_BYTES:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    if data[:4] == PARQUET_MAGIC:
        return _is_parquet_export(path, tables)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    first = text.split("\n", 1)[0]
    try:
        if text.startswith("["):
            value = json.loads(text)
            return isinstance(value, list) and all(
                isinstance(row, dict) and list(row) in tables for row in value
            )
        if text.startswith("{"):
            row = json.loads(first)
            return isinstance(row, dict) and list(row) in tables
    except (ValueError, RecursionError):
        return False
    header = next(csv.reader([first]), [])
    return header in tables


def _is_parquet_export(path: Path, tables: list[list[str]]) -> bool:
    from kms_permissions.extras import require

    require("parquet")  # to recognise an earlier export before replacing it
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names) in tables
    except (OSError, ValueError):
        return False
