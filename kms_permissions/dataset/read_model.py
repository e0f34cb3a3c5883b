"""Build the read model of a dataset version from its tables, and its JSON (`index.json`).

This is the one place where the tables are joined: the grants with their keys, both directions
of the action / condition key relation (from the one `action_condition_keys` table), resource
ARNs, provenance ("as of" per source), first listings from history, and discrepancies. Every
output reads the result: `index.json` holds it (the lookup verbs print its objects as they are)
and `kms_permissions.reference.load()` turns it back into typed facts.

`index.toc.json` is index.json's table of contents: the byte range and sha256 of each top-level
value and of each action and condition key. The manifest holds its sha256, so a lookup reads and
checks only the entries it prints instead of hashing and parsing the whole read model.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from kms_permissions.dataset.columns import SCHEMA_VERSION
from kms_permissions.dataset.memory import Dataset
from kms_permissions.model import (
    ACTION_FACTS,
    FACT_SOURCES,
    SOURCE_OF_PAGE_KIND,
    VIA_SERVICE_KEY,
    ActionInfo,
    ConditionKeyInfo,
    Coverage,
    KeyLink,
    from_json,
    to_json,
)
from kms_permissions.names import natural_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.dataset.row_types import (
        ActionGrantsRow,
        ActionsRow,
        ConditionKeysRow,
        DiscrepanciesRow,
        RequiredPermissionsRow,
    )

FORMAT = "kms-permissions-index/2"
INDEX = "index.json"
TOC = "index.toc.json"
TOC_FORMAT = "kms-permissions-index-toc/1"
# The top-level values of the index that are tables of entries, one part per entry in the TOC.
ENTRY_TABLES = ("actions", "condition_keys")
_SOURCE_ORDER = list(FACT_SOURCES)


class _Tables:
    """The tables of one version, indexed for the joins."""

    def __init__(self, dataset: Dataset) -> None:
        self.links_of_action: dict[str, list[KeyLink]] = defaultdict(list)
        self.links_of_key: dict[str, list[KeyLink]] = defaultdict(list)
        for pair in dataset.tables["action_condition_keys"]:
            link = from_json(KeyLink, pair)
            self.links_of_action[link.action].append(link)
            self.links_of_key[link.condition_key].append(link)
        self.grants: dict[str, list[ActionGrantsRow]] = defaultdict(list)
        for grant in dataset.tables["action_grants"]:
            self.grants[grant["action"]].append(grant)
        self.arns = {r["resource_type"]: r["arn_pattern"] for r in dataset.tables["resource_types"]}
        self.via_services = list(dataset.tables["via_services"])
        self.discrepancies: dict[str, list[DiscrepanciesRow]] = defaultdict(list)
        for discrepancy in dataset.tables["discrepancies"]:
            for subject in dict.fromkeys(discrepancy["subject"].split("|")):
                self.discrepancies[subject].append(discrepancy)
        self.as_of: dict[str, str | None] = {}
        for page in dataset.tables["sources"]:
            source = SOURCE_OF_PAGE_KIND[page["kind"]]
            date = page["revision_date"]
            if source not in self.as_of or (date and (self.as_of[source] or "") < date):
                self.as_of[source] = date
        self.required_of: dict[str, list[RequiredPermissionsRow]] = defaultdict(list)
        self.required_for: dict[str, list[RequiredPermissionsRow]] = defaultdict(list)
        for required in dataset.tables["required_permissions"]:
            self.required_of[required["operation"]].append(required)
            self.required_for[required["permission"]].append(required)
        self.listed_since: dict[tuple[str, str], dict[str, str | None]] = defaultdict(dict)
        self.listed_in: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        self.first: dict[str, str] = {}
        for row in dataset.tables.get("history", []):
            source, start = row["source"], row["valid_from"]
            if start is not None and (source not in self.first or start < self.first[source]):
                self.first[source] = start
            if row["field"] == "present" and row["entity_kind"] in ("action", "condition_key"):
                entity = (row["entity_kind"], row["entity"])
                since = self.listed_since[entity]
                # An undated interval (valid_from null) counts only where no dated one does.
                held = since.get(source)
                if source not in since or (start and (held is None or start < held)):
                    since[source] = start
                    self.listed_in[entity][source] = row["first_revision"]

    def as_of_sources(self, sources: list[str]) -> dict[str, str | None]:
        """Revision dates of the pages of `sources` in this version."""
        return {s: self.as_of.get(s) for s in _SOURCE_ORDER if s in sources}

    def since(self, kind: str, name: str) -> dict[str, str | None]:
        """Per source, the date of the earliest snapshot in history that lists the entity; None
        when that copy is undated (a version's date is not its page's: the current permissions
        page, identified by its sha256, joins a version without a date of its own)."""
        found = self.listed_since.get((kind, name), {})
        revisions = self.listed_in.get((kind, name), {})
        return {
            s: None if revisions.get(s, "").startswith("sha256:") else found[s]
            for s in _SOURCE_ORDER
            if s in found
        }

    def headline(
        self, row: ConditionKeysRow, links: list[KeyLink]
    ) -> tuple[dict[str, str], dict[str, str | None]]:
        """Per headline field of a key, its source and that source's revision date."""
        sources: dict[str, str] = {}
        type_source = {"guide": "conditions", "sar": "sar"}.get(row["details_source"])
        if type_source:
            sources["condition_type"] = sources["value_type"] = type_source
        if row["description_source"]:
            sources["description"] = row["description_source"]
        deciders = {link.decided_by for link in links if link.decided_by}
        if deciders:
            newest = max(deciders, key=lambda s: (self.as_of.get(s) or "", -_SOURCE_ORDER.index(s)))
            sources["actions"] = newest
        return sources, {field: self.as_of.get(source) for field, source in sources.items()}

    def action_headline(self, row: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
        """Per fact of an action some source states, its headline's source and that source's
        revision date (`model.ACTION_FACTS`)."""
        listed = {"permissions": row["in_guide"], "sar": row["in_sar"], "api": row["in_api"]}
        sources: dict[str, str] = {}
        for fact, stating in ACTION_FACTS.items():
            if len(stating) > 1:
                if row[f"{fact}_source"]:
                    sources[fact] = row[f"{fact}_source"]
            elif listed[stating[0]] and row[fact] is not None:
                sources[fact] = stating[0]
        return sources, {fact: self.as_of.get(source) for fact, source in sources.items()}

    def revision_of_first(self, kind: str, name: str) -> dict[str, str]:
        """Per source, the revision of that earliest snapshot."""
        found = self.listed_in.get((kind, name), {})
        return {s: found[s] for s in _SOURCE_ORDER if s in found}


def _ordered(links: list[KeyLink]) -> list[KeyLink]:
    """The permissions reference's keys in its order, then the others in natural order."""
    return sorted(
        links,
        key=lambda link: (
            link.position is None,
            link.position or 0,
            natural_key(link.condition_key),
        ),
    )


def _groups(links: list[KeyLink], row: int) -> list[dict[str, object]]:
    groups: dict[str | None, list[str]] = {}
    for link in links:
        if link.permissions_source and row in link.grant_rows:
            groups.setdefault(link.group, []).append(link.condition_key)
    return [{"label": label, "keys": keys} for label, keys in groups.items()]


def _discrepancies(tables: _Tables, name: str) -> list[DiscrepanciesRow]:
    return tables.discrepancies.get(name, [])


def _action(tables: _Tables, row: ActionsRow) -> dict[str, Any]:
    name = row["action"]
    links = _ordered(tables.links_of_action.get(name, []))
    grants = [
        {**grant, "condition_keys": _groups(links, grant["row"])}
        for grant in sorted(tables.grants.get(name, []), key=lambda g: g["row"])
    ]
    sources = [
        s
        for s, listed in (
            ("permissions", row["in_guide"]),
            ("sar", row["in_sar"]),
            ("api", row["in_api"]),
        )
        if listed
    ]
    headline_sources, headline_as_of = tables.action_headline(row)
    entry = {
        **row,
        "headline_sources": headline_sources,
        "headline_as_of": headline_as_of,
        "grants": grants,
        "condition_keys": [link.condition_key for link in links if link.applies],
        "condition_key_sources": {link.condition_key: list(link.sources) for link in links},
        "keys_not_applying": [link.condition_key for link in links if not link.applies],
        "condition_key_rules": {link.condition_key: link.rule for link in links if link.rule},
        "resource_arns": {r: tables.arns[r] for r in row["resources"] if r in tables.arns},
        "as_of": tables.as_of_sources(sources),
        "listed_since": tables.since("action", name),
        "discrepancies": _discrepancies(tables, name),
        "required_permissions": tables.required_of.get(row["api_operation"] or "", []),
        "required_by": [
            r for r in tables.required_for.get(name, []) if r["operation"] != row["api_operation"]
        ],
        "listed_in": tables.revision_of_first("action", name),
    }
    return {"kind": "action", "name": name, **to_json(from_json(ActionInfo, entry))}


def _key(tables: _Tables, row: ConditionKeysRow) -> dict[str, Any]:
    name = row["condition_key"]
    links = sorted(tables.links_of_key.get(name, []), key=lambda link: link.action)
    sources = []
    if row["guide_condition_type"] or row["section"]:
        sources.append("conditions")
    if row["in_sar"]:
        sources.append("sar")
    if row["in_api"]:
        sources.append("api")
    headline_sources, headline_as_of = tables.headline(row, links)
    entry = {
        **row,
        "actions": [link.action for link in links if link.applies],
        "action_sources": {link.action: list(link.sources) for link in links},
        "not_applying": [link.action for link in links if not link.applies],
        "as_of": tables.as_of_sources(sources),
        "headline_sources": headline_sources,
        "headline_as_of": headline_as_of,
        "listed_since": tables.since("condition_key", name),
        "discrepancies": _discrepancies(tables, name),
        "listed_in": tables.revision_of_first("condition_key", name),
        "via_services": tables.via_services if name == VIA_SERVICE_KEY else [],
    }
    return {"kind": "condition_key", "name": name, **to_json(from_json(ConditionKeyInfo, entry))}


def build_index(dataset: Dataset) -> dict[str, Any]:
    """The read model of a dataset version as JSON (the content of `index.json`)."""
    tables = _Tables(dataset)
    coverage = {
        source: to_json(
            from_json(
                Coverage,
                {
                    "source": source,
                    "first": tables.first.get(source),
                    "newest": tables.as_of.get(source),
                },
            )
        )
        for source in _SOURCE_ORDER
        if source in tables.as_of or source in tables.first
    }
    return {
        "format": FORMAT,
        "dataset_version": dataset.version,
        "schema_version": SCHEMA_VERSION,
        "coverage": coverage,
        "actions": {r["action"]: _action(tables, r) for r in dataset.tables["actions"]},
        "condition_keys": {
            r["condition_key"]: _key(tables, r) for r in dataset.tables["condition_keys"]
        },
    }


def _compact(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def index_files(index: dict[str, Any]) -> dict[str, bytes]:
    """`index.json` (the read model as compact JSON) and `index.toc.json` (where each part of it
    is: `[offset, length, sha256]` per top-level value, and per entry of the ENTRY_TABLES).

    The index is written part by part as `json.dumps` would write it whole, so each part is a
    JSON document of its own at the offset the TOC gives."""
    out = bytearray(b"{")
    parts: dict[str, Any] = {}

    def part(value: Any) -> list[int | str]:
        data = _compact(value)
        span: list[int | str] = [len(out), len(data), hashlib.sha256(data).hexdigest()]
        out.extend(data)
        return span

    for number, (key, value) in enumerate(index.items()):
        out.extend((b"," if number else b"") + _compact(key) + b":")
        if key not in ENTRY_TABLES:
            parts[key] = part(value)
            continue
        out.extend(b"{")
        entries: dict[str, Any] = {}
        parts[key] = entries
        for position, (name, entry) in enumerate(value.items()):
            out.extend((b"," if position else b"") + _compact(name) + b":")
            entries[name] = part(entry)
        out.extend(b"}")
    out.extend(b"}\n")
    toc = {"format": TOC_FORMAT, "index": INDEX, "parts": parts}
    return {INDEX: bytes(out), TOC: _compact(toc) + b"\n"}
