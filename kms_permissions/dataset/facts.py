"""A dataset version as a set of facts: (entity kind, entity, field, source) -> value.

Facts are what history tracks over time and what diff compares, so both speak of the same
things: an action or key being present in a source, and the values of its fields. Which field
comes from which source is read from the model's declaration (`source` metadata).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields

from kms_permissions import model
from kms_permissions.dataset.memory import Dataset

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.dataset.row_types import ConditionKeysRow

FactKey = tuple[str, str, str, str]
Facts = dict[FactKey, str]


def _fields_by_source(cls: type) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for spec in fields(cls):
        source = spec.metadata.get("source")
        if spec.metadata.get("column") and source:
            found.setdefault(source, []).append(spec.name)
    return {source: tuple(names) for source, names in found.items()}


ACTION_FIELDS = _fields_by_source(model.ActionInfo)
KEY_FIELDS = _fields_by_source(model.ConditionKeyInfo)
VIA_SERVICE_FIELDS = _fields_by_source(model.ViaService)
# Fields that locate a key in the guide rather than describe it: not tracked as facts.
_UNTRACKED = {"operations_expression", "guide_description", "sar_names"}
# The API Reference's first sentence of an operation changes with every rewording of its text:
# like the keys' descriptions, diff compares it and history leaves it out.
# Whether the API Reference says a key policy grant takes effect is read from its policy types,
# which history tracks already.
_ACTION_UNTRACKED = {"api_description", "api_key_policy_effective"}


def _value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def in_condition_tables(row: ConditionKeysRow) -> bool:
    """Whether a condition key has its own section in the guide's condition key pages."""
    return bool(row["anchor"]) and row["section"] != "conditions-aws"


def facts(dataset: Dataset, every_field: bool = False) -> Facts:
    """Every fact of a dataset version; `every_field` adds the fields history leaves out
    (descriptions, the parsed operations, the SAR's spellings), for `diff`."""
    untracked = set() if every_field else _UNTRACKED
    found: Facts = {}
    for action in dataset.tables["actions"]:
        present = {
            "permissions": action["in_guide"],
            "sar": action["in_sar"],
            "api": action["in_api"],
        }
        columns: Mapping[str, object] = action  # the model's fields of a source, by name
        for source in (s for s, listed in present.items() if listed):
            found[("action", action["action"], "present", source)] = "true"
            for field in ACTION_FIELDS[source]:
                if every_field or field not in _ACTION_UNTRACKED:
                    found[("action", action["action"], field, source)] = _value(columns[field])
    for key in dataset.tables["condition_keys"]:
        # The global keys the guide describes (conditions-aws) are facts history leaves out.
        described = bool(key["anchor"]) if every_field else in_condition_tables(key)
        present = {"conditions": described, "sar": key["in_sar"], "api": key["in_api"]}
        key_columns: Mapping[str, object] = key
        for source in (s for s, listed in present.items() if listed):
            found[("condition_key", key["condition_key"], "present", source)] = "true"
            for field in KEY_FIELDS.get(source, ()):
                if field not in untracked:
                    found[("condition_key", key["condition_key"], field, source)] = _value(
                        key_columns[field]
                    )
    for link in dataset.tables["action_condition_keys"]:
        entity = f"{link['action']}|{link['condition_key']}"
        labels: dict[str, object] = {
            "permissions": link["group"] or "",
            "conditions": "",
            "sar": link["sar_resource_types"],
            "api": "",
        }
        sources = {
            "permissions": link["permissions_source"],
            "conditions": link["conditions_source"],
            "sar": link["sar_source"],
            "api": link["api_source"],
        }
        for source, label in labels.items():
            if sources[source]:
                found[("action_condition_key", entity, "present", source)] = _value(label)
    for required in dataset.tables["required_permissions"]:
        entity = "|".join(
            [
                required["operation"],
                required["permission"],
                required["parameter"] or "",
                required["where"] or "",
            ]
        )
        found[("required_permission", entity, "present", "api")] = _value(
            {"policy_types": required["policy_types"], "resource": required["resource"]}
        )
    for via in dataset.tables["via_services"]:
        found[("via_service", via["service"], "present", "conditions")] = "true"
        via_columns: Mapping[str, object] = via
        for field in VIA_SERVICE_FIELDS["conditions"]:
            found[("via_service", via["service"], field, "conditions")] = _value(via_columns[field])
    for resource in dataset.tables["resource_types"]:
        found[("resource_type", resource["resource_type"], "arn_pattern", "sar")] = _value(
            resource["arn_pattern"]
        )
    return found


def revisions(dataset: Dataset) -> dict[str, str]:
    """The source revision behind each fact source of a version: a commit, a date, a hash, or
    for botocore's model the release that first shipped it (`botocore 1.44.8`)."""
    found: dict[str, str] = {}
    for row in dataset.tables["sources"]:
        label = row["revision"]
        if row.get("release"):
            label = f"botocore {row['release']}"
        found.setdefault(model.SOURCE_OF_PAGE_KIND[row["kind"]], label)
    return found


def undated_copies(dataset: Dataset) -> dict[str, str]:
    """Per fact source that no dated page of the version feeds, why its facts have no date: the
    undated copies it was read from (`undated copy: permissions/...@sha256:d9f971000635`)."""
    dated: set[str] = set()
    found: dict[str, list[str]] = {}
    for row in dataset.tables["sources"]:
        source = model.SOURCE_OF_PAGE_KIND[row["kind"]]
        if row["revision_date"]:
            dated.add(source)
        else:
            found.setdefault(source, []).append(row["source_id"])
    return {
        source: f"undated copy: {', '.join(sorted(ids))}"
        for source, ids in found.items()
        if source not in dated
    }
