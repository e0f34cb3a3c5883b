"""Declared migrations: how a dataset folder of an older schema version is read as the current one.

Each schema change is one `Migration` from the version it reads to the next. `read_dataset`
walks the chain from a folder's schema version to `SCHEMA_VERSION`, then checks every migrated
row against the current columns, so a migration that forgets a column fails loudly instead of
yielding a wrong fact. `diff` reads every earlier release through it, and `build`/`history`
read their baseline (the bundled dataset) through it after a schema change.

Adding a column: declare it in `kms_permissions/model.py`, bump `SCHEMA_VERSION` (minor), and
append a `Migration` here that gives older rows the column (usually `added(...)` with the value
an older version implies). A migration may not invent a fact: a value older versions did not
record is null, empty or false, and its `summary` says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kms_permissions.model import SCHEMA_VERSION

# A row of an older schema version: loose, since it is not today's row (`row_types`); `io`
# checks every migrated row against the current columns before it hands typed rows on.
LooseRow = dict[str, Any]
LooseTables = dict[str, list[LooseRow]]


@dataclass(frozen=True)
class Migration:
    """One step: tables of schema version `source` -> tables of schema version `target`."""

    source: str
    target: str
    summary: str
    step: Callable[[LooseTables], LooseTables]


class MigrationError(ValueError):
    """No declared way from a folder's schema version to the current one."""


def added(table: str, **defaults: Any) -> Callable[[LooseTables], LooseTables]:
    """A step that adds columns with a fixed value (a list default is copied per row)."""

    def step(tables: LooseTables) -> LooseTables:
        for row in tables.get(table, []):
            for name, value in defaults.items():
                row[name] = list(value) if isinstance(value, list) else value
        return tables

    return step


def new_table(table: str) -> Callable[[LooseTables], LooseTables]:
    """A step for a table an older version did not have: it starts empty."""

    def step(tables: LooseTables) -> LooseTables:
        tables.setdefault(table, [])
        return tables

    return step


def steps(*parts: Callable[[LooseTables], LooseTables]) -> Callable[[LooseTables], LooseTables]:
    """Several steps run in order as one."""

    def step(tables: LooseTables) -> LooseTables:
        for part in parts:
            tables = part(tables)
        return tables

    return step


def _template_regex(template: str) -> re.Pattern[str]:
    pieces = re.split(r"\$\{[^}]*\}", template)
    return re.compile(".+".join(re.escape(p) for p in pieces), re.IGNORECASE)


def _instances(keys: list[LooseRow]) -> dict[str, str]:
    """SAR-only keys that are instances of a template key, as instance -> template."""
    templates = [(row["condition_key"], _template_regex(row["condition_key"])) for row in keys]
    found: dict[str, str] = {}
    for row in keys:
        if row["is_template"] or row["in_guide"]:
            continue
        for name, regex in templates:
            if name != row["condition_key"] and regex.fullmatch(row["condition_key"]):
                found[row["condition_key"]] = name
                break
    return found


def _fold_keys(keys: list[LooseRow], instances: dict[str, str]) -> list[LooseRow]:
    by_name = {row["condition_key"]: row for row in keys}
    folded: dict[str, list[str]] = {}
    for instance, template in instances.items():
        folded.setdefault(template, []).append(instance)
    result = []
    for row in keys:
        if row["condition_key"] in instances:
            continue
        row = {k: v for k, v in row.items() if k not in ("actions", "first_seen")}
        names = folded.get(row["condition_key"], [])
        row["sar_names"] = sorted(names, key=_natural)
        row["in_sar"] = row["in_sar"] or any(by_name[n]["in_sar"] for n in names)
        types = {by_name[n]["sar_type"] for n in names}
        if len(types) == 1 and row["sar_type"] is None:
            row["sar_type"] = types.pop()
        result.append(row)
    return result


