"""`export --format F [--table T] [--out FILE]`: a table in another format."""

from __future__ import annotations

import sys

from kms_permissions.query import UsageError, load_index

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "a table as json, ndjson, csv or parquet"
FORMATS = ("json", "ndjson", "csv", "parquet")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--format, --table, --out, --dataset."""
    parser.add_argument("--format", choices=FORMATS, default="json")
    parser.add_argument("--table", default="actions", help="the table (default: actions)")
    parser.add_argument("--out", help="a file to write (default: standard output)")
    parser.add_argument("--dataset", help="a dataset folder (default: the bundled dataset)")


def run(args: argparse.Namespace) -> int:
    """Write the table."""
    return run_export(args.table, args.format, args.out, args.dataset)


def run_export(table: str, fmt: str, out: str | None, dataset: str | None) -> int:
    """Write one table of a dataset in `fmt` to `out` or standard output."""
    from pathlib import Path

    from kms_permissions.dataset.io import read_dataset

    folder = Path(load_index(dataset).folder)
    data = read_dataset(folder)
    if table not in data.tables:
        raise UsageError(f"no table {table!r}; tables: {', '.join(sorted(data.tables))}")
    rows = data.tables[table]
    if fmt == "parquet":
        if not out:
            raise UsageError("--format parquet needs --out FILE")
        import shutil

        shutil.copyfile(folder / f"{table}.parquet", out)
        return 0
    import json

    if fmt == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    elif fmt == "ndjson":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    else:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        columns = list(rows[0]) if rows else []
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                [
                    json.dumps(v) if isinstance(v, list) else "" if v is None else v
                    for v in row.values()
                ]
            )
        text = buffer.getvalue()
    if out:
        from kms_permissions.files import atomic_write

        atomic_write(Path(out), text.encode())
    else:
        sys.stdout.write(text)
    return 0
