"""`lookup NAME...`: every fact about each action or condition key.

This verb is on the command line's hot path (other tools call it many times): it imports
neither argparse, json nor typing.
"""

from __future__ import annotations

import sys

from kms_permissions.commands.output import (
    add_query_options,
    emit,
    not_found,
    read_names,
    readable,
    row,
)
from kms_permissions.display import compact
from kms_permissions.query import load_index

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

HELP = "every fact about actions or condition keys"
FORMAT = "kms-permissions-lookup/1"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """NAME... and the query options."""
    parser.add_argument(
        "names", nargs="+", metavar="NAME", help="kms:Decrypt, Decrypt, - for stdin"
    )
    add_query_options(parser)


def run(args: argparse.Namespace) -> int:
    """Run the verb from parsed arguments."""
    return run_lookup(args.names, args.json, args.dataset)


def _discrepancy_lines(items: list[dict[str, Any]]) -> list[str]:
    by_kind: dict[str, list[str]] = {}
    for item in items:
        by_kind.setdefault(item["kind"], []).append(item["subject"].split("|")[-1])
    lines = []
    for kind, subjects in by_kind.items():
        shown = compact(subjects)
        if len(subjects) == 1 and len(items) == 1:
            lines.append(row("discrepancy", items[0]["detail"]))
        else:
            lines.append(row("discrepancy", f"{kind} ({len(subjects)}): {', '.join(shown)}"))
    return lines


def _action_text(entry: dict[str, Any]) -> list[str]:
    lines = [f"{entry['name']}  (action)"]
    url = entry["api_reference_url"] or ""
    lines.append(row("operation", f"{entry['operation']}  {url}".rstrip()))
    for grant in entry["grants"]:
        qualifier = f" ({grant['qualifier']})" if grant["qualifier"] else ""
        lines.append(row("policy type", readable(grant["policy_type"]) + qualifier))
        lines.append(row("  cross-account", grant["cross_account_text"]))
        lines.append(row("  resources", ", ".join(grant["resources"])))
        for group in grant["condition_keys"]:
            label = f"{group['group']}: " if group["group"] else ""
            lines.append(row("  condition keys", label + ", ".join(group["keys"])))
        if grant["condition_keys_note"]:
            lines.append(row("  condition keys", f"none ({grant['condition_keys_note']})"))
    for resource, arn in entry["resource_arns"].items():
        lines.append(row("ARN " + resource, arn))
    extra = [k for k in entry["sar_condition_keys"] if k not in entry["condition_keys"]]
    if extra:
        lines.append(row("SAR-only keys", ", ".join(compact(extra))))
    for label, key in (
        ("access level", "access_level"),
        ("description", "description"),
        ("note", "note"),
        ("first seen", "first_seen"),
    ):
        if entry[key]:
            lines.append(row(label, str(entry[key])))
    if entry["dependent_actions"]:
        lines.append(row("dependent", ", ".join(entry["dependent_actions"])))
    return lines + _discrepancy_lines(entry["discrepancies"])


def _key_text(entry: dict[str, Any]) -> list[str]:
    kinds = ", ".join(v for v in (entry["condition_type"], entry["value_type"]) if v)
    lines = [f"{entry['name']}  (condition key)", row("type", kinds or "-")]
    if entry["policy_types"]:
        lines.append(row("policy types", ", ".join(map(readable, entry["policy_types"]))))
    actions = entry["actions"]
    lines.append(row("actions", f"{len(actions)}: {', '.join(actions)}" if actions else "-"))
    if entry["deprecated"]:
        lines.append(row("deprecated", f"yes, use {entry['replacement'] or '-'}"))
    if entry["description"] or entry["sar_description"]:
        lines.append(row("description", entry["description"] or entry["sar_description"]))
    if entry["first_seen"]:
        lines.append(row("first seen", entry["first_seen"]))
    return lines + _discrepancy_lines(entry["discrepancies"])


def run_lookup(names: list[str], as_json: bool, dataset: str | None) -> int:
    """Print every fact about each name; exit 1 if one is not found, 2 if none is given."""
    index = load_index(dataset)
    names = read_names(names)
    if not names:
        print("kms-permissions lookup: no name given", file=sys.stderr)
        return 2
    found = [(n, index.resolve(n)) for n in names]
    results = [entry for _, entry in found if entry is not None]
    missing = not_found(index, [n for n, entry in found if entry is None])
    if as_json:
        emit(
            {
                "format": FORMAT,
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
