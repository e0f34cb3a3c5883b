"""Merge one snapshot's records into a dataset version.

The developer guide is authoritative for policy types, cross-account use, per-resource condition
keys and condition-key details; the SAR adds access levels, descriptions, ARN formats and
dependent actions. Where the two disagree the disagreement is kept as data.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict

from kms_permissions.dataset.discrepancies import find_discrepancies
from kms_permissions.dataset.keys import KeyNames, is_template
from kms_permissions.dataset.model import Dataset, Row, Snapshot, source_id
from kms_permissions.dataset.resolve import ActionIndex
from kms_permissions.scraper.records import ConditionKey, Operation, SarAction

SAR_TYPES = {
    "String": "String",
    "Bool": "Boolean",
    "Numeric": "Numeric",
    "Date": "Timestamp",
    "ArrayOfString": "String (list)",
    "ARN": "ARN",
}
_RESOURCE_ORDER = {"key": 0, "alias": 1, "*": 2}


def merge(snapshot: Snapshot) -> Dataset:
    """Build the tables of one dataset version from a snapshot's pages."""
    guide_ops = _guide_actions(snapshot)
    sar_actions = {f"kms:{a.name}": a for a in snapshot.sar.actions} if snapshot.sar else {}
    names = KeyNames(_guide_key_names(snapshot))
    pairs = _pairs(snapshot, names)
    tables: dict[str, list[Row]] = {
        "actions": [
            _action_row(action, guide_ops.get(action), sar_actions.get(action))
            for action in sorted(set(guide_ops) | set(sar_actions))
        ],
        "action_grants": _grants(snapshot),
        "action_condition_keys": pairs,
        "condition_keys": _condition_keys(snapshot, names, pairs),
        "resource_types": _resource_types(snapshot, names),
        "discrepancies": find_discrepancies(snapshot, names, pairs),
        "notes": [],
        "sources": _sources(snapshot),
    }
    tables["notes"] = _notes(
        snapshot,
        names,
        {r["action"] for r in tables["actions"]},
        {r["condition_key"] for r in tables["condition_keys"]},
    )
    dataset = Dataset(tables)
    dataset.sort()
    return dataset


def _guide_actions(snapshot: Snapshot) -> dict[str, Operation]:
    if snapshot.permissions is None:
        return {}
    return {perm: op for op in snapshot.permissions.operations for perm in op.permissions}


def _guide_key_names(snapshot: Snapshot) -> set[str]:
    """The guide's spellings of key names; the resolution page's too, so that a SAR key keeps one
    name through history whether or not the version holds the permissions page."""
    names = {k.name for page in snapshot.condition_keys for k in page.condition_keys}
    for permissions in (snapshot.permissions, snapshot.resolution):
        if permissions:
            names |= {
                ref.name
                for op in permissions.operations
                for grant in op.grants
                for ref in grant.condition_keys
            }
    if snapshot.global_keys:
        names |= {k.name for k in snapshot.global_keys.global_keys}
    return names


def _action_row(action: str, op: Operation | None, sar: SarAction | None) -> Row:
    grants = op.grants if op else ()
    policy_types = sorted({g.policy_type for g in grants})
    ineffective = any("not effective in a key policy" in (g.qualifier or "") for g in grants)
    cross = sorted({g.cross_account for g in grants})
    resources = {r for g in grants for r in g.resources}
    if op is None and sar is not None:
        resources = {r.resource_type for r in sar.resource_rows if r.resource_type} or {"*"}
    dependent = sorted({d for r in sar.resource_rows for d in r.dependent_actions}) if sar else []
    return {
        "action": action,
        "operation": op.name if op else (sar.name if sar else action.split(":", 1)[1]),
        "api_reference_url": (op.api_reference_url if op else None)
        or (sar.api_reference_url if sar else None),
        "in_guide": op is not None,
        "in_sar": sar is not None,
        "policy_types": policy_types,
        "key_policy_effective": ("key-policy" in policy_types and not ineffective) if op else None,
        "cross_account": (cross[0] if len(cross) == 1 else "mixed") if op else None,
        "cross_account_text": " / ".join(dict.fromkeys(g.cross_account_text for g in grants))
        or None,
        "resource_types": sorted(resources, key=lambda r: _RESOURCE_ORDER.get(r, 9)),
        "access_level": sar.access_level if sar else None,
        "description": sar.description if sar else None,
        "permission_only": sar.permission_only if sar else False,
        "dependent_actions": dependent,
        "note": op.note if op else None,
        "first_seen": None,
    }


