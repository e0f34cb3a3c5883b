"""The lookup verbs of the command line: lookup, expand, actions, keys, info, export.

Every verb prints a human table by default and, with `--json`, one JSON document whose shape
is versioned (`format`). Exit status: 0 all found, 1 something not found, 2 usage error.
"""

from __future__ import annotations

import sys

from kms_permissions import jsonfast
from kms_permissions.display import compact
from kms_permissions.query import FILTERS, Index, UsageError, load_index

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LOOKUP_FORMAT = "kms-permissions-lookup/1"
WIDTH = 17


def read_names(values: list[str]) -> list[str]:
    """Arguments, with `-` replaced by the names on standard input (one per line)."""
    names: list[str] = []
    for value in values:
        if value == "-":
            for line in sys.stdin.read().splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    names.append(line)
        else:
            names.append(value)
    return names


def _emit(document: dict[str, Any]) -> None:
    sys.stdout.write(jsonfast.dumps(document) + "\n")


def _not_found(index: Index, names: list[str]) -> list[dict[str, Any]]:
    missing = []
    for name in names:
        suggestions = index.suggestions(name)
        missing.append({"name": name, "suggestions": suggestions})
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        print(
            f"kms-permissions: {name!r} is not a KMS action or condition key{hint}", file=sys.stderr
        )
    return missing


def _discrepancy_lines(items: list[dict[str, Any]]) -> list[str]:
    by_kind: dict[str, list[str]] = {}
    for item in items:
        by_kind.setdefault(item["kind"], []).append(item["subject"].split("|")[-1])
    lines = []
    for kind, subjects in by_kind.items():
        shown = compact(subjects)
        if len(subjects) == 1 and len(items) == 1:
            lines.append(_row("discrepancy", items[0]["detail"]))
        else:
            lines.append(_row("discrepancy", f"{kind} ({len(subjects)}): {', '.join(shown)}"))
    return lines


def _row(label: str, value: str) -> str:
    return f"  {label:<{WIDTH}}{value}"


def _readable(value: str | None) -> str:
    return (value or "-").replace("-policy", " policy")


def _action_text(entry: dict[str, Any]) -> list[str]:
    lines = [f"{entry['name']}  (action)"]
    url = entry["api_reference_url"] or ""
    lines.append(_row("operation", f"{entry['operation']}  {url}".rstrip()))
    for grant in entry["grants"]:
        qualifier = f" ({grant['qualifier']})" if grant["qualifier"] else ""
        lines.append(_row("policy type", _readable(grant["policy_type"]) + qualifier))
        lines.append(_row("  cross-account", grant["cross_account_text"]))
        lines.append(_row("  resources", ", ".join(grant["resources"])))
        for group in grant["condition_keys"]:
            label = f"{group['group']}: " if group["group"] else ""
            lines.append(_row("  condition keys", label + ", ".join(group["keys"])))
        if grant["condition_keys_note"]:
            lines.append(_row("  condition keys", f"none ({grant['condition_keys_note']})"))
    for resource, arn in entry["resource_arns"].items():
        lines.append(_row("ARN " + resource, arn))
    extra = [k for k in entry["sar_condition_keys"] if k not in entry["condition_keys"]]
    if extra:
        lines.append(_row("SAR-only keys", ", ".join(compact(extra))))
    for label, key in (
        ("access level", "access_level"),
        ("description", "description"),
        ("note", "note"),
        ("first seen", "first_seen"),
    ):
        if entry[key]:
            lines.append(_row(label, str(entry[key])))
    if entry["dependent_actions"]:
        lines.append(_row("dependent", ", ".join(entry["dependent_actions"])))
    return lines + _discrepancy_lines(entry["discrepancies"])


def _key_text(entry: dict[str, Any]) -> list[str]:
    kinds = ", ".join(v for v in (entry["condition_type"], entry["value_type"]) if v)
    lines = [f"{entry['name']}  (condition key)", _row("type", kinds or "-")]
    if entry["policy_types"]:
        lines.append(_row("policy types", ", ".join(map(_readable, entry["policy_types"]))))
    actions = entry["actions"]
    lines.append(_row("actions", f"{len(actions)}: {', '.join(actions)}" if actions else "-"))
    if entry["deprecated"]:
        lines.append(_row("deprecated", f"yes, use {entry['replacement'] or '-'}"))
    if entry["description"] or entry["sar_description"]:
        lines.append(_row("description", entry["description"] or entry["sar_description"]))
    if entry["first_seen"]:
        lines.append(_row("first seen", entry["first_seen"]))
    return lines + _discrepancy_lines(entry["discrepancies"])


def run_lookup(names: list[str], as_json: bool, dataset: str | None) -> int:
    """`lookup NAME...`: every fact about each action or condition key."""
    index = load_index(dataset)
    names = read_names(names)
    if not names:
        print("kms-permissions lookup: no name given", file=sys.stderr)
        return 2
    found = [(n, index.resolve(n)) for n in names]
    results = [entry for _, entry in found if entry is not None]
    missing = _not_found(index, [n for n, entry in found if entry is None])
    if as_json:
        _emit(
            {
                "format": LOOKUP_FORMAT,
                "dataset_version": index.version,
                "results": results,
                "not_found": missing,
            }
        )
    else:
        blocks = [
            "\n".join(_action_text(e) if e["kind"] == "action" else _key_text(e)) for e in results
        ]
        if blocks:
            print("\n\n".join(blocks))
    return 1 if missing else 0


