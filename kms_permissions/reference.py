"""The bundled dataset (or another dataset folder) as typed objects, with no pyarrow.

`load()` checks every file against the manifest's sha256 before it trusts any of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from kms_permissions.info import (
    ActionInfo,
    ConditionKeyInfo,
    Grant,
    KeyGroup,
    PolicyType,
    ValueType,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str) -> Path:
    """A real path to a bundled data file (`actions.parquet`, `schema/actions.schema.json`)."""
    path = (DATA_DIR / name).resolve()
    if DATA_DIR not in path.parents or not path.is_file():
        available = sorted(
            p.relative_to(DATA_DIR).as_posix() for p in DATA_DIR.rglob("*") if p.is_file()
        )
        raise FileNotFoundError(f"{name!r} is not a bundled data file; there are: {available}")
    return path


@dataclass(frozen=True)
class Reference:
    """One dataset version as typed objects."""

    version: str
    schema_version: str
    folder: Path
    actions: Mapping[str, ActionInfo[str]]
    condition_keys: Mapping[str, ConditionKeyInfo[str]]
    discrepancies: tuple[Mapping[str, Any], ...]
    sources: tuple[Mapping[str, Any], ...]


def _rows(folder: Path, table: str) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], json.loads((folder / f"{table}.json").read_text()))


def build_reference(folder: Path, manifest: Mapping[str, Any]) -> Reference:
    """Typed objects from a dataset folder's JSON files."""
    grants: dict[str, list[Grant[str]]] = {}
    pairs = _rows(folder, "action_condition_keys")
    groups: dict[tuple[str, int], dict[str | None, list[str]]] = {}
    sar_keys: dict[str, list[str]] = {}
    for pair in sorted(pairs, key=lambda p: (p["grant_row"] or 0, p["position"])):
        if pair["source"] == "guide":
            slot = groups.setdefault((pair["action"], pair["grant_row"]), {})
            slot.setdefault(pair["group"], []).append(pair["condition_key"])
        else:
            sar_keys.setdefault(pair["action"], []).append(pair["condition_key"])
    for row in _rows(folder, "action_grants"):
        labelled = groups.get((row["action"], row["row"]), {})
        grants.setdefault(row["action"], []).append(
            Grant(
                policy_type=cast(PolicyType, row["policy_type"]),
                qualifier=row["qualifier"],
                cross_account=row["cross_account"],
                cross_account_text=row["cross_account_text"],
                resources=tuple(row["resources"]),
                condition_keys=tuple(
                    KeyGroup(label, tuple(keys)) for label, keys in labelled.items()
                ),
                condition_keys_note=row["condition_keys_note"],
            )
        )
    actions: dict[str, ActionInfo[str]] = {}
    for row in _rows(folder, "actions"):
        action_grants = tuple(grants.get(row["action"], ()))
        keys = tuple(
            dict.fromkeys(k for g in action_grants for grp in g.condition_keys for k in grp.keys)
        )
        actions[row["action"]] = ActionInfo(
            action=row["action"],
            operation=row["operation"],
            in_guide=row["in_guide"],
            in_sar=row["in_sar"],
            policy_types=tuple(cast(list[PolicyType], row["policy_types"])),
            key_policy_effective=row["key_policy_effective"],
            cross_account=row["cross_account"],
            cross_account_text=row["cross_account_text"],
            resources=tuple(row["resource_types"]),
            grants=action_grants,
            condition_keys=keys,
            sar_condition_keys=tuple(sorted(set(sar_keys.get(row["action"], ())))),
            access_level=row["access_level"],
            description=row["description"],
            dependent_actions=tuple(row["dependent_actions"]),
            permission_only=row["permission_only"],
            api_reference_url=row["api_reference_url"],
            note=row["note"],
            first_seen=row["first_seen"],
        )
    keys_info: dict[str, ConditionKeyInfo[str]] = {}
    for row in _rows(folder, "condition_keys"):
        keys_info[row["condition_key"]] = ConditionKeyInfo(
            key=row["condition_key"],
            prefix=row["prefix"],
            is_template=row["is_template"],
            condition_type=row["condition_type"],
            value_type=cast(ValueType | None, row["value_type"]),
            actions=tuple(row["actions"]),
            policy_types=tuple(cast(list[PolicyType], row["policy_types"])),
            deprecated=row["deprecated"],
            replacement=row["replacement"],
            description=row["description"] or row["sar_description"],
            sar_type=row["sar_type"],
            in_guide=row["in_guide"],
            in_sar=row["in_sar"],
            first_seen=row["first_seen"],
        )
    return Reference(
        version=manifest["dataset_version"],
        schema_version=manifest["schema_version"],
        folder=folder,
        actions=MappingProxyType(actions),
        condition_keys=MappingProxyType(keys_info),
        discrepancies=tuple(_rows(folder, "discrepancies")),
        sources=tuple(_rows(folder, "sources")),
    )


def load(folder: Path | str | None = None) -> Reference:
    """The bundled dataset (or the dataset folder given) as typed objects, hashes checked."""
    from kms_permissions.dataset.io import verify

    if folder is None:
        return _bundled()
    target = Path(folder).resolve()
    return build_reference(target, verify(target))


@cache
def _bundled() -> Reference:
    from kms_permissions.dataset.io import verify

    return build_reference(DATA_DIR, verify(DATA_DIR))
