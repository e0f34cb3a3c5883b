"""Merge one snapshot's records into a dataset version.

The developer guide is authoritative for policy types, cross-account use, per-resource condition
keys and condition-key details; the SAR adds access levels, descriptions, ARN formats and
dependent actions. Where the two disagree the disagreement is kept as data. Rows are the typed
dicts of `dataset/row_types.py` (generated from the model: mypy holds each row to its table's
columns), laid out in column order by `Dataset.sort`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict

from kms_permissions.dataset.api_facts import ApiFacts, api_actions, required_permission_rows
from kms_permissions.dataset.cross_account import cross_account_value
from kms_permissions.dataset.discrepancies import find_discrepancies
from kms_permissions.dataset.headline import Stated, headline
from kms_permissions.dataset.keys import (
    KeyNames,
    SarConditionKeyView,
    is_template,
)
from kms_permissions.dataset.keys import instance_descriptions as _instance_descriptions
from kms_permissions.dataset.keys import sar_view as _sar_view
from kms_permissions.dataset.links import Links, Speakers
from kms_permissions.dataset.memory import Dataset
from kms_permissions.dataset.resolve import ActionIndex
from kms_permissions.dataset.snapshot import Snapshot, source_id
from kms_permissions.model import ACTION_FACTS
from kms_permissions.names import natural_key
from kms_permissions.scraper.records import (
    ApiReferencePage,
    ConditionKey,
    Operation,
    PermissionsPage,
    SarAction,
    SarPage,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.dataset.row_types import (
        ActionGrantsRow,
        ActionsRow,
        ConditionKeysRow,
        NotesRow,
        ResourceTypesRow,
        SourcesRow,
        Tables,
        ViaServicesRow,
    )

SAR_TYPES = {
    "String": "String",
    "Bool": "Boolean",
    "Numeric": "Numeric",
    "Date": "Timestamp",
    "ArrayOfString": "String (list)",
    "ARN": "ARN",
}
_RESOURCE_ORDER = {"key": 0, "alias": 1, "*": 2}
API_REFERENCE = "https://docs.aws.amazon.com/kms/latest/APIReference"


def merge(snapshot: Snapshot) -> Dataset:
    """Build the tables of one dataset version from a snapshot's pages."""
    guide_ops = _guide_actions(snapshot)
    sar_actions = {f"kms:{a.name}": a for a in snapshot.sar.actions} if snapshot.sar else {}
    api = api_actions(snapshot.api, _operation_of(snapshot))
    everything = set(guide_ops) | set(sar_actions) | set(api)
    names = KeyNames(
        _guide_key_names(snapshot),
        [k.name for k in snapshot.sar.condition_keys] if snapshot.sar else (),
    )
    on_a_key = {a for a, facts in api.items() if "key" in facts.resources}
    links = _links(snapshot, names, everything, on_a_key)
    offered = _api_keys(snapshot, names, api, links)
    keys = _condition_keys(snapshot, names, links, offered)
    links.decide(_speakers(snapshot, names, set(guide_ops), set(sar_actions)))
    api_sid = source_id(snapshot.api.provenance) if snapshot.api else ""
    dates = _page_dates(snapshot)
    tables: Tables = {
        "actions": [
            _action_row(
                action, guide_ops.get(action), sar_actions.get(action), api.get(action), dates
            )
            for action in sorted(everything)
        ],
        "action_grants": _grants(snapshot),
        "action_condition_keys": links.rows(),
        "condition_keys": keys,
        "resource_types": _resource_types(snapshot, names),
        "discrepancies": [],
        "required_permissions": required_permission_rows(snapshot.api, api_sid),
        "notes": [],
        "via_services": _via_services(snapshot),
        "sources": _sources(snapshot),
    }
    tables["discrepancies"] = find_discrepancies(snapshot, names, links, api, tables["actions"])
    tables["notes"] = _notes(
        snapshot,
        names,
        {r["action"] for r in tables["actions"]},
        {r["condition_key"] for r in keys},
    )
    dataset = Dataset(tables)
    dataset.sort()
    return dataset


def _guide_actions(snapshot: Snapshot) -> dict[str, Operation]:
    if snapshot.permissions is None:
        return {}
    return {perm: op for op in snapshot.permissions.operations for perm in op.permissions}


def _operation_of(snapshot: Snapshot) -> dict[str, str]:
    """The operation of each action the guide's permissions reference knows (this version's
    page, else the one that resolves history)."""
    page = snapshot.permissions or snapshot.resolution
    if page is None:
        return {}
    return {perm: op.name for op in page.operations for perm in op.permissions}


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