def _grants(snapshot: Snapshot) -> list[Row]:
    if snapshot.permissions is None:
        return []
    sid = source_id(snapshot.permissions.provenance)
    rows: list[Row] = []
    for op in snapshot.permissions.operations:
        for action in op.permissions:
            for index, grant in enumerate(op.grants):
                rows.append(
                    {
                        "action": action,
                        "row": index,
                        "policy_type": grant.policy_type,
                        "qualifier": grant.qualifier,
                        "policy_type_text": grant.policy_type_text,
                        "cross_account": grant.cross_account,
                        "cross_account_text": grant.cross_account_text,
                        "resources": list(grant.resources),
                        "resource_note": grant.resource_note,
                        "condition_keys_note": grant.condition_keys_note,
                        "source_id": sid,
                    }
                )
    return rows


def _pairs(snapshot: Snapshot, names: KeyNames) -> list[Row]:
    rows: dict[tuple[object, ...], Row] = {}
    listed: dict[tuple[str, str, int | None], int] = {}

    def add(
        action: str,
        key: str,
        source: str,
        row: int | None,
        group: str | None,
        resource: str | None,
        sid: str,
    ) -> None:
        identity = (action, key, source, row, resource)
        if identity in rows:
            return
        position = listed.get((action, source, row), 0)
        listed[(action, source, row)] = position + 1
        rows[identity] = {
            "action": action,
            "condition_key": key,
            "source": source,
            "grant_row": row,
            "position": position,
            "group": group,
            "resource_type": resource,
            "is_global": key.startswith("aws:"),
            "source_id": sid,
        }

    if snapshot.permissions:
        sid = source_id(snapshot.permissions.provenance)
        for op in snapshot.permissions.operations:
            for action in op.permissions:
                for index, grant in enumerate(op.grants):
                    for ref in grant.condition_keys:
                        add(action, names.canonical(ref.name), "guide", index, ref.group, None, sid)
    if snapshot.sar:
        sid = source_id(snapshot.sar.provenance)
        resource_keys = {r.name: r.condition_keys for r in snapshot.sar.resource_types}
        for sar_action in snapshot.sar.actions:
            action = f"kms:{sar_action.name}"
            for resource_row in sar_action.resource_rows:
                resource = resource_row.resource_type
                keys = list(resource_row.condition_keys)
                keys += list(resource_keys.get(resource or "", ()))
                for key in keys:
                    add(action, names.canonical(key), "sar", None, None, resource, sid)
    return list(rows.values())