def _natural(name: str) -> tuple[Any, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def _pairs(rows: list[LooseRow], instances: dict[str, str]) -> list[LooseRow]:
    """1.0.0 listed one row per (action, key, source); 2.0.0 one row per pair, a column per
    source. 1.0.0 held no guide order (position) and no condition-key-page relation."""
    pairs: dict[tuple[str, str], LooseRow] = {}
    for row in rows:
        name: str = row["condition_key"]
        key = instances.get(name, name)
        pair = pairs.setdefault(
            (row["action"], key),
            {
                "action": row["action"],
                "condition_key": key,
                "permissions_source": None,
                "conditions_source": None,
                "sar_source": None,
                "grant_rows": [],
                "group": None,
                "position": None,
                "sar_resource_types": [],
                "sar_names": [],
            },
        )
        if row["source"] == "guide":
            pair["permissions_source"] = row["source_id"]
            pair["group"] = row["group"]
            if row["grant_row"] is not None and row["grant_row"] not in pair["grant_rows"]:
                pair["grant_rows"] = sorted([*pair["grant_rows"], row["grant_row"]])
        else:
            pair["sar_source"] = row["source_id"]
            kind = row["resource_type"] or "*"
            if kind not in pair["sar_resource_types"]:
                pair["sar_resource_types"] = sorted([*pair["sar_resource_types"], kind])
            if key != row["condition_key"]:
                pair["sar_names"] = sorted({*pair["sar_names"], row["condition_key"]}, key=_natural)
    return list(pairs.values())


def _one_read_model(tables: LooseTables) -> LooseTables:
    instances = _instances(tables["condition_keys"])
    for row in tables["actions"]:
        row["resources"] = row.pop("resource_types")
        row.pop("first_seen", None)
    tables["condition_keys"] = _fold_keys(tables["condition_keys"], instances)
    tables["action_condition_keys"] = _pairs(tables["action_condition_keys"], instances)
    tables.setdefault("notes", [])
    return tables


def _headline_columns(tables: LooseTables) -> LooseTables:
    """3.1.0's type and description were the guide's where it gave them: they stay the headline
    (that version's own choice), and are the guide's columns where the guide was their source."""
    for row in tables["condition_keys"]:
        guide = row["details_source"] == "guide"
        row["guide_condition_type"] = row["condition_type"] if guide else None
        row["guide_value_type"] = row["value_type"] if guide else None
        row["guide_description"] = row["description"]
        row["description_source"] = "conditions" if row["description"] else None
    return tables


def _undated_history(tables: LooseTables) -> LooseTables:
    """A fact first shown by an undated copy (its revision a sha256) had the version's date: it
    has none, and says why."""
    for row in tables.get("history", []):
        undated = str(row["first_revision"]).startswith("sha256:")
        row["undated"] = f"undated copy: {row['first_revision']}" if undated else None
        if undated:
            row["valid_from"] = None
    return tables


def _fold_enumerated(tables: LooseTables) -> LooseTables:
    """3.1.0 kept a numbered family the SAR enumerates without a template (NitroTPMPCR0 ...
    23) as separate keys: they fold into a template of their own, as builds make it now
    (`dataset.keys.enumerated_templates`), with the SAR's description of each instance."""
    from kms_permissions.dataset.keys import (
        SarConditionKeyView,
        enumerated_templates,
        instance_descriptions,
        sar_view,
    )
    from kms_permissions.names import Templates

    keys = tables["condition_keys"]
    guide = Templates(row["condition_key"] for row in keys if row["is_template"])
    loose = [r["condition_key"] for r in keys if r["in_sar"] and not r["in_guide"]]
    families = Templates(enumerated_templates(loose, guide))
    template_of = {name: t for name in loose if (t := families.match(name))}
    if not template_of:
        return tables
    by_name = {row["condition_key"]: row for row in keys}
    members: dict[str, list[str]] = {}
    for name, template in template_of.items():
        members.setdefault(template, []).append(name)
    folded = [row for row in keys if row["condition_key"] not in template_of]
    for template, names in members.items():
        names.sort(key=_natural)
        rows = [by_name[n] for n in names]
        views = [
            SarConditionKeyView(r["condition_key"], r["sar_type"] or "", r["sar_description"] or "")
            for r in rows
        ]
        sar = sar_view(template, views)
        first = rows[0]
        folded.append(
            {
                **first,
                "condition_key": template,
                "is_template": True,
                "in_api": any(r["in_api"] for r in rows),
                "sar_type": sar.type if sar and sar.type else first["sar_type"],
                "sar_description": sar.description if sar else None,
                "sar_names": names,
                "sar_descriptions": instance_descriptions(names, views),
            }
        )
    tables["condition_keys"] = folded
    pairs: dict[tuple[str, str], LooseRow] = {}
    for row in tables["action_condition_keys"]:
        name = row["condition_key"]
        family = template_of.get(name)
        if family is None:
            pairs[(row["action"], name)] = row
            continue
        pair = pairs.setdefault(
            (row["action"], family), {**row, "condition_key": family, "sar_names": []}
        )
        pair["sar_resource_types"] = sorted(
            {*pair["sar_resource_types"], *row["sar_resource_types"]}
        )
        pair["sar_names"] = sorted({*pair["sar_names"], name}, key=_natural)
        pair["grant_rows"] = sorted({*pair["grant_rows"], *row["grant_rows"]})
        for column in ("permissions_source", "conditions_source", "sar_source", "api_source"):
            pair[column] = pair[column] or row[column]
    tables["action_condition_keys"] = list(pairs.values())
    return tables


def _action_headlines(tables: LooseTables) -> LooseTables:
    """3.2.0's action facts were the guide's where it listed the action (else the API
    Reference's policy types and cross-account use, the SAR's resources, else the API
    Reference's) and the SAR's description: they stay the headline (that version's own choice),
    each with the source it was taken from, and are that source's own column. A source's value
    3.2.0 did not keep (the API Reference's resources, the SAR's where the guide gave them) is
    empty or null: it is not invented."""
    for row in tables["actions"]:
        guide, api = row["details_source"] == "guide", row["details_source"] == "api"
        details = "permissions" if guide else "api" if api else None
        for fact in ("policy_types", "key_policy_effective", "cross_account", "cross_account_text"):
            row[f"{fact}_source"] = details
        row["guide_policy_types"] = list(row["policy_types"]) if guide else []
        row["guide_key_policy_effective"] = row["key_policy_effective"] if guide else None
        row["guide_cross_account"] = row["cross_account"] if guide else None
        row["guide_cross_account_text"] = row["cross_account_text"] if guide else None
        row["guide_resources"] = list(row["resources"]) if guide else []
        from_sar = not guide and row["in_sar"]
        row["sar_resources"] = list(row["resources"]) if from_sar else []
        from_api = not guide and not from_sar and row["in_api"] and bool(row["resources"])
        row["api_resources"] = list(row["resources"]) if from_api else []
        row["api_key_policy_effective"] = row["key_policy_effective"] if api else None
        row["resources_source"] = (
            "permissions" if guide else "sar" if from_sar else "api" if from_api else None
        )
        row["sar_description"] = row["description"]
        row["description_source"] = "sar" if row["description"] else None
    return tables


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "1.0.0",
        "2.0.0",
        "one read model: actions' resource_types is resources; first_seen is gone; the SAR's "
        "instances of a template (PCR0...) fold into it as sar_names; the action/key relation "
        "is one row per pair with a source per side (1.0.0 held no guide order and no "
        "condition key page relation: position and conditions_source are null); notes is new",
        _one_read_model,
    ),
    Migration(
        "2.0.0",
        "2.1.0",
        "the API Reference as a source: actions gain the api_* columns (not listed there: "
        "in_api false, nulls and empty lists) and details_source (guide where the guide "
        "lists the action, else none); sources gain release; discrepancies gain api_source; "
        "required_permissions is new",
        steps(
            added(
                "actions",
                in_api=False,
                api_operation=None,
                api_cross_account=None,
                api_cross_account_text=None,
                api_policy_types=[],
            ),
            lambda tables: _details_source(tables),
            added("sources", release=None),
            added("discrepancies", api_source=None),
            new_table("required_permissions"),
        ),
    ),
    Migration(
        "2.1.0",
        "2.2.0",
        "the guide's table of services that support kms:ViaService: via_services is new (an "
        "older version did not record it: empty)",
        new_table("via_services"),
    ),
    Migration(
        "2.2.0",
        "3.0.0",
        "typed files: dates are Parquet DATE (valid_from, valid_to, revision_date), times "
        "TIMESTAMP in UTC (fetched_at), JSON text Parquet's JSON type (history's value, "
        "operations_expression); the JSON files' rows are unchanged (ISO 8601 text, JSON text)",
        steps(),
    ),
    Migration(
        "3.0.0",
        "3.1.0",
        "the condition keys the API Reference's text offers (kms:PolicyName): condition keys gain "
        "in_api (false) and api_description (null), the action/key relation api_source (null); "
        "the guide's and the SAR's rules for actions they do not list yet: the relation gains "
        "rule (null); actions gain api_description (null); condition keys gain sar_descriptions "
        "(empty: an older version joined its instances' descriptions): an older version did not "
        "read them",
        steps(
            added("condition_keys", in_api=False, api_description=None),
            added("action_condition_keys", api_source=None, rule=None),
            added("actions", api_description=None),
            added("condition_keys", sar_descriptions=[]),
        ),
    ),
    Migration(
        "3.1.0",
        "3.2.0",
        "the newest dated source states a fact: condition keys' condition_type, value_type and "
        "description are the headline, beside the guide's own columns guide_condition_type, "
        "guide_value_type and guide_description (3.1.0's values, the guide's where it was their "
        "source) and description_source; the action/key relation gains applies (true: 3.1.0 "
        "applied every pair a source listed) and decided_by (null: not recorded); history's "
        "facts first shown by an undated copy lose their valid_from, and undated says why; a "
        "numbered family the SAR enumerates that no template covers (NitroTPMPCR0 ... 23) is "
        "one template, as builds now make it (its history rows keep the instances' names)",
        steps(
            _headline_columns,
            added("action_condition_keys", applies=True, decided_by=None),
            _undated_history,
            _fold_enumerated,
        ),
    ),
    Migration(
        "3.2.0",
        "3.3.0",
        "the newest dated source states an action's facts: actions' policy_types, "
        "key_policy_effective, cross_account, cross_account_text, resources and description are "
        "the headline, each with its source (<fact>_source), beside each source's own columns "
        "(guide_*, sar_resources, sar_description, api_resources, api_key_policy_effective); "
        "3.2.0's values stay the headline, taken from the source 3.2.0 took them from, and a "
        "source's value 3.2.0 did not keep is empty or null",
        _action_headlines,
    ),
)


