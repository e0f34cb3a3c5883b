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


def _grant(grant: Mapping[str, Any]) -> Grant[str]:
    return Grant(
        policy_type=cast(PolicyType, grant["policy_type"]),
        qualifier=grant["qualifier"],
        cross_account=grant["cross_account"],
        cross_account_text=grant["cross_account_text"],
        resources=tuple(grant["resources"]),
        condition_keys=tuple(
            KeyGroup(g["group"], tuple(g["keys"])) for g in grant["condition_keys"]
        ),
        condition_keys_note=grant["condition_keys_note"],
    )


def _action(entry: Mapping[str, Any]) -> ActionInfo[str]:
    return ActionInfo(
        action=entry["name"],
        operation=entry["operation"],
        in_guide=entry["in_guide"],
        in_sar=entry["in_sar"],
        policy_types=tuple(cast(list[PolicyType], entry["policy_types"])),
        key_policy_effective=entry["key_policy_effective"],
        cross_account=entry["cross_account"],
        cross_account_text=entry["cross_account_text"],
        resources=tuple(entry["resources"]),
        grants=tuple(_grant(g) for g in entry["grants"]),
        condition_keys=tuple(entry["condition_keys"]),
        sar_condition_keys=tuple(entry["sar_condition_keys"]),
        access_level=entry["access_level"],
        description=entry["description"],
        dependent_actions=tuple(entry["dependent_actions"]),
        permission_only=entry["permission_only"],
        api_reference_url=entry["api_reference_url"],
        note=entry["note"],
        first_seen=entry["first_seen"],
    )


def _key(entry: Mapping[str, Any]) -> ConditionKeyInfo[str]:
    return ConditionKeyInfo(
        key=entry["name"],
        prefix=entry["prefix"],
        is_template=entry["is_template"],
        condition_type=entry["condition_type"],
        value_type=cast(ValueType | None, entry["value_type"]),
        actions=tuple(entry["actions"]),
        policy_types=tuple(cast(list[PolicyType], entry["policy_types"])),
        deprecated=entry["deprecated"],
        replacement=entry["replacement"],
        description=entry["description"] or entry["sar_description"],
        sar_type=entry["sar_type"],
        in_guide=entry["in_guide"],
        in_sar=entry["in_sar"],
        first_seen=entry["first_seen"],
    )


def build_reference(folder: Path, manifest: Mapping[str, Any]) -> Reference:
    """Typed objects from a dataset folder's lookup index (the tables already joined)."""
    index = json.loads((folder / "index.json").read_text())
    return Reference(
        version=manifest["dataset_version"],
        schema_version=manifest["schema_version"],
        folder=folder,
        actions=MappingProxyType({n: _action(e) for n, e in index["actions"].items()}),
        condition_keys=MappingProxyType({n: _key(e) for n, e in index["condition_keys"].items()}),
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
