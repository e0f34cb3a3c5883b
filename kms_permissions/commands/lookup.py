"""`lookup NAME...`: every fact about each action or condition key.

A NAME is an action (kms:Decrypt, or Decrypt, in any case) or a condition key (kms:ViaService,
or an instance of a template such as kms:EncryptionContext:Department); `-` reads names from
standard input, one a line. Exit 0 when every name is found, 1 when one is not (with the names
close to it), 2 for bad usage.
"""

# This verb is on the command line's hot path (other tools call it many times): it imports
# neither argparse, json nor typing.

from __future__ import annotations

import sys

from kms_permissions.commands.output import (
    add_query_options,
    emit,
    fit,
    not_found,
    read_names,
    readable,
    row,
    terminal,
)
from kms_permissions.display import compact
from kms_permissions.query import load_index

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

HELP = "every fact about actions or condition keys"
FORMAT = "kms-permissions-lookup/2"


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


SOURCE_LABELS = {
    "permissions": "permissions reference",
    "conditions": "condition key pages",
    "sar": "SAR",
    "api": "API Reference",
}


def _as_of(entry: dict[str, Any]) -> str:
    parts = []
    for source, date in entry["as_of"].items():
        label = SOURCE_LABELS.get(source, source)
        parts.append(f"{label} {'as of ' + date if date else '(undated current page)'}")
    return "; ".join(parts) or "-"


def _listed_since(entry: dict[str, Any], coverage: dict[str, Any]) -> str:
    """When each source first lists it, said so that it cannot be read as "introduced on": a
    date at the start of a source's copies only says "at least since"."""
    parts = []
    for source, date in entry["listed_since"].items():
        label = SOURCE_LABELS.get(source, source)
        span = coverage.get(source, {})
        revision = entry["listed_in"].get(source, "")
        copy = f"{revision} of {date}" if revision.startswith("botocore") else f"the copy of {date}"
        if date is None:
            parts.append(f"{label}: in its undated current copy (no dated copy lists it)")
        elif date == span.get("first") and span.get("newest") is None:
            parts.append(f"{label}: only its current copy is held")
        elif date == span.get("first"):
            parts.append(f"{label}: at least since {copy} (its earliest copy held)")
        else:
            parts.append(f"{label}: first in {copy}")
    return "; ".join(parts)


def _requirement(item: dict[str, Any]) -> str:
    """One required permission as the API Reference states it, compactly."""
    text = str(item["permission"])
    if item["resource"]:
        text += f" on {item['resource']}"
    if item["policy_types"]:
        text += f" ({', '.join(map(readable, item['policy_types']))})"
    when = [f"with {item['parameter']}" if item["parameter"] else "", item["where"] or ""]
    return text + "".join(f", {w}" for w in when if w)


def _required(entry: dict[str, Any]) -> list[str]:
    """What the API Reference says the operation needs, and where else the permission is
    needed."""
    lines = []
    needs = entry["required_permissions"]
    if needs:
        lines.append(row("API needs", "; ".join(_requirement(i) for i in needs)))
    for item in entry["required_by"]:
        lines.append(row("also needed by", f"{item['operation']}: {_requirement(item)}"))
    return lines


