"""Parser for the Service Authorization Reference page for KMS (all layouts since 2019).

Three tables: actions (rowspan across resource rows), resource types, condition keys. The
layouts differ in header case, `thead`, where the action's anchor id sits and in whitespace.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from kms_permissions.errors import ParseError
from kms_permissions.scraper.inline import squash
from kms_permissions.scraper.records import (
    Provenance,
    SarAction,
    SarConditionKey,
    SarPage,
    SarResourceRow,
    SarResourceType,
)
from kms_permissions.scraper.tables import expand, find_table

RENDERING = "sar-html"
ACTIONS_HEADERS = (
    "actions",
    "description",
    "access level",
    "resource types",
    "condition keys",
    "dependent actions",
)
RESOURCES_HEADERS = ("resource types", "arn", "condition keys")
KEYS_HEADERS = ("condition keys", "description", "type")
ACCESS_LEVELS = {"List", "Read", "Write", "Permissions management", "Tagging"}
_ACTION_NAME = re.compile(r"^[A-Z][A-Za-z0-9]+$")
_KEY_NAME = re.compile(r"^[a-z0-9]+:\S+$")


def parse(text: str, provenance: Provenance) -> SarPage:
    """Parse one copy of the Service Authorization Reference page for KMS."""
    where = provenance.location
    soup = BeautifulSoup(text, "lxml")
    title = soup.find("h1")
    if title is None or "key management service" not in squash(title.get_text()).lower():
        raise ParseError(where, RENDERING, "no 'AWS Key Management Service' title")
    tables = {
        "actions": find_table(soup, ACTIONS_HEADERS),
        "resource types": find_table(soup, RESOURCES_HEADERS),
        "condition keys": find_table(soup, KEYS_HEADERS),
    }
    for name, table in tables.items():
        if table is None:
            raise ParseError(where, RENDERING, f"no {name} table with the expected headers")
    try:
        actions = _actions(tables["actions"])  # type: ignore[arg-type]
        resources = _resource_types(tables["resource types"])  # type: ignore[arg-type]
        keys = _condition_keys(tables["condition keys"])  # type: ignore[arg-type]
    except ValueError as exc:
        raise ParseError(where, RENDERING, str(exc)) from None
    return SarPage(provenance, actions, resources, keys)


def _lines(cell: Tag) -> list[str]:
    """The entries of a list cell: one per link or paragraph."""
    entries = [squash(a.get_text()) for a in cell.find_all("a")]
    if not entries:
        entries = [squash(p.get_text()) for p in cell.find_all("p")]
    if not entries and squash(cell.get_text()):
        entries = [squash(cell.get_text())]
    return [e for e in entries if e]


def _actions(table: Tag) -> tuple[SarAction, ...]:
    grid = expand(table, len(ACTIONS_HEADERS))
    starts = [i for i, row in enumerate(grid) if row[0][1]]
    if not starts or starts[0] != 0:
        raise ValueError("actions table: first row does not start an action")
    actions: list[SarAction] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(grid)
        rows = grid[start:end]
        name_cell = rows[0][0][0]
        name = squash(name_cell.get_text())
        permission_only = "[permission only]" in name.lower()
        name = re.sub(r"\s*\[permission only\]", "", name, flags=re.IGNORECASE)
        if not _ACTION_NAME.match(name):
            raise ValueError(f"actions table row {start + 1}: {name!r} is not an action name")
        link = name_cell.find("a", href=re.compile("APIReference"))
        url = str(link["href"]) if isinstance(link, Tag) else None
        description = squash(rows[0][1][0].get_text())
        access = squash(rows[0][2][0].get_text())
        if access not in ACCESS_LEVELS:
            raise ValueError(f"action {name}: unknown access level {access!r}")
        resource_rows = tuple(_resource_row(row, name) for row in rows)
        actions.append(SarAction(name, url, description, access, resource_rows, permission_only))
    names = [a.name for a in actions]
    if len(set(names)) != len(names):
        raise ValueError("actions table: an action appears twice")
    return tuple(actions)


def _resource_row(row: list[tuple[Tag, bool]], action: str) -> SarResourceRow:
    resources = _lines(row[3][0])
    if len(resources) > 1:
        raise ValueError(f"action {action}: several resource types in one row")
    keys = tuple(_lines(row[4][0]))
    for key in keys:
        if not _KEY_NAME.match(key):
            raise ValueError(f"action {action}: {key!r} is not a condition key")
    dependent = tuple(_lines(row[5][0]))
    if not resources:
        return SarResourceRow(None, False, keys, dependent)
    resource = resources[0]
    return SarResourceRow(resource.rstrip("*"), resource.endswith("*"), keys, dependent)


def _resource_types(table: Tag) -> tuple[SarResourceType, ...]:
    types: list[SarResourceType] = []
    for number, row in enumerate(expand(table, len(RESOURCES_HEADERS)), start=1):
        name = squash(row[0][0].get_text())
        arn = re.sub(r"\s+", "", row[1][0].get_text())
        if not name or not arn.startswith("arn:"):
            raise ValueError(f"resource types row {number}: no name or ARN")
        types.append(SarResourceType(name, arn, tuple(_lines(row[2][0]))))
    if not types:
        raise ValueError("resource types table is empty")
    return tuple(types)


def _condition_keys(table: Tag) -> tuple[SarConditionKey, ...]:
    keys: list[SarConditionKey] = []
    for number, row in enumerate(expand(table, len(KEYS_HEADERS)), start=1):
        name = re.sub(r"\s+", "", row[0][0].get_text())
        if not _KEY_NAME.match(name):
            raise ValueError(f"condition keys row {number}: {name!r} is not a condition key")
        keys.append(
            SarConditionKey(name, squash(row[1][0].get_text()), squash(row[2][0].get_text()))
        )
    if not keys:
        raise ValueError("condition keys table is empty")
    return tuple(keys)