def _details_source(tables: LooseTables) -> LooseTables:
    for row in tables["actions"]:
        row["details_source"] = "guide" if row["in_guide"] else "none"
    return tables


def readable(version: object, migrations: Iterable[Migration] | None = None) -> bool:
    """Whether a folder of this schema version can be read (the current one, or older with a
    declared path to it)."""
    try:
        chain(version, migrations)
    except MigrationError:
        return False
    return True


def chain(version: object, migrations: Iterable[Migration] | None = None) -> list[Migration]:
    """The migrations from `version` to the current schema version, in order (`migrations`:
    the declared ones unless given)."""
    by_source = {m.source: m for m in (MIGRATIONS if migrations is None else migrations)}
    found: list[Migration] = []
    current = version
    while current != SCHEMA_VERSION:
        step = by_source.get(current) if isinstance(current, str) else None
        if step is None or len(found) > len(by_source):
            raise MigrationError(
                f"schema version {version!r}; this kms-permissions reads schema version "
                f"{SCHEMA_VERSION} and the versions it declares migrations from "
                f"({', '.join(sorted(by_source)) or 'none'})"
            )
        found.append(step)
        current = step.target
    return found


def migrate(tables: LooseTables, version: str) -> LooseTables:
    """LooseTables of schema version `version` as the current schema version has them."""
    for migration in chain(version):
        tables = migration.step(tables)
    return tables