def run_expand(patterns: list[str], as_json: bool, dataset: str | None) -> int:
    """`expand PATTERN...`: the actions an IAM action pattern matches."""
    index = load_index(dataset)
    patterns = read_names(patterns)
    if not patterns:
        print("kms-permissions expand: no pattern given", file=sys.stderr)
        return 2
    matches = {p: index.expand(p) for p in patterns}
    for pattern, actions in matches.items():
        if not actions:
            print(f"kms-permissions: {pattern!r} matches no KMS action", file=sys.stderr)
    if as_json:
        _emit(
            {
                "format": "kms-permissions-expand/1",
                "dataset_version": index.version,
                "patterns": matches,
            }
        )
    else:
        for pattern, actions in matches.items():
            print(f"{pattern}  ({len(actions)})")
            for action in actions:
                print(f"  {action}")
    return 0 if all(matches.values()) else 1


def run_actions(filters: list[str], keys: list[str], as_json: bool, dataset: str | None) -> int:
    """`actions [--filter F=V]... [--key K]`: actions with the facts asked for."""
    index = load_index(dataset)
    conditions = []
    for item in filters:
        field, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--filter {item!r}: write FIELD=VALUE; fields: {', '.join(FILTERS)}")
        conditions.append((field.strip().replace("-", "_"), value.strip()))
    conditions += [("key", k) for k in read_names(keys)]
    chosen = index.select(conditions)
    if as_json:
        _emit(
            {
                "format": "kms-permissions-actions/1",
                "dataset_version": index.version,
                "filters": [f"{f}={v}" for f, v in conditions],
                "actions": chosen,
            }
        )
    else:
        print(f"{'action':42} {'policy types':24} {'cross-account':14} {'access level'}")
        for e in chosen:
            print(
                f"{e['name']:42} {', '.join(map(_readable, e['policy_types'])) or '-':24} "
                f"{e['cross_account'] or '-':14} {e['access_level'] or '-'}"
            )
    return 0 if chosen else 1


def run_keys(actions: list[str], as_json: bool, dataset: str | None) -> int:
    """`keys [--action A]...`: the condition keys that apply to each action (all keys without)."""
    index = load_index(dataset)
    names = read_names(actions)
    if not names:
        chosen = {"*": list(index.keys.values())}
        missing: list[dict[str, Any]] = []
    else:
        resolved = [(n, index.resolve(n)) for n in names]
        bad = [n for n, e in resolved if e is None or e["kind"] != "action"]
        missing = _not_found(index, bad)
        chosen = {
            e["name"]: index.keys_for_action(e["name"]) for n, e in resolved if e and n not in bad
        }
    if as_json:
        _emit(
            {
                "format": "kms-permissions-keys/1",
                "dataset_version": index.version,
                "keys": {a: [k["name"] for k in ks] for a, ks in chosen.items()},
                "not_found": missing,
            }
        )
    else:
        for action, keys in chosen.items():
            print(f"{action}  ({len(keys)} condition keys)")
            for key in keys:
                kinds = ", ".join(v for v in (key["condition_type"], key["value_type"]) if v)
                print(f"  {key['name']:48} {kinds}")
    return 1 if missing else 0


def run_info(as_json: bool, dataset: str | None) -> int:
    """`info`: the dataset's version, provenance and file hashes."""
    index = load_index(dataset)
    with open(f"{index.folder}/manifest.json", "rb") as handle:
        manifest = jsonfast.loads(handle.read())
    with open(f"{index.folder}/sources.json", "rb") as handle:
        sources = jsonfast.loads(handle.read())
    if as_json:
        _emit(
            {
                "format": "kms-permissions-info/1",
                "dataset_version": index.version,
                "schema_version": index.schema_version,
                "folder": index.folder,
                "sources": sources,
                "files": manifest["files"],
            }
        )
        return 0
    print(f"kms-permissions dataset {index.version} (schema {index.schema_version})")
    print(f"folder: {index.folder}")
    print(f"{len(index.actions)} actions, {len(index.keys)} condition keys")
    print("sources:")
    for source in sources:
        print(
            f"  {source['source_id']:60} {source['revision_date'] or 'undated':10} "
            f"sha256 {source['sha256'][:16]}"
        )
    print("files:")
    for entry in manifest["files"]:
        print(f"  {entry['path']:40} {entry['bytes']:>9} bytes  sha256 {entry['sha256'][:16]}")
    return 0


EXPORT_FORMATS = ("json", "ndjson", "csv", "parquet")


def run_export(table: str, fmt: str, out: str | None, dataset: str | None) -> int:
    """`export --format F [--table T] [--out FILE]`: a table in another format."""
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
        from kms_permissions.scraper.http import atomic_write

        atomic_write(Path(out), text.encode())
    else:
        sys.stdout.write(text)
    return 0
