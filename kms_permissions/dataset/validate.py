"""Checks a dataset version must pass before anything is written."""

from __future__ import annotations

from kms_permissions.dataset.columns import ALL_TABLES, check_row
from kms_permissions.dataset.memory import Dataset
from kms_permissions.errors import KmsPermissionsError
from kms_permissions.names import identity

SHRINK_LIMIT = 0.10


class ValidationError(KmsPermissionsError):
    """A dataset that must not be published, with every reason found (on one line)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:5])
        more = f"; ... and {len(problems) - 5} more" if len(problems) > 5 else ""
        super().__init__(f"dataset is not valid: {shown}{more}")


def validate(dataset: Dataset, previous: Dataset | None = None, allow_shrink: bool = False) -> None:
    """Raise ValidationError unless the dataset conforms, is consistent and did not shrink."""
    problems: list[str] = []
    for name, rows in dataset.by_name().items():
        table = ALL_TABLES.get(name)
        if table is None:
            problems.append(f"unknown table {name}")
            continue
        seen: set[tuple[object, ...]] = set()
        for number, row in enumerate(rows):
            problem = check_row(table, row)
            if problem:
                problems.append(f"{name} row {number}: {problem}")
                continue
            key = tuple(str(row[k]) for k in table.key)
            if key in seen:
                problems.append(f"{name} row {number}: duplicate key {key}")
            seen.add(key)
    if problems:
        raise ValidationError(problems)
    problems += _integrity(dataset)
    if previous is not None and not allow_shrink:
        problems += _shrinkage(dataset, previous)
    if problems:
        raise ValidationError(problems)


def _integrity(dataset: Dataset) -> list[str]:
    problems: list[str] = []
    actions = {r["action"] for r in dataset.tables["actions"]}
    keys = {r["condition_key"]: r for r in dataset.tables["condition_keys"]}
    resources = {r["resource_type"] for r in dataset.tables["resource_types"]} | {"*"}
    sources = {r["source_id"] for r in dataset.tables["sources"]}
    if not actions:
        problems.append("actions: the table is empty")
    for link in dataset.tables["action_condition_keys"]:
        where = f"action_condition_keys {link['action']}|{link['condition_key']}"
        if link["action"] not in actions:
            problems.append(f"{where}: unknown action")
        key = keys.get(link["condition_key"])
        if key is None:
            problems.append(f"{where}: unknown condition key")
        elif not (key["in_guide"] or key["in_sar"] or key["in_api"] or key["prefix"] == "aws"):
            problems.append(f"{where}: key documented by no source")
        said = {
            "permissions_source": link["permissions_source"],
            "conditions_source": link["conditions_source"],
            "sar_source": link["sar_source"],
            "api_source": link["api_source"],
        }
        if not any(said.values()):
            problems.append(f"{where}: no source pairs them")
        for resource in link["sar_resource_types"]:
            if dataset.tables["resource_types"] and resource not in resources:
                problems.append(f"{where}: unknown resource type {resource}")
        for column, sid in said.items():
            if sid and sid not in sources:
                problems.append(f"{where}: {column} {sid} not in sources")
    for grant in dataset.tables["action_grants"]:
        if grant["action"] not in actions:
            problems.append(f"action_grants {grant['action']}: unknown action")
        if dataset.tables["resource_types"]:
            for resource in grant["resources"]:
                if resource not in resources:
                    problems.append(f"action_grants {grant['action']}: unknown resource {resource}")
    for named in dataset.tables["condition_keys"]:
        if named["replacement"] and named["replacement"] not in keys:
            problems.append(f"condition_keys {named['condition_key']}: unknown replacement")
    cited = (
        ("action_grants", [r["source_id"] for r in dataset.tables["action_grants"]]),
        ("resource_types", [r["source_id"] for r in dataset.tables["resource_types"]]),
        ("notes", [r["source_id"] for r in dataset.tables["notes"]]),
    )
    for name, ids in cited:
        for sid in ids:
            if sid not in sources:
                problems.append(f"{name}: source {sid} not in sources")
    return problems


# What each kind of source contributes, and the source kinds (sources.kind) that make it.
_CONTRIBUTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("operations of the permissions reference", ("permissions",)),
    ("condition keys of the guide", ("condition-keys", "global-keys")),
    ("actions of the SAR", ("sar",)),
    ("condition keys of the SAR", ("sar",)),
    ("operations of the API Reference", ("api-reference",)),
)


def contributions(dataset: Dataset) -> dict[str, set[str]]:
    """Per kind of source the dataset was built from, the names it contributes."""
    kinds = {r["kind"] for r in dataset.tables["sources"]}
    keys = dataset.tables["condition_keys"]
    # Keys compared by identity: the guide's and the SAR's spellings of a template are one key.
    spelt = {r["condition_key"]: identity(r["condition_key"]) for r in keys}
    names = {
        "operations of the permissions reference": {
            r["action"] for r in dataset.tables["action_grants"]
        },
        "condition keys of the guide": {spelt[r["condition_key"]] for r in keys if r["in_guide"]},
        "actions of the SAR": {r["action"] for r in dataset.tables["actions"] if r["in_sar"]},
        # A name kept as another key's SAR spelling or instance is not lost.
        "condition keys of the SAR": {spelt[r["condition_key"]] for r in keys if r["in_sar"]}
        | {identity(n) for r in keys for n in r.get("sar_names", ())},
        "operations of the API Reference": {
            r["action"] for r in dataset.tables["actions"] if r.get("in_api")
        },
    }
    return {what: names[what] for what, made_by in _CONTRIBUTIONS if kinds & set(made_by)}


def _shrinkage(dataset: Dataset, previous: Dataset) -> list[str]:
    """Per kind of source: the names the previous version had that this one lost, when more
    than SHRINK_LIMIT of them. A kind of source the build does not read is not compared: a build
    from the SAR alone loses nothing of the guide's."""
    problems = []
    after = contributions(dataset)
    for what, before in contributions(previous).items():
        if what not in after:
            continue
        lost = before - after[what]
        if before and len(lost) > SHRINK_LIMIT * len(before):
            problems.append(
                f"{what}: {len(lost)} of {len(before)} lost since version {previous.version} "
                f"(more than {SHRINK_LIMIT:.0%}; pass --allow-shrink if that is right): "
                + ", ".join(sorted(lost)[:10])
            )
    return problems