def _condition_keys(snapshot: Snapshot, names: KeyNames, pairs: list[Row]) -> list[Row]:
    index = _action_index(snapshot)
    table_keys: dict[str, tuple[ConditionKey, str]] = {}
    for page in snapshot.condition_keys:
        for key in page.condition_keys:
            table_keys[key.name] = (key, page.provenance.location)
    sar_keys = {}
    if snapshot.sar:
        sar_keys = {names.canonical(k.name): k for k in snapshot.sar.condition_keys}
    global_keys = (
        {k.name: k for k in snapshot.global_keys.global_keys} if snapshot.global_keys else {}
    )
    paired: dict[str, dict[str, set[str]]] = {}
    for pair in pairs:
        paired.setdefault(pair["condition_key"], {}).setdefault(pair["source"], set()).add(
            pair["action"]
        )
    guide_listed = {k for k, by in paired.items() if "guide" in by}
    all_keys = set(table_keys) | set(sar_keys) | set(global_keys) | set(paired)
    rows = []
    for name in sorted(all_keys):
        detail, _ = table_keys.get(name, (None, ""))
        sar = sar_keys.get(name)
        by_source = paired.get(name, {})
        condition_type: str | None
        value_type: str | None
        if detail and detail.condition_type:
            details_source = "guide"
            condition_type = detail.condition_type
            value_type = detail.value_type
            actions = index.resolve(detail.operations)
        elif sar:
            details_source = "sar"
            condition_type = SAR_TYPES.get(sar.type, sar.type)
            value_type = "multi-valued" if sar.type.startswith("ArrayOf") else "single-valued"
            actions = sorted(by_source.get("guide") or by_source.get("sar") or ())
        else:
            details_source = "none"
            condition_type = value_type = None
            actions = sorted(by_source.get("guide") or by_source.get("sar") or ())
        glob = global_keys.get(name)
        rows.append(
            {
                "condition_key": name,
                "prefix": name.split(":", 1)[0],
                "is_template": is_template(name),
                "in_guide": bool(detail or glob or name in guide_listed),
                "in_sar": sar is not None,
                "condition_type": condition_type,
                "value_type": value_type,
                "details_source": details_source,
                "sar_type": sar.type if sar else None,
                "operations_text": detail.operations_text if detail else None,
                "operations_expression": _expression(detail),
                "actions": actions,
                "policy_types": sorted(
                    {t for c in detail.policy_types for t in c.policy_types} if detail else ()
                ),
                "policy_types_text": detail.policy_types_text if detail else None,
                "deprecated": bool(detail and detail.deprecated),
                "replacement": names.canonical(detail.replacement)
                if detail and detail.replacement
                else None,
                "description": (detail.description if detail else None)
                or (glob.guidance if glob else None),
                "sar_description": sar.description if sar else None,
                "anchor": detail.anchor if detail else (glob.section_anchor if glob else None),
                "section": detail.section if detail else ("conditions-aws" if glob else None),
                "first_seen": None,
            }
        )
    return rows


def _expression(detail: ConditionKey | None) -> str | None:
    if detail is None or not detail.operations:
        return None
    terms = [{k: v for k, v in asdict(t).items() if v not in (None, ())} for t in detail.operations]
    clauses = [asdict(c) for c in detail.policy_types]
    return json.dumps({"operations": terms, "policy_types": clauses}, sort_keys=True)


def _action_index(snapshot: Snapshot) -> ActionIndex:
    permissions = snapshot.permissions or snapshot.resolution
    if permissions:
        return ActionIndex.from_guide(permissions)
    if snapshot.sar:
        return ActionIndex.from_sar(snapshot.sar)
    return ActionIndex()


def _resource_types(snapshot: Snapshot, names: KeyNames) -> list[Row]:
    if snapshot.sar is None:
        return []
    sid = source_id(snapshot.sar.provenance)
    return [
        {
            "resource_type": r.name,
            "arn_pattern": r.arn_pattern,
            "condition_keys": sorted(names.canonical(k) for k in r.condition_keys),
            "source_id": sid,
        }
        for r in snapshot.sar.resource_types
    ]


_KEY_MENTION = re.compile(r"\b(?:kms|aws):[A-Za-z0-9:/${}_-]*[A-Za-z0-9}]")
_WORD = re.compile(r"\b[A-Z][a-zA-Z]+\b")


def _notes(snapshot: Snapshot, names: KeyNames, actions: set[str], keys: set[str]) -> list[Row]:
    """The callouts, each with the actions and condition keys its text names."""
    operations = {a.split(":", 1)[1]: a for a in actions}
    rows = []
    for page in snapshot.callouts:
        sid = source_id(page.provenance)
        for position, callout in enumerate(page.callouts):
            named = {
                names.template_of(m) or names.canonical(m)
                for m in _KEY_MENTION.findall(callout.text)
            }
            named |= {operations[w] for w in _WORD.findall(callout.text) if w in operations}
            rows.append(
                {
                    "page": callout.page,
                    "position": position,
                    "section": callout.section,
                    "section_anchor": callout.section_anchor,
                    "kind": callout.kind,
                    "text": callout.text,
                    "mentions": sorted(named & (actions | keys)),
                    "source_id": sid,
                }
            )
    return rows


def _sources(snapshot: Snapshot) -> list[Row]:
    return [
        {
            "source_id": source_id(p),
            "kind": p.kind,
            "rendering": p.rendering,
            "location": p.location,
            "revision": p.revision,
            "revision_date": p.revision_date or None,
            "fetched_at": p.fetched_at or None,
            "sha256": p.sha256,
            "content_type": p.content_type,
        }
        for p in snapshot.provenances()
    ]