def _by_sources(names: list[str], sources: dict[str, list[str]]) -> str:
    """Names grouped by the sources that pair them, numbered runs folded."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for name in names:
        groups.setdefault(tuple(sources[name]), []).append(name)
    return "; ".join(
        f"{', '.join(compact(members))} ({', '.join(SOURCE_LABELS[s] for s in by)})"
        for by, members in groups.items()
    )


def _exceptions(names: list[str], sources: dict[str, list[str]]) -> str:
    """The sources most names share, and the names that differ from them."""
    counts: dict[tuple[str, ...], int] = {}
    for name in names:
        counts[tuple(sources[name])] = counts.get(tuple(sources[name]), 0) + 1
    common = max(counts, key=lambda by: (counts[by], len(by)))
    others = [n for n in names if tuple(sources[n]) != common]
    shared = ", ".join(SOURCE_LABELS[s] for s in common)
    if not others:
        return shared
    return f"{shared}, except {_by_sources(others, sources)}"


def _action_text(entry: dict[str, Any], coverage: dict[str, Any]) -> list[str]:
    lines = [f"{entry['name']}  (action)"]
    url = entry["api_reference_url"] or ""
    lines.append(row("operation", f"{entry['operation']}  {url}".rstrip()))
    if entry["permission_only"]:
        lines.append(row("permission only", "yes: no API operation of that name (SAR)"))
    lines += _action_headline(entry)
    if entry["grants"]:
        lines.append(row("guide's rows", "the permissions reference, row by row:"))
    for grant in entry["grants"]:
        qualifier = f" ({grant['qualifier']})" if grant["qualifier"] else ""
        lines.append(row("policy type", readable(grant["policy_type"]) + qualifier))
        lines.append(row("  cross-account", grant["cross_account_text"]))
        lines.append(row("  resources", ", ".join(grant["resources"])))
        for group in grant["condition_keys"]:
            label = f"{group['label']}: " if group["label"] else ""
            lines.append(row("  condition keys", label + ", ".join(group["keys"])))
        if grant["condition_keys_note"]:
            lines.append(row("  condition keys", f"none ({grant['condition_keys_note']})"))
    if not entry["grants"]:
        lines.append(row("guide's rows", "- (not in the guide's permissions reference)"))
    lines += _required(entry)
    for resource, arn in entry["resource_arns"].items():
        lines.append(row("ARN " + resource, arn))
    sources = entry["condition_key_sources"]
    others = [k for k in entry["condition_keys"] if "permissions" not in sources[k]]
    if others:
        lines.append(row("other keys", _by_sources(others, sources)))
    left = entry["keys_not_applying"]
    if left:
        lines.append(
            row("keys left out", f"{_by_sources(left, sources)}: a newer source does not list it")
        )
    rules: dict[str, list[str]] = {}
    for key, rule in entry["condition_key_rules"].items():
        rules.setdefault(rule, []).append(key)
    for rule, keys in rules.items():
        lines.append(row("  by the rule", f"{rule}: {', '.join(keys)}"))
    if entry["access_level"]:
        lines.append(row("access level", entry["access_level"] + _stated(entry, "access_level")))
    elif not entry["in_sar"]:
        lines.append(row("access level", "- (the SAR gives access levels and does not list it)"))
    if entry["description"]:
        described = entry["description"]
        lines.append(row("description", described + _stated(entry, "description")))
        said = {"sar": entry["sar_description"], "api": entry["api_description"]}
        lines += _older(entry, "description", said, described)
    if entry["note"]:
        lines.append(row("note", entry["note"] + _stated(entry, "note")))
    if entry["dependent_actions"]:
        dependent = ", ".join(entry["dependent_actions"])
        lines.append(row("dependent", dependent + _stated(entry, "dependent_actions")))
    lines.append(row("sources", _as_of(entry)))
    if entry["listed_since"]:
        lines.append(row("listed since", _listed_since(entry, coverage)))
    return lines + _discrepancy_lines(entry["discrepancies"])


def _shown(value: Any) -> str | None:
    """A fact's value as lookup prints it (None: no value)."""
    if value is None or value == []:
        return None
    if isinstance(value, bool):
        return "takes effect" if value else "has no effect"
    if isinstance(value, list):
        return ", ".join(readable(v) if v.endswith("-policy") else v for v in value)
    return str(value)


def _action_headline(entry: dict[str, Any]) -> list[str]:
    """Where it is granted, its cross-account use and its resources: each headline value with
    its source and date, then the other sources' values where they differ."""
    lines = []
    labels = {
        "policy_types": "policy types",
        "key_policy_effective": "key policy grant",
        "cross_account": "cross-account",
        "resources": "resources",
    }
    for fact, label in labels.items():
        value = _shown(entry[fact])
        if fact == "key_policy_effective" and "key-policy" not in entry["policy_types"]:
            continue  # not granted in a key policy: whether a grant there works is moot
        if fact == "cross_account" and value is not None and entry["cross_account_text"]:
            value = f"{value}: {entry['cross_account_text']}"
        if value is None:
            if fact == "policy_types":
                lines.append(row(label, "- (no source says where to grant it)"))
            continue
        lines.append(row(label, value + _stated(entry, fact)))
        prefix = {"permissions": "guide", "sar": "sar", "api": "api"}
        said = {
            s: _shown(entry.get(f"{prefix[s]}_{fact}"))
            for s in ("permissions", "sar", "api")
            if f"{prefix[s]}_{fact}" in entry
        }
        lines += _older(entry, fact, said, _shown(entry[fact]) or "")
    if entry["guide_cross_account"] == "contradictory":
        said = entry["guide_cross_account_text"]
        lines.append(row("  the guide", f"says both across accounts: {said}"))
    return lines


