"""A dataset version as a set of facts: (entity kind, entity, field, source) -> value.

Facts are what history tracks over time and what diff compares, so both speak of the same
things: an action or key being present in a source, and the values of its fields.
"""

from __future__ import annotations

import json
from typing import Any

from kms_permissions.dataset.model import Dataset

FactKey = tuple[str, str, str, str]
Facts = dict[FactKey, str]

# Which source each field of the merged tables comes from.
ACTION_FIELDS = {
    "guide-permissions": (
        "policy_types",
        "key_policy_effective",
        "cross_account",
        "resource_types",
    ),
    "sar": ("access_level", "description", "dependent_actions", "permission_only"),
}
KEY_FIELDS = {
    "guide-conditions": (
        "condition_type",
        "value_type",
        "operations_text",
        "policy_types_text",
        "deprecated",
        "replacement",
    ),
    "sar": ("sar_type", "sar_description"),
}
SOURCE_KINDS = {
    "permissions": "guide-permissions",
    "condition-keys": "guide-conditions",
    "global-keys": "guide-conditions",
    "notes": "guide-notes",
    "sar": "sar",
}


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def in_condition_tables(row: dict[str, Any]) -> bool:
    """Whether a condition key has its own section in the guide's condition key pages."""
    return bool(row["anchor"]) and row["section"] != "conditions-aws"


def facts(dataset: Dataset) -> Facts:
    """Every fact of a dataset version."""
    found: Facts = {}
    for row in dataset.rows("actions"):
        sources = [
            s
            for s, present in (("guide-permissions", row["in_guide"]), ("sar", row["in_sar"]))
            if present
        ]
        for source in sources:
            found[("action", row["action"], "present", source)] = "true"
            for field in ACTION_FIELDS[source]:
                found[("action", row["action"], field, source)] = _value(row[field])
    for row in dataset.rows("condition_keys"):
        sources = []
        if in_condition_tables(row):
            sources.append("guide-conditions")
        if row["in_sar"]:
            sources.append("sar")
        for source in sources:
            found[("condition_key", row["condition_key"], "present", source)] = "true"
            for field in KEY_FIELDS[source]:
                found[("condition_key", row["condition_key"], field, source)] = _value(row[field])
    pairs: dict[tuple[str, str], set[str]] = {}
    for row in dataset.rows("action_condition_keys"):
        source = "guide-permissions" if row["source"] == "guide" else "sar"
        label = row["group"] if source == "guide-permissions" else row["resource_type"]
        pairs.setdefault((f"{row['action']}|{row['condition_key']}", source), set()).add(
            label or ""
        )
    for (entity, source), labels in pairs.items():
        found[("action_condition_key", entity, "present", source)] = _value(sorted(labels))
    for row in dataset.rows("resource_types"):
        found[("resource_type", row["resource_type"], "arn_pattern", "sar")] = _value(
            row["arn_pattern"]
        )
    return found


def revisions(dataset: Dataset) -> dict[str, str]:
    """The source revision behind each fact source of a version."""
    found: dict[str, str] = {}
    for row in dataset.rows("sources"):
        found.setdefault(SOURCE_KINDS[row["kind"]], row["revision"])
    return found
