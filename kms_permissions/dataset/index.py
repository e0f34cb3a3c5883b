"""The compact lookup index (`index.json`): each action and key's facts, ready to print.

Lookups read this one file instead of the tables, so the command line answers without pyarrow
and without joining tables; its objects are exactly what `lookup --json` prints.
"""

from __future__ import annotations

from typing import Any

from kms_permissions.dataset.columns import SCHEMA_VERSION
from kms_permissions.dataset.model import Dataset, Row

FORMAT = "kms-permissions-index/1"


def _grouped(pairs: list[Row]) -> list[dict[str, Any]]:
    groups: dict[str | None, list[str]] = {}
    for pair in sorted(pairs, key=lambda p: p["position"]):
        groups.setdefault(pair["group"], []).append(pair["condition_key"])
    return [{"group": label, "keys": keys} for label, keys in groups.items()]


def build_index(dataset: Dataset) -> dict[str, Any]:
    """The index of a dataset version."""
    arns = {r["resource_type"]: r["arn_pattern"] for r in dataset.rows("resource_types")}
    pairs: dict[tuple[str, int | None], list[Row]] = {}
    sar_keys: dict[str, set[str]] = {}
    for pair in dataset.rows("action_condition_keys"):
        if pair["source"] == "guide":
            pairs.setdefault((pair["action"], pair["grant_row"]), []).append(pair)
        else:
            sar_keys.setdefault(pair["action"], set()).add(pair["condition_key"])
    discrepancies: dict[str, list[dict[str, str]]] = {}
    for row in dataset.rows("discrepancies"):
        for subject in set(row["subject"].split("|")):
            discrepancies.setdefault(subject, []).append(
                {"kind": row["kind"], "subject": row["subject"], "detail": row["detail"]}
            )
    grants: dict[str, list[dict[str, Any]]] = {}
    for row in dataset.rows("action_grants"):
        grants.setdefault(row["action"], []).append(
            {
                "row": row["row"],
                "policy_type": row["policy_type"],
                "qualifier": row["qualifier"],
                "cross_account": row["cross_account"],
                "cross_account_text": row["cross_account_text"],
                "resources": row["resources"],
                "resource_note": row["resource_note"],
                "condition_keys": _grouped(pairs.get((row["action"], row["row"]), [])),
                "condition_keys_note": row["condition_keys_note"],
            }
        )
    actions: dict[str, Any] = {}
    for row in dataset.rows("actions"):
        name = row["action"]
        own = grants.get(name, [])
        guide_keys = list(
            dict.fromkeys(k for g in own for group in g["condition_keys"] for k in group["keys"])
        )
        actions[name] = {
            "kind": "action",
            "name": name,
            "operation": row["operation"],
            "in_guide": row["in_guide"],
            "in_sar": row["in_sar"],
            "policy_types": row["policy_types"],
            "key_policy_effective": row["key_policy_effective"],
            "cross_account": row["cross_account"],
            "cross_account_text": row["cross_account_text"],
            "resources": row["resource_types"],
            "resource_arns": {r: arns[r] for r in row["resource_types"] if r in arns},
            "grants": own,
            "condition_keys": guide_keys,
            "sar_condition_keys": sorted(sar_keys.get(name, ())),
            "access_level": row["access_level"],
            "description": row["description"],
            "permission_only": row["permission_only"],
            "dependent_actions": row["dependent_actions"],
            "api_reference_url": row["api_reference_url"],
            "note": row["note"],
            "first_seen": row["first_seen"],
            "discrepancies": discrepancies.get(name, []),
        }
    keys: dict[str, Any] = {}
    for row in dataset.rows("condition_keys"):
        name = row["condition_key"]
        keys[name] = {
            "kind": "condition_key",
            "name": name,
            "prefix": row["prefix"],
            "is_template": row["is_template"],
            "in_guide": row["in_guide"],
            "in_sar": row["in_sar"],
            "condition_type": row["condition_type"],
            "value_type": row["value_type"],
            "details_source": row["details_source"],
            "sar_type": row["sar_type"],
            "actions": row["actions"],
            "policy_types": row["policy_types"],
            "deprecated": row["deprecated"],
            "replacement": row["replacement"],
            "description": row["description"],
            "sar_description": row["sar_description"],
            "operations_text": row["operations_text"],
            "anchor": row["anchor"],
            "section": row["section"],
            "first_seen": row["first_seen"],
            "discrepancies": discrepancies.get(name, []),
        }
    return {
        "format": FORMAT,
        "dataset_version": dataset.version,
        "schema_version": SCHEMA_VERSION,
        "actions": actions,
        "condition_keys": keys,
    }