def _action_row(
    action: str,
    op: Operation | None,
    sar: SarAction | None,
    api: ApiFacts | None,
    dates: Mapping[str, str | None],
) -> ActionsRow:
    """An action's row: each source's statements of its facts, and per fact the headline (the
    newest dated source that states it, among those `model.ACTION_FACTS` names)."""
    said = _statements(action, op, sar, api)
    facts = _Headlines(said, dates)
    operation = op.name if op else (api.operation if api else (sar.name if sar else None))
    types_source = facts.source("policy_types")
    return {
        "action": action,
        "operation": operation or action.split(":", 1)[1],
        "api_reference_url": (op.api_reference_url if op else None)
        or (sar.api_reference_url if sar else None)
        or (f"{API_REFERENCE}/API_{api.operation}.html" if api else None),
        "in_guide": op is not None,
        "in_sar": sar is not None,
        "policy_types": _strings(facts.value("policy_types")),
        "key_policy_effective": _flag(facts.value("key_policy_effective")),
        "cross_account": _text(facts.value("cross_account")),
        "cross_account_text": _text(facts.value("cross_account_text")),
        "resources": _strings(facts.value("resources")),
        "access_level": _text(facts.value("access_level")),
        "description": _text(facts.value("description")),
        "api_description": api.description if api else None,
        "permission_only": _bool(facts.value("permission_only")),
        "dependent_actions": _strings(facts.value("dependent_actions")),
        "note": _text(facts.value("note")),
        "in_api": api is not None,
        "api_operation": api.operation if api else None,
        "api_cross_account": _text(facts.said("api", "cross_account")),
        "api_cross_account_text": _text(facts.said("api", "cross_account_text")),
        "api_policy_types": _strings(facts.said("api", "policy_types")),
        "details_source": "guide"
        if types_source == "permissions"
        else "api"
        if types_source == "api"
        else "none",
        "policy_types_source": types_source,
        "key_policy_effective_source": facts.source("key_policy_effective"),
        "cross_account_source": facts.source("cross_account"),
        "cross_account_text_source": facts.source("cross_account_text"),
        "resources_source": facts.source("resources"),
        "description_source": facts.source("description"),
        "guide_policy_types": _strings(facts.said("permissions", "policy_types")),
        "guide_key_policy_effective": _flag(facts.said("permissions", "key_policy_effective")),
        "guide_cross_account": _text(facts.said("permissions", "cross_account")),
        "guide_cross_account_text": _text(facts.said("permissions", "cross_account_text")),
        "guide_resources": _strings(facts.said("permissions", "resources")),
        "sar_resources": _strings(facts.said("sar", "resources")),
        "sar_description": _text(facts.said("sar", "description")),
        "api_key_policy_effective": _flag(facts.said("api", "key_policy_effective")),
        "api_resources": _strings(facts.said("api", "resources")),
    }


# The value of a fact no source states (a list fact is empty, a flag false, the others null).
_EMPTY: dict[str, object] = {
    "policy_types": [],
    "resources": [],
    "dependent_actions": [],
    "permission_only": False,
}


class _Headlines:
    """Per fact of `model.ACTION_FACTS`, the statement of the newest dated source among those
    that state it (`dataset.headline`), and what each source says."""

    def __init__(self, said: dict[str, dict[str, object]], dates: Mapping[str, str | None]) -> None:
        self._said = said
        self._chosen: dict[str, Stated[object] | None] = {
            fact: headline(
                [Stated(s, dates.get(s), said[s][fact]) for s in sources if fact in said[s]]
            )
            for fact, sources in ACTION_FACTS.items()
        }

    def value(self, fact: str) -> object:
        """The headline value (the fact's empty value where no source states it)."""
        chosen = self._chosen[fact]
        return chosen.value if chosen else _EMPTY.get(fact)

    def source(self, fact: str) -> str | None:
        """The source of the headline, or None."""
        chosen = self._chosen[fact]
        return chosen.source if chosen else None

    def said(self, source: str, fact: str) -> object:
        """What one source says of the fact (its empty value where it says nothing)."""
        assert source in ACTION_FACTS[fact], (source, fact)
        return self._said[source].get(fact, _EMPTY.get(fact))


# A fact's value as its column holds it: the statements are held by fact name, whatever their
# type; each column takes its value through the one of these its type names (a value of another
# type is a defect here, not in a page).
def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError(f"{value!r} is not a list of text")
    return [str(item) for item in value]  # a copy: no two rows share a list