def _instance_lines(entry: dict[str, Any], asked: str) -> list[str]:
    """The SAR's own description of the instance asked for (PCR3 of PCR${PCR_ID}), if any."""
    for name, said in zip(entry["sar_names"], entry["sar_descriptions"], strict=False):
        if name.lower() == asked.strip().lower():
            return [row("instance", f"{name}: {said}")]
    return []


def _stated(entry: dict[str, Any], field: str) -> str:
    """` (SAR, as of 2026-06-14)`: where a headline fact comes from ('' if nowhere)."""
    source = entry["headline_sources"].get(field)
    if source is None:
        return ""
    date = entry["headline_as_of"].get(field)
    return f" ({SOURCE_LABELS.get(source, source)}, {'as of ' + date if date else 'undated'})"


def _older(entry: dict[str, Any], field: str, said: dict[str, str | None], shown: str) -> list[str]:
    """The other sources' values of a headline fact (`shown`), where they differ from it."""
    headline = entry["headline_sources"].get(field)
    lines = []
    for source, value in said.items():
        if value and source != headline and value != shown:
            date = entry["as_of"].get(source)
            when = f"as of {date}" if date else "undated"
            lines.append(row("  per source", f"{SOURCE_LABELS[source]} ({when}): {value}"))
    return lines


def _key_text(entry: dict[str, Any], coverage: dict[str, Any], asked: str = "") -> list[str]:
    kinds = ", ".join(v for v in (entry["condition_type"], entry["value_type"]) if v)
    # An AWS global key the KMS sources only give guidance for: say so rather than a bare dash.
    global_key = entry["prefix"] == "aws"
    untyped = "- (an AWS global condition key: the IAM User Guide gives its type)"
    lines = [
        f"{entry['name']}  (condition key)",
        row(
            "type",
            kinds + _stated(entry, "condition_type")
            if kinds
            else (untyped if global_key else "- (no source gives it)"),
        ),
    ]
    guide = ", ".join(v for v in (entry["guide_condition_type"], entry["guide_value_type"]) if v)
    # The SAR's types have names of their own (ArrayOfString): shown as such, when not the headline.
    said = {"conditions": guide or None, "sar": entry["sar_type"]}
    lines += _older(entry, "condition_type", said, kinds)
    if entry["policy_types"]:
        lines.append(row("policy types", ", ".join(map(readable, entry["policy_types"]))))
    actions = entry["actions"]
    none = "- (no KMS source pairs it with an action)"
    lines.append(
        row(
            "actions",
            f"{len(actions)}: {', '.join(actions)}{_stated(entry, 'actions')}" if actions else none,
        )
    )
    sources = entry["action_sources"]
    if actions:
        lines.append(row("  listed by", _exceptions(actions, sources)))
    if entry["not_applying"]:
        left = entry["not_applying"]
        lines.append(
            row("  left out", f"{_by_sources(left, sources)}: a newer source does not list it")
        )
    if entry["sar_names"]:
        lines.append(row("SAR names", ", ".join(compact(entry["sar_names"]))))
    if entry["deprecated"]:
        lines.append(row("deprecated", f"yes, use {entry['replacement'] or '-'}"))
    if entry["description"]:
        lines.append(row("description", entry["description"] + _stated(entry, "description")))
        said = {
            "conditions": entry["guide_description"],
            "sar": entry["sar_description"],
            "api": entry["api_description"],
        }
        lines += _older(entry, "description", said, entry["description"])
    lines += _instance_lines(entry, asked)
    lines.append(row("sources", _as_of(entry)))
    if entry["listed_since"]:
        lines.append(row("listed since", _listed_since(entry, coverage)))
    return lines + _via_service_lines(entry) + _discrepancy_lines(entry["discrepancies"])


def _via_service_lines(entry: dict[str, Any]) -> list[str]:
    """The guide's table of services that support the key (kms:ViaService), one per line."""
    services = entry["via_services"]
    if not services:
        return []
    lines = [row("services", f"{len(services)} support it (the guide's table):")]
    for item in services:
        names = ", ".join(item["names"]) or "- (not given by this copy)"
        note = f" ({item['note']})" if item["note"] else ""
        lines.append(f"    {item['service']}: {names}{note}")
    return lines


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
            _action_text(e, index.coverage)
            if e["kind"] == "action"
            else _key_text(e, index.coverage, asked)
            for asked, e in found
            if e is not None
        ]
        if blocks:
            width, colour = terminal()
            print("\n\n".join("\n".join(fit(block, width, colour)) for block in blocks))
    return 1 if missing else 0
