"""Parser for the Service Authorization Reference page for KMS (all layouts since 2019).

Three tables: actions (rowspan across resource rows), resource types, condition keys. The
layouts differ in header case, `thead`, where the action's anchor id sits and in whitespace.
The page is large (up to 250 kB), so it is read with lxml's tree directly rather than through
BeautifulSoup, which takes several times longer to build the same tree.
"""

from __future__ import annotations

import re
from typing import TypeAlias

import lxml.html
from lxml.etree import ParserError

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
from kms_permissions.scraper.tables import expand, headers_match, int_attribute

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

Element: TypeAlias = lxml.html.HtmlElement


def parse(text: str, provenance: Provenance) -> SarPage:
    """Parse one copy of the Service Authorization Reference page for KMS."""
    where = provenance.location
    try:
        root = lxml.html.document_fromstring(text)
    except (ParserError, ValueError) as exc:
        raise ParseError(where, RENDERING, f"not an HTML document ({exc})") from None
    title = next(root.iter("h1"), None)
    if title is None or "key management service" not in _text(title).lower():
        raise ParseError(where, RENDERING, "no 'AWS Key Management Service' title")
    prefix = service_prefix(_text(root))
    if prefix != "kms":
        raise ParseError(
            where, RENDERING, f"a page for the service prefix {prefix!r}, not KMS's 'kms'"
        )
    tables: dict[str, Element | None] = {
        "actions": _find_table(root, ACTIONS_HEADERS),
        "resource types": _find_table(root, RESOURCES_HEADERS),
        "condition keys": _find_table(root, KEYS_HEADERS),
    }
    found: dict[str, Element] = {}
    for name, table in tables.items():
        if table is None:
            raise ParseError(where, RENDERING, f"no {name} table with the expected headers")
        found[name] = table
    try:
        actions = _actions(found["actions"])
        resources = _resource_types(found["resource types"])
        keys = _condition_keys(found["condition keys"])
    except ValueError as exc:
        raise ParseError(where, RENDERING, str(exc)) from None
    names = [k.name for k in keys] + [
        k for a in actions for r in a.resource_rows for k in r.condition_keys
    ]
    foreign = sorted({n.split(":", 1)[0] for n in names} - {"kms", "aws"})
    if foreign:
        raise ParseError(where, RENDERING, f"condition keys of another service ({foreign[0]}:)")
    return SarPage(provenance, actions, resources, keys)


_PREFIX = re.compile(r"service prefix:\s*([a-z0-9-]+)", re.IGNORECASE)


def service_prefix(text: str) -> str | None:
    """The service prefix a SAR page's introduction names (`kms`), from its plain text."""
    match = _PREFIX.search(text)
    return match.group(1).lower() if match else None


def _text(element: Element) -> str:
    return squash(element.text_content())


def _find_table(root: Element, wanted: tuple[str, ...]) -> Element | None:
    for table in root.iter("table"):
        first = next(table.iter("tr"), None)
        headers = [_text(th) for th in first.findall("th")] if first is not None else []
        if headers_match(headers, wanted):
            return table
    return None


def _grid(table: Element, width: int) -> list[list[tuple[Element, bool]]]:
    rows = [
        [c for c in tr if c.tag in ("td", "th")]
        for tr in table.iter("tr")
        if any(c.tag == "td" for c in tr)
    ]
    return expand(
        rows,
        width,
        lambda c: (int_attribute(c.get("rowspan")), int_attribute(c.get("colspan"))),
    )


def _lines(cell: Element) -> list[str]:
    """The entries of a list cell: one per link or paragraph."""
    entries = [_text(a) for a in cell.iter("a")]
    if not any(entries):
        entries = [_text(p) for p in cell.iter("p")]
    if not any(entries) and _text(cell):
        entries = [_text(cell)]
    return [e for e in entries if e]


def _actions(table: Element) -> tuple[SarAction, ...]:
    grid = _grid(table, len(ACTIONS_HEADERS))
    starts = [i for i, row in enumerate(grid) if row[0][1]]
    if not starts or starts[0] != 0:
        raise ValueError("actions table: first row does not start an action")
    actions: list[SarAction] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(grid)
        rows = grid[start:end]
        name_cell = rows[0][0][0]
        name = _text(name_cell)
        permission_only = "[permission only]" in name.lower()
        name = re.sub(r"\s*\[permission only\]", "", name, flags=re.IGNORECASE)
        if not _ACTION_NAME.match(name):
            raise ValueError(f"actions table row {start + 1}: {name!r} is not an action name")
        links = [a.get("href") for a in name_cell.iter("a") if "APIReference" in a.get("href", "")]
        url = links[0] if links else None
        description = _text(rows[0][1][0])
        access = _text(rows[0][2][0])
        if access not in ACCESS_LEVELS:
            raise ValueError(f"action {name}: unknown access level {access!r}")
        resource_rows = tuple(_resource_row(row, name) for row in rows)
        actions.append(SarAction(name, url, description, access, resource_rows, permission_only))
    names = [a.name for a in actions]
    if len(set(names)) != len(names):
        raise ValueError("actions table: an action appears twice")
    return tuple(actions)


def _resource_row(row: list[tuple[Element, bool]], action: str) -> SarResourceRow:
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


def _resource_types(table: Element) -> tuple[SarResourceType, ...]:
    types: list[SarResourceType] = []
    for number, row in enumerate(_grid(table, len(RESOURCES_HEADERS)), start=1):
        name = _text(row[0][0])
        arn = re.sub(r"\s+", "", row[1][0].text_content())
        if not name or not arn.startswith("arn:"):
            raise ValueError(f"resource types row {number}: no name or ARN")
        types.append(SarResourceType(name, arn, tuple(_lines(row[2][0]))))
    if not types:
        raise ValueError("resource types table is empty")
    return tuple(types)


def _condition_keys(table: Element) -> tuple[SarConditionKey, ...]:
    keys: list[SarConditionKey] = []
    for number, row in enumerate(_grid(table, len(KEYS_HEADERS)), start=1):
        name = re.sub(r"\s+", "", row[0][0].text_content())
        if not _KEY_NAME.match(name):
            raise ValueError(f"condition keys row {number}: {name!r} is not a condition key")
        keys.append(SarConditionKey(name, _text(row[1][0]), _text(row[2][0])))
    if not keys:
        raise ValueError("condition keys table is empty")
    return tuple(keys)
