"""Reading, writing and verifying dataset folders (JSON + Parquet + JSON Schema + manifest).

A dataset folder is written to a temporary sibling and renamed into place only when every
file is complete, so readers see the old folder or the new one, never half of either.
Reading uses the JSON files only, so it needs no pyarrow.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from kms_permissions.dataset.columns import ALL_TABLES, SCHEMA_VERSION, arrow_schema, json_schema
from kms_permissions.dataset.integrity import (
    FORMAT,
    MANIFEST,
    read_manifest,
    verify,
)
from kms_permissions.dataset.model import Dataset, Row
from kms_permissions.dataset.read_model import build_index, index_files


def rows_json(rows: list[Row]) -> bytes:
    """A table's JSON: an array with one row per line, columns in schema order."""
    lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
    return ("[\n" + ",\n".join(lines) + ("\n" if lines else "") + "]\n").encode()


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _parquet(name: str, rows: list[Row], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=arrow_schema(ALL_TABLES[name]))
    pq.write_table(table, path, compression="zstd", compression_level=9, use_dictionary=True)


def write_dataset(dataset: Dataset, out: Path, extra_files: dict[str, bytes] | None = None) -> None:
    """Write every table as JSON and Parquet with schemas and a manifest, atomically."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        files: list[dict[str, Any]] = []
        (tmp / "schema").mkdir()
        for name in sorted(dataset.tables):
            rows = dataset.tables[name]
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
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(tmp: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    if old.exists():
        shutil.rmtree(old)


def read_dataset(folder: Path, check: bool = True) -> Dataset:
    """Load a dataset folder from its JSON files (hashes checked first unless `check` is off)."""
    manifest = verify(folder) if check else read_manifest(folder)
    tables: dict[str, list[Row]] = {}
    for entry in manifest["files"]:
        if entry["format"] == "json" and entry["table"]:
            tables[entry["table"]] = json.loads((folder / entry["path"]).read_text())
    return Dataset(tables, manifest["dataset_version"])