def _text(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _flag(value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{value!r} is not a flag")
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{value!r} is not a flag")
    return value


def _statements(
    action: str, op: Operation | None, sar: SarAction | None, api: ApiFacts | None
) -> dict[str, dict[str, object]]:
    """Per source, the facts of `model.ACTION_FACTS` it states of the action (a fact it says
    nothing of is absent)."""
    said: dict[str, dict[str, object]] = {"permissions": {}, "sar": {}, "api": {}}
    if op is not None:
        grants = op.grants
        guide = said["permissions"]
        if grants:
            types = sorted({g.policy_type for g in grants})
            ineffective = any(
                "not effective in a key policy" in (g.qualifier or "") for g in grants
            )
            guide["policy_types"] = types
            guide["key_policy_effective"] = "key-policy" in types and not ineffective
            guide["cross_account"] = cross_account_value(grants)
            guide["cross_account_text"] = " / ".join(
                dict.fromkeys(g.cross_account_text for g in grants)
            )
            guide["resources"] = _ordered_resources({r for g in grants for r in g.resources})
        if op.note:
            guide["note"] = op.note
    if sar is not None:
        own = said["sar"]
        typed = {r.resource_type for r in sar.resource_rows if r.resource_type}
        own["resources"] = _ordered_resources(typed or {"*"})
        if sar.description:
            own["description"] = sar.description
        if sar.access_level:
            own["access_level"] = sar.access_level
        own["permission_only"] = sar.permission_only
        own["dependent_actions"] = sorted(
            {d for r in sar.resource_rows for d in r.dependent_actions}
        )
    if api is not None:
        reference = said["api"]
        # Where it is granted, and on what, only where the text says where to grant it.
        if api.policy_types:
            reference["policy_types"] = list(api.policy_types)
            reference["key_policy_effective"] = "key-policy" in api.policy_types
            reference["resources"] = _ordered_resources(set(api.resources) or {"*"})
        if api.cross_account:
            reference["cross_account"] = api.cross_account
        if api.cross_account_text:
            reference["cross_account_text"] = api.cross_account_text
        # The API Reference describes the operation: the description of its namesake permission.
        if api.description and action == f"kms:{api.operation}":
            reference["description"] = api.description
    return said


def _ordered_resources(resources: set[str]) -> list[str]:
    return sorted(resources, key=lambda r: _RESOURCE_ORDER.get(r, 9))


def _grants(snapshot: Snapshot) -> list[ActionGrantsRow]:
    if snapshot.permissions is None:
        return []
    sid = source_id(snapshot.permissions.provenance)
    rows: list[ActionGrantsRow] = []
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


# The rules by which a source covers an action it does not list yet (an operation on a key).
KEY_RESOURCE_RULE = "the condition key page's KMS key resource operations"
SAR_KEY_RULE = "the SAR's key resource type"


def _links(
    snapshot: Snapshot, names: KeyNames, actions: set[str], on_a_key: set[str] | None = None
) -> Links:
    """The action / condition key relation from all three sources.

    `on_a_key` are actions on a KMS key (the API Reference says so): where the guide or the SAR
    does not list one yet, their rules for every operation on a key apply to it, and the pair
    records the rule (`rule`): the condition key pages' "KMS key resource operations", and the
    condition keys of the SAR's key resource type."""
    links = Links()
    if snapshot.permissions:
        sid = source_id(snapshot.permissions.provenance)
        for op in snapshot.permissions.operations:
            for action in op.permissions:
                for row, grant in enumerate(op.grants):
                    for ref in grant.condition_keys:
                        links.from_permissions(action, names.key_of(ref.name), sid, row, ref.group)
    index = _action_index(snapshot)
    unlisted = sorted(set(on_a_key or ()) - index.actions)
    for page in snapshot.condition_keys:
        sid = source_id(page.provenance)
        for key in page.condition_keys:
            if key.operations:
                name = names.key_of(key.name)
                for action in index.resolve(key.operations):
                    if action in actions:
                        links.from_conditions(action, name, sid)
                if any(t.kind == "kms-key-resource-operations" for t in key.operations):
                    for action in unlisted:
                        links.from_conditions(action, name, sid)
                        links.add_rule(action, name, KEY_RESOURCE_RULE)
    if snapshot.sar:
        sid = source_id(snapshot.sar.provenance)
        resource_keys = {r.name: r.condition_keys for r in snapshot.sar.resource_types}
        for sar_action in snapshot.sar.actions:
            action = f"kms:{sar_action.name}"
            for resource_row in sar_action.resource_rows:
                resource = resource_row.resource_type or "*"
                listed = [*resource_row.condition_keys]
                listed += resource_keys.get(resource_row.resource_type or "", ())
                for name in listed:
                    links.from_sar(action, names.key_of(name), name, sid, resource)
        in_sar = {f"kms:{a.name}" for a in snapshot.sar.actions}
        for action in sorted(set(on_a_key or ()) - in_sar):
            for name in resource_keys.get("key", ()):
                links.from_sar(action, names.key_of(name), name, sid, "key")
                links.add_rule(action, names.key_of(name), SAR_KEY_RULE)
    return links


def _api_keys(
    snapshot: Snapshot, names: KeyNames, api: dict[str, ApiFacts], links: Links
) -> dict[str, str]:
    """Pair the keys the API Reference's text offers with the actions of the operations it
    offers them for; per key, the sentence of the first operation (by name) that offers it."""
    if snapshot.api is None:
        return {}
    sid = source_id(snapshot.api.provenance)
    actions_of: dict[str, list[str]] = {}
    for action, facts in api.items():
        actions_of.setdefault(facts.operation, []).append(action)
    sentences: dict[str, str] = {}
    for operation in sorted(snapshot.api.operations, key=lambda op: op.name):
        for offered in operation.condition_keys:
            key = names.key_of(offered.name)
            sentences.setdefault(key, offered.sentence)
            for action in actions_of.get(operation.name, ()):
                links.from_api(action, key, sid)
    return sentences


def _page_dates(snapshot: Snapshot) -> dict[str, str | None]:
    """The revision date of each fact source's page in this snapshot (None: undated or absent)."""

    def date(page: PermissionsPage | SarPage | ApiReferencePage | None) -> str | None:
        return (page.provenance.revision_date or None) if page else None

    pages = snapshot.condition_keys
    return {
        "permissions": date(snapshot.permissions),
        "conditions": max((p.provenance.revision_date for p in pages), default="") or None,
        "sar": date(snapshot.sar),
        "api": date(snapshot.api),
    }


def _speakers(
    snapshot: Snapshot, names: KeyNames, guide_actions: set[str], sar_actions: set[str]
) -> Speakers:
    """Who speaks of which pairs in this snapshot, and the date of each source's page."""
    pages = snapshot.condition_keys
    return Speakers(
        dates=_page_dates(snapshot),
        guide_actions=guide_actions,
        condition_actions=_action_index(snapshot).actions,
        condition_keys={
            names.key_of(k.name) for p in pages for k in p.condition_keys if k.operations
        },
        sar_actions=sar_actions,
        sar_keys={names.key_of(k.name) for k in snapshot.sar.condition_keys}
        if snapshot.sar
        else set(),
    )


def _sar_names(snapshot: Snapshot, names: KeyNames) -> dict[str, list[str]]:
    """Per key, the SAR's names for it that differ from its name (instances, spellings)."""
    found: dict[str, set[str]] = {}
    if snapshot.sar:
        for key in snapshot.sar.condition_keys:
            canonical = names.key_of(key.name)
            if canonical != key.name:
                found.setdefault(canonical, set()).add(key.name)
    return {k: sorted(v, key=natural_key) for k, v in found.items()}


def _condition_keys(
    snapshot: Snapshot, names: KeyNames, links: Links, offered: dict[str, str]
) -> list[ConditionKeysRow]:
    table_keys: dict[str, ConditionKey] = {}
    table_dates: dict[str, str | None] = {}
    for page in snapshot.condition_keys:
        for key in page.condition_keys:
            table_keys[key.name] = key
            table_dates[key.name] = page.provenance.revision_date or None
    sar_keys: dict[str, list[SarConditionKeyView]] = {}
    if snapshot.sar:
        for sar_key in snapshot.sar.condition_keys:
            sar_keys.setdefault(names.key_of(sar_key.name), []).append(
                SarConditionKeyView(sar_key.name, sar_key.type, sar_key.description)
            )
    global_keys = (
        {k.name: k for k in snapshot.global_keys.global_keys} if snapshot.global_keys else {}
    )
    global_date = (
        (snapshot.global_keys.provenance.revision_date or None) if snapshot.global_keys else None
    )
    sar_date = (snapshot.sar.provenance.revision_date or None) if snapshot.sar else None
    api_date = (snapshot.api.provenance.revision_date or None) if snapshot.api else None
    sar_names = _sar_names(snapshot, names)
    guide_listed = links.keys_from("permissions")
    rows: list[ConditionKeysRow] = []
    every = set(table_keys) | set(sar_keys) | set(global_keys) | links.keys() | set(offered)
    for name in sorted(every):
        detail = table_keys.get(name)
        sar = _sar_view(name, sar_keys.get(name, []))
        glob = global_keys.get(name)
        types: list[Stated[tuple[str | None, str | None]]] = []
        if detail and detail.condition_type:
            value = (detail.condition_type, detail.value_type)
            types.append(Stated("conditions", table_dates[name], value))
        if sar:
            multi = "multi-valued" if sar.type.startswith("ArrayOf") else "single-valued"
            types.append(Stated("sar", sar_date, (SAR_TYPES.get(sar.type, sar.type), multi)))
        typed = headline(types)
        condition_type, value_type = typed.value if typed else (None, None)
        details_source = {"conditions": "guide", "sar": "sar"}[typed.source] if typed else "none"
        guide_description = (detail.description if detail else None) or (
            glob.guidance if glob else None
        )
        descriptions: list[Stated[str]] = []
        if guide_description:
            when = table_dates[name] if detail and detail.description else global_date
            descriptions.append(Stated("conditions", when, guide_description))
        if sar and sar.description:
            descriptions.append(Stated("sar", sar_date, sar.description))
        if offered.get(name):
            descriptions.append(Stated("api", api_date, offered[name]))
        described = headline(descriptions)
        rows.append(
            {
                "condition_key": name,
                "prefix": name.split(":", 1)[0],
                "is_template": is_template(name),
                "in_guide": bool(detail or glob or name in guide_listed),
                "in_sar": sar is not None,
                "in_api": name in offered,
                "condition_type": condition_type,
                "value_type": value_type,
                "details_source": details_source,
                "guide_condition_type": detail.condition_type if detail else None,
                "guide_value_type": detail.value_type if detail else None,
                "sar_type": sar.type if sar else None,
                "operations_text": detail.operations_text if detail else None,
                "operations_expression": _expression(detail),
                "policy_types": sorted(
                    {t for c in detail.policy_types for t in c.policy_types} if detail else ()
                ),
                "policy_types_text": detail.policy_types_text if detail else None,
                "deprecated": bool(detail and detail.deprecated),
                "replacement": names.canonical(detail.replacement)
                if detail and detail.replacement
                else None,
                "description": described.value if described else None,
                "description_source": described.source if described else None,
                "guide_description": guide_description,
                "sar_description": sar.description if sar else None,
                "api_description": offered.get(name),
                "anchor": detail.anchor if detail else (glob.section_anchor if glob else None),
                "section": detail.section if detail else ("conditions-aws" if glob else None),
                "sar_names": sar_names.get(name, []),
                "sar_descriptions": _instance_descriptions(
                    sar_names.get(name, []), sar_keys.get(name, [])
                ),
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


def _resource_types(snapshot: Snapshot, names: KeyNames) -> list[ResourceTypesRow]:
    if snapshot.sar is None:
        return []
    sid = source_id(snapshot.sar.provenance)
    return [
        {
            "resource_type": r.name,
            "arn_pattern": r.arn_pattern,
            "condition_keys": sorted({names.key_of(k) for k in r.condition_keys}),
            "source_id": sid,
        }
        for r in snapshot.sar.resource_types
    ]


_KEY_MENTION = re.compile(r"\b(?:kms|aws):[A-Za-z0-9:/${}_-]*[A-Za-z0-9}]")
_WORD = re.compile(r"\b[A-Z][a-zA-Z]+\b")


def _notes(
    snapshot: Snapshot, names: KeyNames, actions: set[str], keys: set[str]
) -> list[NotesRow]:
    """The callouts, each with the actions and condition keys its text names."""
    operations = {a.split(":", 1)[1]: a for a in actions}
    rows: list[NotesRow] = []
    for page in snapshot.callouts:
        sid = source_id(page.provenance)
        for position, callout in enumerate(page.callouts):
            named = {names.key_of(m) for m in _KEY_MENTION.findall(callout.text)}
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


def _via_services(snapshot: Snapshot) -> list[ViaServicesRow]:
    """The guide's table of services that support kms:ViaService, one row per service."""
    if snapshot.via_services is None:
        return []
    sid = source_id(snapshot.via_services.provenance)
    return [
        {"service": row.service, "names": list(row.names), "note": row.note, "source_id": sid}
        for row in snapshot.via_services.services
    ]


def _sources(snapshot: Snapshot) -> list[SourcesRow]:
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
            "release": p.release or None,
        }
        for p in snapshot.provenances()
    ]
