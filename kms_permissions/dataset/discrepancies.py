"""Disagreements between the developer guide and the Service Authorization Reference."""

from __future__ import annotations

from kms_permissions.dataset.keys import KeyNames
from kms_permissions.dataset.model import Row, Snapshot, source_id

_COMPATIBLE_TYPES = {
    "String": {"String"},
    "Bool": {"Boolean"},
    "Numeric": {"Numeric"},
    "Date": {"Timestamp"},
    "ArrayOfString": {"String (list)"},
    "ARN": {"ARN", "String"},
}


def find_discrepancies(snapshot: Snapshot, names: KeyNames, pairs: list[Row]) -> list[Row]:
    """Rows of the discrepancies table for one snapshot (empty unless both sources are in)."""
    if snapshot.sar is None or (snapshot.permissions is None and not snapshot.condition_keys):
        return []
    sar_sid = source_id(snapshot.sar.provenance)
    rows: list[Row] = []

    def add(kind: str, subject: str, detail: str, guide_sid: str | None) -> None:
        rows.append(
            {
                "kind": kind,
                "subject": subject,
                "detail": detail,
                "guide_source": guide_sid,
                "sar_source": sar_sid,
            }
        )

    sar_actions = {f"kms:{a.name}" for a in snapshot.sar.actions}
    if snapshot.permissions is not None:
        guide_sid = source_id(snapshot.permissions.provenance)
        guide_actions = {p for op in snapshot.permissions.operations for p in op.permissions}
        for action in sorted(sar_actions - guide_actions):
            add(
                "action-only-in-sar",
                action,
                f"The SAR lists {action}; the guide's permissions reference does not.",
                guide_sid,
            )
        for action in sorted(guide_actions - sar_actions):
            add(
                "action-only-in-guide",
                action,
                f"The guide's permissions reference lists {action}; the SAR does not.",
                guide_sid,
            )
        _pair_discrepancies(pairs, names, guide_actions & sar_actions, guide_sid, add)
    if snapshot.condition_keys:
        tables = {k.name: k for page in snapshot.condition_keys for k in page.condition_keys}
        tables_sid = source_id(snapshot.condition_keys[0].provenance)
        sar_keys = {names.canonical(k.name): k for k in snapshot.sar.condition_keys}
        for key in sorted(set(sar_keys) - set(tables)):
            if key.startswith("kms:") and names.template_of(key) is None:
                add(
                    "key-only-in-sar",
                    key,
                    f"The SAR describes {key}; the guide's condition key pages do not.",
                    tables_sid,
                )
        for key in sorted(set(tables) - set(sar_keys)):
            if not tables[key].deprecated:
                add(
                    "key-only-in-guide",
                    key,
                    f"The guide describes {key}; the SAR's condition keys table does not.",
                    tables_sid,
                )
        for key in sorted(set(tables) & set(sar_keys)):
            guide_type, sar_type = tables[key].condition_type, sar_keys[key].type
            if guide_type and guide_type not in _COMPATIBLE_TYPES.get(sar_type, {sar_type}):
                add(
                    "condition-type-differs",
                    key,
                    f"The guide gives {key} type {guide_type}; the SAR gives {sar_type}.",
                    tables_sid,
                )
    return rows


def _pair_discrepancies(
    pairs: list[Row], names: KeyNames, actions: set[str], guide_sid: str, add: object
) -> None:
    guide: dict[str, set[str]] = {}
    sar: dict[str, set[str]] = {}
    for pair in pairs:
        if pair["action"] not in actions:
            continue
        key = names.template_of(pair["condition_key"]) or pair["condition_key"]
        target = guide if pair["source"] == "guide" else sar
        target.setdefault(pair["action"], set()).add(key)
    assert callable(add)
    for action in sorted(actions):
        in_guide, in_sar = guide.get(action, set()), sar.get(action, set())
        for key in sorted(in_guide - in_sar):
            add(
                "key-only-in-guide-for-action",
                f"{action}|{key}",
                f"The guide lists {key} for {action}; the SAR does not.",
                guide_sid,
            )
        for key in sorted(in_sar - in_guide):
            add(
                "key-only-in-sar-for-action",
                f"{action}|{key}",
                f"The SAR lists {key} for {action}; the guide's permissions reference does not.",
                guide_sid,
            )
